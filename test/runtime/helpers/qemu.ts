/** Launching the real test QEMUs (fails, never skips, when missing). */
import { existsSync } from 'node:fs';
import { findQemu, type QemuVersion } from '../../../scripts/qemus.js';
import { launchQemu, type ClientOptions, type LaunchedQemu, type QmpClient } from '../../../runtime/index.js';

/** The arguments every test QEMU runs with. */
export const QEMU_ARGS = ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'] as const;

/** Starts QEMU `version` with the launcher. */
export function launch(version: QemuVersion, qmp?: ClientOptions): Promise<LaunchedQemu<QmpClient>> {
  const q = findQemu(version);
  return launchQemu({ binary: q.binary, env: q.env, args: QEMU_ARGS, ...(qmp ? { qmp } : {}) });
}

/** True while a process with this pid exists (zombies of our own children are reaped by Node). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when nothing of a launched QEMU is left: no process, no temp folder. */
export function leftNothing(vm: LaunchedQemu<unknown>): boolean {
  return !alive(vm.pid) && !existsSync(vm.tempDir);
}
