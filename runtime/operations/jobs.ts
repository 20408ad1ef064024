/**
 * `qmp.jobs`: run a background job of QEMU's job API (`qapi/job.json`, `qapi/block-core.json`)
 * from start to end — `blockdev-backup`, `blockdev-mirror`, `block-commit`, `block-stream`,
 * `blockdev-create`, `snapshot-save`/`-load`/`-delete`, … (every command of the target that takes
 * a `job-id`).
 *
 * The job is followed by its `JOB_STATUS_CHANGE` events, subscribed before the command is sent
 * (`created` → `running` → `paused`/`ready`/`standby` → `waiting` → `pending` → `aborting` →
 * `concluded` → `null`), so no transition is missed and nothing is polled for the state. Progress
 * comes from `query-jobs` (`current-progress`/`total-progress`; the unit is QEMU's and arbitrary),
 * polled only while the job runs and only when asked for. The result is read from `query-jobs` in
 * state `concluded`, before the job is dismissed: a job that auto-dismissed takes its error text
 * with it, so the helper starts block jobs with `"auto-dismiss": false` and dismisses them itself.
 */
import { QmpAbortError, QmpUsageError } from '../errors.js';
import type { ExecuteOptions } from '../target.js';
import { timerDelayProblem } from '../timers.js';
import { isRecord } from '../guards.js';
import type { OperationsHost } from './host.js';
import { JobTracker } from './job-tracker.js';

/** Wire names of the commands of map `C` that start a job: those whose arguments have a `job-id`. */
export type JobCommand<C> = 0 extends 1 & C
  ? string // C is any (a client typed QmpClient<any, …>)
  : {
      [K in keyof C & string]: C[K] extends { args: infer A }
        ? unknown extends A
          ? K // arguments not typed (the client of `QmpClient.connect()` without a target)
          : [NonNullable<A>] extends [never]
          ? never // no arguments at all (keyof never would be every key)
          : 'job-id' extends keyof NonNullable<A>
            ? K
            : never
        : never;
    }[keyof C & string];

/** Arguments of job command `K`: the command's own, with `job-id` optional (the helper makes one up). */
export type JobArguments<C, K extends keyof C> = C[K] extends { args: infer A }
  ? unknown extends A
    ? Record<string, unknown> // arguments not typed
    : Omit<NonNullable<A>, 'job-id'> & { 'job-id'?: string }
  : never;

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

/** Options of {@link Jobs.run} and {@link Jobs.start}. */
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

/** Commands whose jobs take `auto-finalize`/`auto-dismiss` (the BlockJob commands of `qapi/block-core.json`). */
const DISMISS_ARGUMENT_COMMANDS = new Set(['blockdev-backup', 'drive-backup', 'blockdev-mirror', 'drive-mirror', 'block-commit', 'block-stream']);
const MIN_PROGRESS_MS = 10;

let jobCounter = 0;
/**
 * Part of every made-up job id, random per loaded copy of this module: a counter alone restarts at 1
 * in a restarted process, whose first id would then clash with a job the previous one left running.
 */
const RUN_TAG = Math.floor(Math.random() * 36 ** 6).toString(36).padStart(6, '0');

function short(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Why the options are unusable (checked before anything is sent), if they are. */
function optionsProblem(o: JobOptions): string | undefined {
  if (!isRecord(o)) return `the options must be an object, got ${short(o)}`;
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') return `onProgress must be a function, got ${typeof o.onProgress}`;
  const t = timerDelayProblem('progressIntervalMs', o.progressIntervalMs);
  if (t !== undefined) return t;
  if (typeof o.progressIntervalMs === 'number' && o.progressIntervalMs < MIN_PROGRESS_MS) return `progressIntervalMs must be at least ${MIN_PROGRESS_MS}, got ${o.progressIntervalMs}`;
  if (o.whenReady !== undefined && o.whenReady !== 'complete' && o.whenReady !== 'wait') return `whenReady must be 'complete' or 'wait', got ${short(o.whenReady)}`;
  if (o.whenPending !== undefined && o.whenPending !== 'finalize' && o.whenPending !== 'wait') return `whenPending must be 'finalize' or 'wait', got ${short(o.whenPending)}`;
  if (o.dismiss !== undefined && typeof o.dismiss !== 'boolean') return `dismiss must be a boolean, got ${short(o.dismiss)}`;
  return undefined;
}

/**
 * The job helpers of one client (`qmp.jobs`), typed by the client's command map `C`.
 * (A distributive conditional type on purpose: it keeps a typed client assignable to the loose
 * `QmpClient`, as `execute` does; an interface would make the client invariant in `C`.)
 *
 * @example
 * ```ts
 * await qmp.jobs.run('blockdev-backup', { device: 'src', target: 'dst', sync: 'full' }, {
 *   onProgress: ({ current, total }) => console.log(`${current}/${total}`),
 * });
 * ```
 */
export type Jobs<C> = C extends unknown
  ? {
      /**
       * Starts job command `command` and follows the job to its end: resolves with its
       * {@link JobResult}, rejects as {@link Job.done} does (and with the command's own error when
       * QEMU refuses to start it, or a `QmpUsageError` for unusable options, before anything is sent).
       */
      run<K extends JobCommand<C>>(command: K, args: JobArguments<C, K & keyof C>, options?: JobOptions): Promise<JobResult>;
      /**
       * Starts job command `command` and resolves with the {@link Job} once QEMU accepted it
       * (`job-id` made up when not given: `qmp-sdk-<command>-<tag>-<n>`, the tag random per process). Iterate the job for its progress.
       */
      start<K extends JobCommand<C>>(command: K, args: JobArguments<C, K & keyof C>, options?: JobOptions): Promise<Job>;
    }
  : never;

/** The implementation of {@link Jobs}, untyped (the client's getter gives it its type). @internal */
export class JobRunner {
  readonly #host: OperationsHost;

  /** Made by the client (`qmp.jobs`). @internal */
  constructor(host: OperationsHost) {
    this.#host = host;
  }

  /** See {@link Jobs.run}. */
  async run(command: string, args: Record<string, unknown>, options?: JobOptions): Promise<JobResult> {
    const job = await this.start(command, args, options);
    return job.done;
  }

  /** See {@link Jobs.start}. */
  async start(command: string, args: Record<string, unknown>, options: JobOptions = {}): Promise<Job> {
    const problem = optionsProblem(options);
    if (problem !== undefined) throw new QmpUsageError(`jobs.start(${String(command)}): ${problem}`);
    if (!isRecord(args)) throw new QmpUsageError(`jobs.start(${String(command)}): arguments must be an object, got ${short(args)}`);
    const given = args['job-id'];
    if (given !== undefined && typeof given !== 'string') throw new QmpUsageError(`jobs.start(${String(command)}): job-id must be a string, got ${short(given)}`);
    const signal = options.signal;
    if (signal?.aborted) throw new QmpAbortError(`jobs.start(${String(command)})`, signal.reason);
    const id = given ?? `qmp-sdk-${command}-${RUN_TAG}-${++jobCounter}`;
    const sent: Record<string, unknown> = { ...args, 'job-id': id };
    let dismiss = options.dismiss ?? true;
    let finalize = false;
    if (DISMISS_ARGUMENT_COMMANDS.has(command)) {
      if (args['auto-dismiss'] === false) dismiss = false;
      sent['auto-dismiss'] = false; // read the result before the job goes away
      finalize = args['auto-finalize'] === false;
    }
    if (options.whenPending === 'wait' && !finalize) {
      throw new QmpUsageError(`jobs.start(${String(command)}): whenPending 'wait' needs the command's "auto-finalize": false (without it QEMU finalizes the job by itself)`);
    }
    const tracker = new JobTracker(this.#host, { id, command, dismiss, finalize, options });
    try {
      await this.#host.execute(command, sent, options.commandOptions);
    } catch (e) {
      tracker.refused(e);
      throw e;
    }
    tracker.started();
    return tracker.handle;
  }
}
