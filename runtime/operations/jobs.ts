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
import { QmpAbortError, QmpConnectionError, QmpUsageError } from '../errors.js';
import type { ExecuteOptions, QmpEvent } from '../target.js';
import { timerDelayProblem } from '../timers.js';
import { QmpJobError } from './errors.js';
import { isRecord, type OperationsHost } from './host.js';
import { ProgressFeed } from './progress-feed.js';

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
   * Dismiss the job once concluded (default `true`); `false` leaves it in `query-jobs` (state
   * `concluded`) for the caller's own `job-dismiss`. The command's own `auto-dismiss` argument means
   * the same: `"auto-dismiss": false` keeps the job.
   */
  dismiss?: boolean;
  /** Cancels the job (`job-cancel`); the call rejects with a `QmpAbortError` once the job is gone. */
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
  /** Sends `job-complete` (for a job left `ready` with `whenReady: 'wait'`). */
  complete(): Promise<void>;
  /** Sends `job-cancel` and resolves once the job is gone; {@link done} rejects with a `QmpAbortError`. */
  cancel(): Promise<void>;
}

/** Commands whose jobs take `auto-finalize`/`auto-dismiss` (the BlockJob commands of `qapi/block-core.json`). */
const DISMISS_ARGUMENT_COMMANDS = new Set(['blockdev-backup', 'drive-backup', 'blockdev-mirror', 'drive-mirror', 'block-commit', 'block-stream']);
const DEFAULT_PROGRESS_MS = 1000;
const MIN_PROGRESS_MS = 10;

let jobCounter = 0;

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
       * (`job-id` made up when not given: `qmp-sdk-<command>-<n>`). Iterate the job for its progress.
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
    const id = given ?? `qmp-sdk-${command}-${++jobCounter}`;
    const sent: Record<string, unknown> = { ...args, 'job-id': id };
    let dismiss = options.dismiss ?? true;
    let finalize = false;
    if (DISMISS_ARGUMENT_COMMANDS.has(command)) {
      if (args['auto-dismiss'] === false) dismiss = false;
      sent['auto-dismiss'] = false; // read the result before the job goes away
      finalize = args['auto-finalize'] === false;
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

interface TrackerInit {
  id: string;
  command: string;
  dismiss: boolean;
  finalize: boolean;
  options: JobOptions;
}

/** Follows one job: its events, its progress polls, its end. */
class JobTracker {
  readonly id: string;
  readonly done: Promise<JobResult>;
  readonly ready: Promise<void>;
  readonly handle: Job;
  #status = 'undefined';
  #settled = false;
  #started = false;
  #cancelling = false;
  #abortReason: unknown;
  #concluding = false;
  #lastError: string | undefined;
  #resolve!: (r: JobResult) => void;
  #reject!: (e: unknown) => void;
  #resolveReady!: () => void;
  #rejectReady!: (e: unknown) => void;
  readonly #host: OperationsHost;
  readonly #init: TrackerInit;
  readonly #offs: (() => void)[] = [];
  readonly #feed: ProgressFeed<JobProgress>;
  #pollTimer: NodeJS.Timeout | undefined;
  #polling = false;
  #last: JobProgress | undefined;
  #gone: (() => void)[] = [];

  constructor(host: OperationsHost, init: TrackerInit) {
    this.#host = host;
    this.#init = init;
    this.id = init.id;
    this.done = new Promise<JobResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => {});
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.ready.catch(() => {});
    this.#feed = new ProgressFeed<JobProgress>(() => this.#wantProgress());
    const onProgress = init.options.onProgress;
    if (onProgress) {
      this.#feed.listen((p) => {
        try {
          onProgress(p);
        } catch {
          // A throwing progress callback must not disturb the job (documented).
        }
      });
    }
    // Subscribed before the command is sent: no transition is missed.
    this.#offs.push(host.on('JOB_STATUS_CHANGE', (ev) => this.#onStatus(ev)));
    this.#offs.push(host.onLost((error) => this.fail(new QmpConnectionError(error.reason, `job ${this.id}: ${error.message}`, { cause: error }))));
    for (const name of ['BLOCK_JOB_COMPLETED', 'BLOCK_JOB_CANCELLED']) {
      this.#offs.push(
        host.on(name, (ev) => {
          if (isRecord(ev.data) && ev.data['device'] === this.id && typeof ev.data['error'] === 'string') this.#lastError = ev.data['error'];
        }),
      );
    }
    const signal = init.options.signal;
    if (signal) {
      const onAbort = (): void => void this.cancel(signal.reason).catch(() => {});
      signal.addEventListener('abort', onAbort, { once: true });
      this.#offs.push(() => signal.removeEventListener('abort', onAbort));
    }
    const self = this;
    this.handle = {
      id: init.id,
      command: init.command,
      get status() {
        return self.#status;
      },
      done: this.done,
      ready: this.ready,
      complete: () => this.#call('job-complete').then(() => undefined),
      cancel: () => this.cancel(new Error('cancelled by Job.cancel()')),
      [Symbol.asyncIterator]: () => this.#feed.iterate(),
    };
  }

  /** The job-starting command was refused: nothing to follow. */
  refused(error: unknown): void {
    this.#finish(() => this.#reject(error), error);
  }

  /** QEMU accepted the command. */
  started(): void {
    this.#started = true;
    if (this.#cancelling) void this.#sendCancel();
    this.#schedulePoll();
  }

  /** Ends the job's promises with `error` (connection lost, a helper command refused). */
  fail(error: unknown): void {
    this.#finish(() => this.#reject(error), error);
  }

  /** Cancels the job and resolves once it is gone (`done` rejects with a `QmpAbortError`). */
  cancel(reason: unknown): Promise<void> {
    if (this.#settled) return Promise.resolve();
    const gone = new Promise<void>((resolve) => this.#gone.push(resolve));
    if (!this.#cancelling) {
      this.#cancelling = true;
      this.#abortReason = reason;
      if (this.#started) void this.#sendCancel();
    }
    return gone;
  }

  async #sendCancel(): Promise<void> {
    try {
      await this.#host.execute('job-cancel', { id: this.id });
    } catch {
      // Refused when the job is already past cancelling (pending/concluded): it ends on its own; its end settles the call.
    }
  }

  #onStatus(ev: QmpEvent): void {
    const data = ev.data;
    if (!isRecord(data) || data['id'] !== this.id || typeof data['status'] !== 'string' || this.#settled) return;
    const status = data['status'];
    this.#status = status;
    switch (status) {
      case 'ready':
        this.#resolveReady();
        if ((this.#init.options.whenReady ?? 'complete') === 'complete' && !this.#cancelling) void this.#call('job-complete').catch(() => {});
        break;
      case 'pending':
        if (this.#init.finalize) void this.#call('job-finalize').catch(() => {});
        break;
      case 'concluded':
        void this.#conclude();
        break;
      case 'null':
        // Dismissed by someone else (or auto-dismissed) before it was read: settle with what is known.
        if (!this.#concluding) this.#settleWith(undefined, this.#lastError);
        break;
    }
  }

  /** Sends a job command for this job; a refusal fails the job unless it is already ending. */
  async #call(name: string): Promise<unknown> {
    try {
      return await this.#host.execute(name, { id: this.id });
    } catch (e) {
      if (!this.#cancelling && !this.#concluding) this.fail(e);
      throw e;
    }
  }

  async #conclude(): Promise<void> {
    this.#concluding = true;
    this.#stopPolling();
    try {
      const info = await this.#query();
      const error = info && typeof info['error'] === 'string' ? info['error'] : this.#lastError;
      if (info) this.#report(info);
      if (info && this.#init.dismiss) await this.#host.execute('job-dismiss', { id: this.id });
      this.#settleWith(info, error);
    } catch (e) {
      this.fail(e);
    }
  }

  #settleWith(info: Record<string, unknown> | undefined, error: string | undefined): void {
    if (this.#cancelling) {
      const abort = new QmpAbortError(`job ${this.id}`, this.#abortReason);
      this.#finish(() => this.#reject(abort), abort);
    } else if (error !== undefined) {
      const e = new QmpJobError({ jobId: this.id, command: this.#init.command, qemuError: error });
      this.#finish(() => this.#reject(e), e);
    } else {
      const result: JobResult = {
        id: this.id,
        type: info && typeof info['type'] === 'string' ? info['type'] : 'unknown',
        current: this.#last?.current ?? 0,
        total: this.#last?.total ?? 0,
      };
      this.#finish(() => this.#resolve(result), undefined);
    }
  }

  #finish(settle: () => void, error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#stopPolling();
    for (const off of this.#offs) off();
    this.#rejectReady(error ?? new QmpUsageError(`job ${this.id} concluded without reaching 'ready'`));
    settle();
    this.#feed.end(error);
    for (const g of this.#gone) g();
    this.#gone = [];
  }

  // ---- progress -------------------------------------------------------------------------

  #wantProgress(): void {
    if (this.#started) this.#schedulePoll();
  }

  #schedulePoll(): void {
    if (this.#settled || this.#concluding || this.#pollTimer || this.#polling || !this.#feed.wanted) return;
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = undefined;
      void this.#poll();
    }, this.#last === undefined ? 0 : (this.#init.options.progressIntervalMs ?? DEFAULT_PROGRESS_MS));
  }

  async #poll(): Promise<void> {
    this.#polling = true;
    try {
      const info = await this.#query();
      if (info && !this.#concluding) this.#report(info);
    } catch {
      // The connection ended (the close watcher fails the job) or query-jobs failed: try again next time.
    } finally {
      this.#polling = false;
    }
    this.#schedulePoll();
  }

  #stopPolling(): void {
    if (this.#pollTimer) clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  async #query(): Promise<Record<string, unknown> | undefined> {
    const jobs = await this.#host.execute('query-jobs');
    return Array.isArray(jobs) ? (jobs.find((j) => isRecord(j) && j['id'] === this.id) as Record<string, unknown> | undefined) : undefined;
  }

  #report(info: Record<string, unknown>): void {
    const current = info['current-progress'];
    const total = info['total-progress'];
    const status = info['status'];
    if (typeof current !== 'number' || typeof total !== 'number' || typeof status !== 'string') return;
    const last = this.#last;
    if (last && last.current === current && last.total === total && last.status === status) return;
    this.#last = { id: this.id, status, current, total };
    this.#feed.push(this.#last);
  }
}
