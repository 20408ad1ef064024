/**
 * `qmp.migration.run(uri | channels)`: an outgoing migration from start to end
 * (`qapi/migration.json`). The helper turns the `events` capability on (QEMU sends `MIGRATION`
 * and `MIGRATION_PASS` only with it), subscribes to both before `migrate` is sent, follows the
 * status (`setup` → `active` → [`pre-switchover`] → `device` → `completed`, or `failed`,
 * `cancelled`), and reports progress from `query-migrate` on every status change and, while
 * asked for, every `progressIntervalMs`. A migration paused with the `pause-before-switchover`
 * capability waits in `pre-switchover` for the caller's `migrate-continue`.
 */
import { QmpAbortError, QmpConnectionError, QmpUsageError } from '../errors.js';
import type { QmpEvent } from '../target.js';
import { timerDelayProblem } from '../timers.js';
import { QmpMigrationError } from './errors.js';
import { isRecord } from '../guards.js';
import type { OperationsHost } from './host.js';
import { ProgressFeed } from './progress-feed.js';
import { progressNumber } from './progress-number.js';

/**
 * The `channels` argument of `migrate` in command map `C` (QEMU 9.1 and later); `never` for a
 * target without it; any array of objects for a loose map.
 */
export type MigrationChannels<C> = 'migrate' extends keyof C
  ? C['migrate'] extends { args: infer A }
    ? unknown extends A
      ? readonly Record<string, unknown>[] // arguments not typed
      : string extends keyof NonNullable<A>
        ? readonly Record<string, unknown>[]
        : 'channels' extends keyof NonNullable<A>
          ? NonNullable<NonNullable<A>['channels' & keyof NonNullable<A>]>
          : never
    : never
  : never;

/** Capability names of `migrate-set-capabilities` in command map `C` (any string for a loose map). */
export type MigrationCapabilityName<C> = 'migrate-set-capabilities' extends keyof C
  ? C['migrate-set-capabilities'] extends { args: { capabilities: Array<{ capability: infer N }> } }
    ? N & string
    : string
  : string;

/** One progress report (`query-migrate`, RAM part). Byte counts are bytes; absent members are 0. */
export interface MigrationProgress {
  /** Migration status when measured, e.g. `active`, `pre-switchover`, `completed`. */
  readonly status: string;
  /** RAM bytes sent so far. */
  readonly transferred: number;
  /** RAM bytes still to send. */
  readonly remaining: number;
  /** Guest RAM size in bytes. */
  readonly total: number;
  /** Throughput in megabits per second. */
  readonly mbps: number;
  /** Pages dirtied per second by the guest. */
  readonly dirtyPagesRate: number;
  /** Completed passes over RAM (`dirty-sync-count`; `MIGRATION_PASS` counts the same). */
  readonly passes: number;
}

/** How a completed migration went. */
export interface MigrationResult {
  /** The last progress (in status `completed`). */
  readonly progress: MigrationProgress;
  /** `total-time` of `query-migrate`, in ms, when given. */
  readonly totalTimeMs: number | undefined;
  /** `downtime` of `query-migrate`, in ms, when given. */
  readonly downtimeMs: number | undefined;
}

/** Options of {@link Migration.run}. */
export interface MigrationOptions<Capability extends string = string> {
  /** Called with each progress report (only when something changed). Exceptions are ignored. */
  onProgress?: (progress: MigrationProgress) => void;
  /** How often `query-migrate` is polled while the migration runs, in ms (default 1000, at least 10). */
  progressIntervalMs?: number;
  /** Capabilities to set before migrating (`migrate-set-capabilities`); `events` is always turned on. */
  capabilities?: Partial<Record<Capability, boolean>>;
  /** Parameters to set before migrating (`migrate-set-parameters`), e.g. `{ 'max-bandwidth': 1e9 }`. */
  parameters?: Record<string, unknown>;
  /**
   * Cancels the migration (`migrate_cancel`); rejects with a `QmpAbortError` once QEMU reports its
   * end. An abort before `migrate` was sent starts no migration; one that completed before the
   * cancel took effect resolves as completed.
   */
  signal?: AbortSignal;
}

/**
 * The migration helper of one client (`qmp.migration`), typed by the client's command map `C`.
 * (A distributive conditional type on purpose: see `Jobs`.)
 */
export type Migration<C> = C extends unknown
  ? {
      /**
       * Migrates to `target` — a URI (`exec:cat > /tmp/vm.state`, `tcp:host:port`, `file:/path` on
       * QEMU 9.0+) or the `channels` of QEMU 9.1+ — and resolves once the status is `completed`.
       * Rejects with the `QmpCommandError` of a refused `migrate`/`migrate-set-*`, a
       * {@link QmpMigrationError} (status `failed`, with QEMU's `error-desc`; or `cancelled` by
       * someone else), a `QmpAbortError`, a `QmpConnectionError`, or a `QmpUsageError` (nothing sent).
       */
      run<T extends string | MigrationChannels<C>, N extends MigrationCapabilityName<C> = MigrationCapabilityName<C>>(target: T, options?: MigrationOptions<N>): Promise<MigrationResult>;
    }
  : never;

const DEFAULT_PROGRESS_MS = 1000;
const MIN_PROGRESS_MS = 10;
const ENDED = new Set(['completed', 'failed', 'cancelled']);

function num(v: unknown): number {
  return progressNumber(v) ?? 0;
}

function optionsProblem(o: MigrationOptions): string | undefined {
  if (typeof o !== 'object' || o === null) return 'the options must be an object';
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') return `onProgress must be a function, got ${typeof o.onProgress}`;
  const t = timerDelayProblem('progressIntervalMs', o.progressIntervalMs);
  if (t !== undefined) return t;
  if (typeof o.progressIntervalMs === 'number' && o.progressIntervalMs < MIN_PROGRESS_MS) return `progressIntervalMs must be at least ${MIN_PROGRESS_MS}, got ${o.progressIntervalMs}`;
  if (o.capabilities !== undefined && (!isRecord(o.capabilities) || Object.values(o.capabilities).some((v) => typeof v !== 'boolean'))) return 'capabilities must map capability names to booleans';
  if (o.parameters !== undefined && !isRecord(o.parameters)) return 'parameters must be an object';
  return undefined;
}

/** The implementation of {@link Migration}, untyped (the client's getter gives it its type). @internal */
export class MigrationRunner {
  readonly #host: OperationsHost;

  constructor(host: OperationsHost) {
    this.#host = host;
  }

  /** See {@link Migration.run}. */
  async run(target: unknown, options: MigrationOptions = {}): Promise<MigrationResult> {
    const problem = optionsProblem(options);
    if (problem !== undefined) throw new QmpUsageError(`migration.run: ${problem}`);
    const args: Record<string, unknown> | undefined =
      typeof target === 'string' && target.length > 0 ? { uri: target } : Array.isArray(target) && target.length > 0 ? { channels: target } : undefined;
    if (args === undefined) throw new QmpUsageError('migration.run: the target must be a non-empty URI string or a non-empty array of channels');
    const signal = options.signal;
    if (signal?.aborted) throw new QmpAbortError('migration.run', signal.reason);
    const follower = new MigrationFollower(this.#host, options);
    try {
      const capabilities = Object.entries({ ...options.capabilities, events: true }).map(([capability, state]) => ({ capability, state }));
      await this.#host.execute('migrate-set-capabilities', { capabilities });
      if (options.parameters) await this.#host.execute('migrate-set-parameters', options.parameters);
      // Aborted while the settings were sent: no migration is started (nor its target written to).
      if (signal?.aborted) throw new QmpAbortError('migration.run', signal.reason);
      await this.#host.execute('migrate', args);
    } catch (e) {
      follower.end(e);
      throw e;
    }
    follower.started();
    return follower.done;
  }
}

/** Follows one migration: its status events, its progress, its end. */
class MigrationFollower {
  readonly done: Promise<MigrationResult>;
  #resolve!: (r: MigrationResult) => void;
  #reject!: (e: unknown) => void;
  readonly #host: OperationsHost;
  readonly #options: MigrationOptions;
  readonly #feed: ProgressFeed<MigrationProgress>;
  readonly #offs: (() => void)[] = [];
  #settled = false;
  #started = false;
  #cancelling = false;
  #ending = false;
  #passes = 0;
  #last: MigrationProgress | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(host: OperationsHost, options: MigrationOptions) {
    this.#host = host;
    this.#options = options;
    this.done = new Promise<MigrationResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => {});
    this.#feed = new ProgressFeed<MigrationProgress>(() => {});
    const onProgress = options.onProgress;
    if (onProgress) this.#feed.listen(onProgress);
    this.#offs.push(
      host.on('MIGRATION', (ev) => this.#onStatus(ev)),
      host.on('MIGRATION_PASS', (ev) => {
        const pass = isRecord(ev.data) ? progressNumber(ev.data['pass']) : undefined;
        if (pass !== undefined) this.#passes = pass;
      }),
    );
    const signal = options.signal;
    if (signal) {
      const onAbort = (): void => {
        this.#cancelling = true;
        if (this.#started) void this.#cancel();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#offs.push(() => signal.removeEventListener('abort', onAbort));
    }
    this.#offs.push(host.onLost((error) => this.end(new QmpConnectionError(error.reason, `migration: ${error.message}`, { cause: error }))));
  }

  started(): void {
    this.#started = true;
    if (this.#cancelling) void this.#cancel();
    this.#schedule();
  }

  /** Ends with `error` (nothing is cancelled: used when the start failed or the connection ended). */
  end(error: unknown): void {
    this.#finish(() => this.#reject(error), error);
  }

  async #cancel(): Promise<void> {
    try {
      await this.#host.execute('migrate_cancel');
    } catch {
      // The migration ends anyway; its final status settles the call.
    }
  }

  #onStatus(ev: QmpEvent): void {
    if (this.#settled || !isRecord(ev.data) || typeof ev.data['status'] !== 'string') return;
    const status = ev.data['status'];
    if (ENDED.has(status)) {
      this.#ending = true;
      void this.#conclude(status);
    } else {
      void this.#measure();
    }
  }

  async #conclude(status: string): Promise<void> {
    this.#stop();
    try {
      const info = await this.#query();
      // The final status is what counts: an abort that came once the migration completed cancelled nothing.
      if (status !== 'completed' && this.#cancelling) {
        const e = new QmpAbortError('migration', this.#options.signal?.reason);
        this.#finish(() => this.#reject(e), e);
      } else if (status === 'completed') {
        const total = info?.['total-time'];
        const down = info?.['downtime'];
        const result: MigrationResult = {
          progress: this.#last ?? this.#progress(status, undefined),
          totalTimeMs: progressNumber(total),
          downtimeMs: progressNumber(down),
        };
        this.#finish(() => this.#resolve(result), undefined);
      } else {
        const desc = info?.['error-desc'];
        const e = new QmpMigrationError({ status, qemuError: typeof desc === 'string' ? desc : undefined });
        this.#finish(() => this.#reject(e), e);
      }
    } catch (e) {
      this.end(e);
    }
  }

  #finish(settle: () => void, error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#stop();
    for (const off of this.#offs) off();
    settle();
    this.#feed.end(error);
  }

  // ---- progress -------------------------------------------------------------------------

  #schedule(): void {
    if (this.#settled || this.#ending || this.#timer || !this.#feed.wanted) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#measure().then(() => this.#schedule());
    }, this.#options.progressIntervalMs ?? DEFAULT_PROGRESS_MS);
  }

  #stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #measure(): Promise<void> {
    try {
      await this.#query();
    } catch {
      // The connection ended (the close watcher ends the call) or the query failed: next time.
    }
  }

  /** `query-migrate`, reported as progress when it changed. */
  async #query(): Promise<Record<string, unknown> | undefined> {
    const info = await this.#host.execute('query-migrate');
    if (!isRecord(info) || typeof info['status'] !== 'string' || this.#settled) return undefined;
    const p = this.#progress(info['status'], isRecord(info['ram']) ? info['ram'] : undefined);
    const last = this.#last;
    if (!last || (Object.keys(p) as (keyof MigrationProgress)[]).some((k) => p[k] !== last[k])) {
      this.#last = p;
      this.#feed.push(p);
    }
    return info;
  }

  #progress(status: string, ram: Record<string, unknown> | undefined): MigrationProgress {
    return {
      status,
      transferred: num(ram?.['transferred']),
      remaining: num(ram?.['remaining']),
      total: num(ram?.['total']),
      mbps: num(ram?.['mbps']),
      dirtyPagesRate: num(ram?.['dirty-pages-rate']),
      passes: Math.max(num(ram?.['dirty-sync-count']), this.#passes),
    };
  }
}
