/**
 * The lean raw client (`../shared/bench/raw-lean-client.mjs`, outside the repository): the least
 * work a Node client can do per QMP command, the yardstick of issue 12 for the runtime's own cost.
 * It runs in its own Node process; this module starts it and reads its one JSON result line.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where the lean client is expected: `$QMP_LEAN_CLIENT` if set (a worktree outside the main checkout
 * has no `../shared`), else `../shared/bench/raw-lean-client.mjs` from the repository root.
 */
export const leanClientPath = resolve(process.env['QMP_LEAN_CLIENT'] || resolve(root, '../shared/bench/raw-lean-client.mjs'));

/** Whether the lean client is present. */
export function hasLeanClient(): boolean {
  return existsSync(leanClientPath);
}

/**
 * Runs `count` `query-status` commands through the lean client against the QMP socket `path`,
 * keeping `inFlight` outstanding; resolves to its commands per second (timed inside the child,
 * from after negotiation to the last reply). Rejects if it exits non-zero, prints no result, or
 * takes longer than `timeoutMs` (default 60 000; it is then killed).
 */
export function runLeanClient(path: string, opts: { inFlight: number; count: number; timeoutMs?: number }): Promise<number> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [leanClientPath, path, String(opts.count), String(opts.inFlight)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      let ops: unknown;
      try {
        ops = (JSON.parse(line) as { ops_per_s?: unknown }).ops_per_s;
      } catch {
        ops = undefined;
      }
      if (code === 0 && typeof ops === 'number' && ops > 0) resolveRun(ops);
      else reject(new Error(`lean client ${leanClientPath} failed (exit ${code ?? signal}): ${(err || out).trim().slice(0, 500)}`));
    });
  });
}
