/**
 * The public shapes of a background job (`jobs.ts` runs them, `job-tracker.ts` follows their
 * events): progress, result, options and the `Job` handle. Types only.
 */
import type { ExecuteOptions } from '../target.js';

/** One progress report of a job (`query-jobs`). */
export interface JobProgress {
  /** The job's id. */
  readonly id: string;
  /** Its status when measured, e.g. `running`, `ready`. */
  readonly status: string;
  /** `current-progress`: work done, in QEMU's arbitrary unit (bytes for block jobs); never decreases. */
  readonly current: number;
  /** `total-progress`: estimated `current` at the end; may change in both directions. */
  readonly total: number;
}

/** How a job ended successfully. */
export interface JobResult {
  readonly id: string;
  /** Job type from `query-jobs`, e.g. `backup`, `mirror`, `create`. */
  readonly type: string;
  /** The last progress measured (in state `concluded`). */
  readonly current: number;
  readonly total: number;
}

/** Options of `Jobs.run` and `Jobs.start` (`qmp.jobs.run(…)`, `qmp.jobs.start(…)`). */
export interface JobOptions {
  /**
   * Called with the job's progress, at most once per {@link progressIntervalMs} and only when
   * `current`, `total` or the status changed; the last report is taken in state `concluded`.
   * An exception thrown here cancels nothing: it is ignored.
   */
  onProgress?: (progress: JobProgress) => void;
  /** How often `query-jobs` is polled for progress, in ms (default 1000, at least 10). Polled only with `onProgress` or an iterator. */
  progressIntervalMs?: number;
  /**
   * What to do when the job reaches `ready` (mirror, active commit): `'complete'` (default) sends
   * `job-complete` (a mirror pivots to its target); `'wait'` leaves it ready until
   * {@link Job.complete} or a cancel.
   */
  whenReady?: 'complete' | 'wait';
  /**
   * What to do when a job started with the command's `"auto-finalize": false` reaches `pending`:
   * `'finalize'` (default) sends `job-finalize` at once; `'wait'` leaves it pending (its changes to
   * the block graph not yet made) until {@link Job.finalize} or a cancel. `'wait'` needs
   * `"auto-finalize": false` (a `QmpUsageError` otherwise: QEMU would finalize it by itself).
   */
  whenPending?: 'finalize' | 'wait';
  /**
   * Dismiss the job once concluded (default `true`); `false` leaves it in `query-jobs` (state
   * `concluded`) for the caller's own `job-dismiss`. The command's own `auto-dismiss` argument means
   * the same: `"auto-dismiss": false` keeps the job.
   */
  dismiss?: boolean;
  /**
   * Cancels the job (`job-cancel`); the call rejects with a `QmpAbortError` once the job is gone.
   * When the job had already ended on its own (QEMU refuses the `job-cancel`), the call settles with
   * the job's own outcome: its result, or its {@link QmpJobError}.
   */
  signal?: AbortSignal;
  /** Options of the job-starting command itself (its time limit…); `signal` is the one above. */
  commandOptions?: Omit<ExecuteOptions, 'signal'>;
}

/** A started job. */
export interface Job extends AsyncIterable<JobProgress> {
  /** The job's id (`job-id`). */
  readonly id: string;
  /** Wire name of the command that started it. */
  readonly command: string;
  /** Its last status seen in a `JOB_STATUS_CHANGE` event. */
  readonly status: string;
  /**
   * Resolves when the job concluded without error (and was dismissed); rejects with a
   * {@link QmpJobError} (QEMU's text), a `QmpAbortError` (cancelled by the signal or
   * {@link cancel}), a `QmpCommandError` (a helper command such as `job-complete` was refused) or a
   * `QmpConnectionError`. Marked handled: leaving it unawaited is never an unhandled rejection.
   */
  readonly done: Promise<JobResult>;
  /** Resolves when the job reaches `ready`; rejects like {@link done} when it ends before. Marked handled. */
  readonly ready: Promise<void>;
  /** Resolves when the job reaches `pending`; rejects like {@link done} when it ends before. Marked handled. */
  readonly pending: Promise<void>;
  /**
   * Sends `job-complete` (for a job left `ready` with `whenReady: 'wait'`). QEMU's refusal (the job is
   * not `ready` yet…) rejects this call with its `QmpCommandError` only: the job is still followed.
   */
  complete(): Promise<void>;
  /**
   * Sends `job-finalize` (for a job left `pending` with `whenPending: 'wait'`). QEMU's refusal (not
   * `pending` yet…) rejects this call with its `QmpCommandError` only: the job is still followed.
   */
  finalize(): Promise<void>;
  /**
   * Sends `job-cancel` and resolves once the job is gone; {@link done} rejects with a `QmpAbortError`
   * (or settles with the job's own outcome when it had already ended on its own: QEMU refused the cancel).
   */
  cancel(): Promise<void>;
}
