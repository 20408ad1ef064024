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

import type { Job, JobOptions, JobResult } from './job-types.js';


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
