/**
 * `--wait`: follows the job a command started until it ends, with a progress bar on a terminal.
 * Polls `query-jobs` (block jobs: `blockdev-backup`, `blockdev-mirror`, `block-commit`,
 * `block-stream`, `drive-backup`, `drive-mirror`) or `query-migrate` (`migrate`) every 200 ms.
 * Kept small and on its own so that the jobs work (issue 15) can replace it.
 */
import type { QmpClient } from '../runtime/index.js';
import { CliError, exitCodes } from './exit-codes.js';

/** Commands whose job `--wait` follows, and how the job is named (`job-id`, else the device/node). */
const blockJobCommands = new Set(['blockdev-backup', 'blockdev-mirror', 'block-commit', 'block-stream', 'drive-backup', 'drive-mirror']);

/** Whether `--wait` knows how to follow `command`. */
export function waitable(command: string): boolean {
  return blockJobCommands.has(command) || command === 'migrate';
}

/** One progress reading. */
interface Reading {
  done: boolean;
  /** Error text when the job failed. */
  error?: string;
  current: number;
  total: number;
  status: string;
}

const pollMs = 200;

function bar(r: Reading, label: string, width = 30): string {
  const frac = r.total > 0 ? Math.min(1, r.current / r.total) : 0;
  const fill = Math.round(frac * width);
  return `\r${label} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${r.status}\x1b[K`;
}

async function readBlockJob(qmp: QmpClient, id: string, seen: boolean): Promise<Reading | undefined> {
  const jobs = (await qmp.execute('query-jobs')) as Array<Record<string, unknown>>;
  const job = jobs.find((j) => j['id'] === id);
  if (job === undefined) return seen ? { done: true, current: 1, total: 1, status: 'gone' } : undefined;
  const status = String(job['status']);
  const r: Reading = { done: false, current: Number(job['current-progress'] ?? 0), total: Number(job['total-progress'] ?? 0), status };
  if (typeof job['error'] === 'string') return { ...r, done: true, error: job['error'] };
  // 'ready': a mirror has caught up and waits for block-job-complete; 'concluded'/'null': ended.
  if (status === 'ready' || status === 'concluded' || status === 'null') r.done = true;
  return r;
}

async function readMigration(qmp: QmpClient): Promise<Reading> {
  const m = (await qmp.execute('query-migrate')) as Record<string, unknown>;
  const status = String(m['status'] ?? 'none');
  const ram = (m['ram'] ?? {}) as Record<string, unknown>;
  const r: Reading = { done: false, current: Number(ram['transferred'] ?? 0), total: Number(ram['total'] ?? 0), status };
  if (status === 'completed') return { ...r, done: true, current: r.total };
  if (status === 'failed' || status === 'cancelled') return { ...r, done: true, error: typeof m['error-desc'] === 'string' ? m['error-desc'] : `migration ${status}` };
  return r;
}

/**
 * Waits for the job of `command` (run with `args`) to end. Resolves with the last status text;
 * throws {@link CliError} (exit 1) when the job failed or was never found.
 */
export async function waitForJob(qmp: QmpClient, command: string, args: Record<string, unknown>, out: NodeJS.WriteStream): Promise<string> {
  const id = command === 'migrate' ? 'migration' : String(args['job-id'] ?? args['device'] ?? '');
  const tty = out.isTTY === true;
  let seen = false;
  for (let misses = 0; ; ) {
    const r = command === 'migrate' ? await readMigration(qmp) : await readBlockJob(qmp, id, seen);
    if (r === undefined) {
      if (++misses > 25) throw new CliError(`qmp: --wait: no job "${id}" in query-jobs`, exitCodes.commandError);
    } else {
      seen = true;
      if (tty) out.write(bar(r, id));
      if (r.done) {
        if (tty) out.write('\n');
        if (r.error !== undefined) throw new CliError(`qmp: job ${id} failed: ${r.error}`, exitCodes.commandError);
        return `job ${id}: ${r.status}${r.status === 'ready' ? ' (run block-job-complete to finish it)' : ''}`;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
