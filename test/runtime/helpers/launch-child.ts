/**
 * A child Node process for the launcher's orphan tests: launches the QEMU named by argv[2]
 * ('7.2' | '10.0') with `-pidfile argv[3]` (QEMU removes it when it shuts down in order, not when
 * SIGKILLed), prints `{pid, tempDir, watcher}` as one JSON line on stdout, then waits to be
 * killed. Run with `node --import tsx` (not the tsx CLI, which would put a process in between).
 */
import { findQemu, type QemuVersion } from '../../../scripts/qemus.js';
import { launchQemu } from '../../../runtime/index.js';
import { QEMU_ARGS } from './qemu.js';

const q = findQemu(process.argv[2] as QemuVersion);
const vm = await launchQemu({ binary: q.binary, env: q.env, args: [...QEMU_ARGS, '-pidfile', process.argv[3]!] });
process.stdout.write(`${JSON.stringify({ pid: vm.pid, tempDir: vm.tempDir, watcher: vm.watcher.pid })}\n`);
setInterval(() => {}, 60_000);
