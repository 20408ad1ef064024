/**
 * Helpers of the `qmp` tests: a real QEMU with a second QMP socket for the CLI (the test keeps the
 * launcher's own connection to trigger events), and `qmp` run as a user would, in a child Node with
 * tsx (its compile cache in a private folder, removed afterwards).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchQemu } from '../../runtime/index.js';
import type { LaunchedQemu, QmpClient } from '../../runtime/index.js';
import { findQemu, projectRoot as root } from '../../scripts/qemus.js';
import type { QemuVersion } from '../../scripts/qemus.js';

/** A running QEMU: `vm.qmp` for the test, `socket` for the CLI. */
export interface TestQemu {
  vm: LaunchedQemu<QmpClient>;
  /** A second QMP socket of the same QEMU, for `qmp -s`. */
  socket: string;
  /** A private folder (history files…), removed by `close()`. */
  dir: string;
  close(): Promise<void>;
}

export async function startQemu(version: QemuVersion, extraArgs: readonly string[] = []): Promise<TestQemu> {
  const q = findQemu(version);
  const dir = mkdtempSync(join(tmpdir(), 'qmp-cli-'));
  const socket = join(dir, 'cli.sock');
  try {
    const vm = await launchQemu({
      binary: q.binary,
      env: q.env,
      args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S', '-qmp', `unix:${socket},server=on,wait=off`, ...extraArgs],
    });
    return {
      vm,
      socket,
      dir,
      close: async () => {
        await vm.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** `node --import tsx cli/main.ts …args`: the command line of `qmp` from source. */
export function qmpCommand(args: readonly string[]): [string, string[]] {
  return [process.execPath, ['--import', pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href, join(root, 'cli/main.ts'), ...args]];
}

export interface QmpRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `qmp …args` to its end (stdin from `input`, else closed). */
export async function runQmp(args: readonly string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<QmpRun> {
  const cache = mkdtempSync(join(tmpdir(), 'tsx-cache-'));
  try {
    const [cmd, argv] = qmpCommand(args);
    const child = spawn(cmd, argv, { env: { ...process.env, TMPDIR: cache, NO_COLOR: '1', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(opts.input ?? '');
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c) => resolve(c));
    });
    return { code, stdout, stderr };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
