/**
 * `--wait`: follows the job a command starts until it ends, with a progress bar on a terminal.
 * The end is taken from events, listened to before the command is sent so that a job that ends at
 * once is not missed (`BLOCK_JOB_COMPLETED`/`_CANCELLED`/`_READY`/`_ERROR`, `MIGRATION`); progress
 * is polled every 200 ms from `query-jobs` (block jobs: `blockdev-backup`, `blockdev-mirror`,
 * `block-commit`, `block-stream`, `drive-backup`, `drive-mirror`) or `query-migrate` (`migrate`).
 * Kept small and on its own so that the jobs work (issue 15) can replace it.
 */
import type { QmpClient } from '../runtime/index.js';
import { CliError, exitCodes } from './exit-codes.js';

const blockJobCommands = new Set(['blockdev-backup', 'blockdev-mirror', 'block-commit', 'block-stream', 'drive-backup', 'drive-mirror']);

/** Whether `--wait` knows how to follow `command`. */
export function waitable(command: string): boolean {
  return blockJobCommands.has(command) || command === 'migrate';
}

/** How a job ended. */
interface End {
  status: string;
  error?: string;
}

const pollMs = 200;

function bar(current: number, total: number, label: string, status: string, width = 30): string {
  const frac = total > 0 ? Math.min(1, current / total) : 0;
  const fill = Math.round(frac * width);
  return `\r${label} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${status}\x1b[K`;
}

function data(ev: { data?: unknown }): Record<string, unknown> {
  return (ev.data ?? {}) as Record<string, unknown>;
}

/** A watch on the job of one command; call {@link JobWatch.wait} after the command succeeded. */
export interface JobWatch {
  /** Resolves with a line saying how the job ended; throws CliError (1) when it failed. Stops the watch. */
  wait(out: NodeJS.WriteStream): Promise<string>;
  /** Stops listening (the command failed). */
  stop(): void;
}

/** Starts listening for the end of the job `command` (with `args`) will start. Call before sending it. */
export function watchJob(qmp: QmpClient, command: string, args: Record<string, unknown>): JobWatch {
  const migrate = command === 'migrate';
  const id = migrate ? 'migration' : String(args['job-id'] ?? args['device'] ?? '');
  let end: End | undefined;
  const off = qmp.onAny((ev) => {
    const d = data(ev);
    if (migrate) {
      if (ev.event === 'MIGRATION' && ['completed', 'failed', 'cancelled'].includes(String(d['status']))) end = { status: String(d['status']) };
      return;
    }
    if (d['device'] !== id) return;
    if (ev.event === 'BLOCK_JOB_COMPLETED') end = typeof d['error'] === 'string' ? { status: 'failed', error: d['error'] } : { status: 'completed' };
    else if (ev.event === 'BLOCK_JOB_CANCELLED') end = { status: 'cancelled', error: 'cancelled' };
    else if (ev.event === 'BLOCK_JOB_READY') end = { status: 'ready' };
  });

  async function progress(): Promise<{ current: number; total: number; status: string; error?: string } | undefined> {
    if (migrate) {
      const m = (await qmp.execute('query-migrate')) as Record<string, unknown>;
      const ram = (m['ram'] ?? {}) as Record<string, unknown>;
      const status = String(m['status'] ?? 'none');
      if (status === 'failed' && end === undefined) end = { status, error: typeof m['error-desc'] === 'string' ? m['error-desc'] : 'migration failed' };
      return { current: Number(ram['transferred'] ?? 0), total: Number(ram['total'] ?? 0), status };
    }
    const jobs = (await qmp.execute('query-jobs')) as Array<Record<string, unknown>>;
    const job = jobs.find((j) => j['id'] === id);
    if (job === undefined) return undefined;
    return { current: Number(job['current-progress'] ?? 0), total: Number(job['total-progress'] ?? 0), status: String(job['status']) };
  }

  return {
    stop: off,
    async wait(out) {
      const tty = out.isTTY === true;
      try {
        while (end === undefined) {
          if (!qmp.isOpen) throw new CliError(`qmp: the connection ended while waiting for job ${id}`, exitCodes.usageOrConnection);
          const p = await progress();
          if (p !== undefined && tty && end === undefined) out.write(bar(p.current, p.total, id, p.status));
          if (end === undefined) await new Promise((resolve) => setTimeout(resolve, pollMs));
        }
        if (tty) out.write(`${bar(1, 1, id, end.status)}\n`);
        const e: End = end;
        if (e.error !== undefined) throw new CliError(`qmp: job ${id} ${e.status}: ${e.error}`, exitCodes.commandError);
        return `job ${id}: ${e.status}${e.status === 'ready' ? ' (in sync: block-job-complete finishes it)' : ''}`;
      } finally {
        off();
      }
    },
  };
}
