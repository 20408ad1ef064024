/**
 * One job followed from the moment its command is sent to its end (for `qmp.jobs`, see
 * `jobs.ts`): its `JOB_STATUS_CHANGE` events, the helper's own `job-complete`/`job-finalize`/
 * `job-dismiss`/`job-cancel`, its progress polls of `query-jobs`, and its result read in state
 * `concluded` before it is dismissed.
 */
import { QmpAbortError, QmpConnectionError, QmpUsageError } from '../errors.js';
import type { QmpEvent } from '../target.js';
import { QmpJobError } from './errors.js';
import { isRecord } from '../guards.js';
import type { OperationsHost } from './host.js';
import type { Job, JobOptions, JobProgress, JobResult } from './job-types.js';
import { ProgressFeed } from './progress-feed.js';
import { progressNumber } from './progress-number.js';

const DEFAULT_PROGRESS_MS = 1000;

/** What the runner tells a tracker. */
export interface TrackerInit {
  id: string;
  command: string;
  dismiss: boolean;
  finalize: boolean;
  options: JobOptions;
}

/** Follows one job: its events, its progress polls, its end. */
export class JobTracker {
  readonly id: string;
  readonly done: Promise<JobResult>;
  readonly ready: Promise<void>;
  readonly pending: Promise<void>;
  readonly handle: Job;
  #status = 'undefined';
  #settled = false;
  #started = false;
  #cancelling = false;
  /** Resolves with whether QEMU accepted the helper's `job-cancel` (refused: the job had already ended on its own). */
  #cancelSent: Promise<boolean> | undefined;
  #abortReason: unknown;
  /**
   * `JOB_STATUS_CHANGE` events for this id received while the command is in flight, kept until
   * QEMU accepts it: they may belong to another job of the same id (QEMU then refuses ours).
   */
  #early: QmpEvent[] | undefined = [];
  #concluding = false;
  #lastError: string | undefined;
  #resolve!: (r: JobResult) => void;
  #reject!: (e: unknown) => void;
  #resolveReady!: () => void;
  #rejectReady!: (e: unknown) => void;
  #resolvePending!: () => void;
  #rejectPending!: (e: unknown) => void;
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
    this.pending = new Promise<void>((resolve, reject) => {
      this.#resolvePending = resolve;
      this.#rejectPending = reject;
    });
    this.pending.catch(() => {});
    this.#feed = new ProgressFeed<JobProgress>(
      () => this.#wantProgress(),
      () => this.#stopPolling(),
    );
    const onProgress = init.options.onProgress;
    if (onProgress) this.#feed.listen(onProgress);
    // Subscribed before the command is sent: no transition is missed.
    this.#offs.push(
      host.on('JOB_STATUS_CHANGE', (ev) => {
        if (this.#early === undefined) this.#onStatus(ev);
        else if (isRecord(ev.data) && ev.data['id'] === this.id) this.#early.push(ev);
      }),
    );
    this.#offs.push(host.onLost((error) => this.fail(new QmpConnectionError(error.reason, `job ${this.id}: ${error.message}${this.#leftBehind()}`, { cause: error }))));
    for (const name of ['BLOCK_JOB_COMPLETED', 'BLOCK_JOB_CANCELLED']) {
      this.#offs.push(
        host.on(name, (ev) => {
          if (this.#started && isRecord(ev.data) && ev.data['device'] === this.id && typeof ev.data['error'] === 'string') this.#lastError = ev.data['error'];
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
      pending: this.pending,
      // The user's own call: a refusal (not ready yet, already ending) rejects this call only, the job is still followed.
      complete: () => host.execute('job-complete', { id: init.id }).then(() => undefined),
      finalize: () => host.execute('job-finalize', { id: init.id }).then(() => undefined),
      cancel: () => this.cancel(new Error('cancelled by Job.cancel()')),
      [Symbol.asyncIterator]: () => this.#feed.iterate(),
    };
  }

  /**
   * What the user must know of a job the helper can no longer follow: it goes on in QEMU, and once
   * concluded it stays in `query-jobs` (the helper started it with `auto-dismiss: false`, and the
   * other job types are dismissed by hand anyway) until someone sends `job-dismiss`.
   */
  #leftBehind(): string {
    if (!this.#started || !this.#init.dismiss) return '';
    return `. The job goes on in QEMU; once concluded it stays in query-jobs until job-dismiss (id ${this.id})`;
  }

  /** The job-starting command was refused: nothing to follow. */
  refused(error: unknown): void {
    this.#early = undefined; // another job's, if any: not ours to follow
    this.#finish(() => this.#reject(error), error);
  }

  /** QEMU accepted the command: follow the events seen meanwhile, from our job's `created` on. */
  started(): void {
    const early = this.#early ?? [];
    this.#early = undefined;
    this.#started = true;
    let created = -1; // the last `created` (a loop: findLastIndex is ES2023, the runtime's sources stay ES2022)
    for (let i = early.length - 1; i >= 0 && created < 0; i--) {
      const data = early[i]?.data;
      if (isRecord(data) && data['status'] === 'created') created = i;
    }
    for (const ev of early.slice(Math.max(created, 0))) this.#onStatus(ev);
    if (this.#cancelling) this.#sendCancel();
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
      if (this.#started) this.#sendCancel();
    }
    return gone;
  }

  #sendCancel(): void {
    // Refused when the job is already past cancelling (aborting/concluded): it ends on its own, with its own outcome.
    this.#cancelSent = this.#concluding
      ? Promise.resolve(false)
      : this.#host.execute('job-cancel', { id: this.id }).then(
          () => true,
          () => false,
        );
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
        this.#resolvePending();
        if (this.#init.finalize && (this.#init.options.whenPending ?? 'finalize') === 'finalize' && !this.#cancelling) void this.#call('job-finalize').catch(() => {});
        break;
      case 'concluded':
        void this.#conclude();
        break;
      case 'null':
        // Dismissed by someone else (or auto-dismissed) before it was read: settle with what is known.
        if (!this.#concluding) void this.#settleWith(undefined, this.#lastError);
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
      await this.#settleWith(info, error);
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * Settles the ended job: a `QmpAbortError` when it was cancelled (QEMU accepted `job-cancel`, or
   * the abort came before the job existed), else its own outcome — an abort that came after the
   * job ended on its own cancels nothing, and the job's result is not thrown away.
   */
  async #settleWith(info: Record<string, unknown> | undefined, error: string | undefined): Promise<void> {
    const cancelled = this.#cancelling && (this.#cancelSent === undefined || (await this.#cancelSent));
    if (cancelled) {
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
    this.#rejectPending(error ?? new QmpUsageError(`job ${this.id} concluded without reaching 'pending'`));
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
    const current = progressNumber(info['current-progress']);
    const total = progressNumber(info['total-progress']);
    const status = info['status'];
    if (current === undefined || total === undefined || typeof status !== 'string') return;
    const last = this.#last;
    if (last && last.current === current && last.total === total && last.status === status) return;
    this.#last = { id: this.id, status, current, total };
    this.#feed.push(this.#last);
  }
}
