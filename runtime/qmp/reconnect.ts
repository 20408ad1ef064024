/**
 * Opt-in reconnection of a client (`connect({ …, reconnect: { retries, minDelayMs, maxDelayMs } })`).
 *
 * When the connection drops (anything but the client's own `close()`), the client fails its
 * in-flight and queued calls with a `QmpConnectionError` — nothing is re-sent: a command may not be
 * idempotent — and this module tries again: `retries` attempts, the n-th after a delay of
 * `minDelayMs · 2^(n-1)` capped at `maxDelayMs`, with full jitter (a random delay between half of it
 * and all of it, so that many clients of one restarted QEMU do not reconnect in step). Each attempt
 * is a whole `connect()`: transport, greeting, the same capabilities negotiated again. Event
 * listeners, waits and iterators stay registered; events sent while the client was away are lost,
 * which the notifications say (how long it was down). After the last failed attempt the client
 * gives up: it closes with a `QmpConnectionError` of reason `reconnect-failed` whose `cause` is the
 * last attempt's error. A QEMU started by the launcher is never restarted by this.
 *
 * This module knows no QMP name; the client gives it one function (`attempt`) and is told when to
 * give up.
 */
import { QmpConnectionError } from '../errors.js';
import { isTimerDelay } from '../timers.js';

/** What the client tells its user about reconnection. */
export type ReconnectNotification =
  /** The connection dropped; reconnection starts. Calls in flight failed with `error`. */
  | { readonly type: 'disconnected'; readonly error: QmpConnectionError }
  /** One attempt failed; another follows after `nextDelayMs` (absent after the last one). */
  | { readonly type: 'attempt-failed'; readonly attempt: number; readonly error: unknown; readonly nextDelayMs?: number }
  /** Connected and negotiated again after `downMs` ms (events of that time were missed) and `attempts` attempts. */
  | { readonly type: 'reconnected'; readonly downMs: number; readonly attempts: number }
  /** Every attempt failed: the client is closed with `error` (reason `reconnect-failed`). */
  | { readonly type: 'gave-up'; readonly error: QmpConnectionError; readonly downMs: number };

/** The `reconnect` option of `connect()`. */
export interface ReconnectOptions {
  /** Attempts after each drop before giving up (a non-negative integer; 0 gives up at once). */
  retries: number;
  /** Delay before the first attempt, in ms (default 100). */
  minDelayMs?: number;
  /** Largest delay between attempts, in ms (default 5000). */
  maxDelayMs?: number;
  /** Told of each drop, failed attempt, reconnection and the final give-up. Exceptions go to the client's error listeners. */
  onNotification?: (notification: ReconnectNotification) => void;
}

const DEFAULT_MIN_MS = 100;
const DEFAULT_MAX_MS = 5000;

/** Why the `reconnect` option is unusable, if it is. */
export function reconnectOptionsProblem(o: unknown): string | undefined {
  if (o === undefined) return undefined;
  if (typeof o !== 'object' || o === null) return `reconnect must be an object, got ${String(o)}`;
  const r = o as Partial<ReconnectOptions>;
  if (!(Number.isInteger(r.retries) && (r.retries as number) >= 0)) return `reconnect.retries must be a non-negative integer, got ${String(r.retries)}`;
  for (const key of ['minDelayMs', 'maxDelayMs'] as const) {
    if (r[key] !== undefined && !isTimerDelay(r[key])) return `reconnect.${key} must be a number of milliseconds, got ${String(r[key])}`;
  }
  if ((r.minDelayMs ?? DEFAULT_MIN_MS) > (r.maxDelayMs ?? DEFAULT_MAX_MS)) return 'reconnect.minDelayMs must not exceed reconnect.maxDelayMs';
  if (r.onNotification !== undefined && typeof r.onNotification !== 'function') return 'reconnect.onNotification must be a function';
  return undefined;
}

/** What the reconnector needs of its client. */
export interface ReconnectHooks {
  /** One whole connect (transport, greeting, negotiation); rejects when it failed. */
  attempt(): Promise<void>;
  /** Every attempt failed: close the client with `error`. */
  giveUp(error: QmpConnectionError): void;
  /** Reports an exception thrown by `onNotification`. */
  report(error: unknown): void;
}

/** Runs the attempts after each drop. */
export class Reconnector {
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #stopped = false;

  constructor(
    private readonly options: ReconnectOptions,
    private readonly hooks: ReconnectHooks,
  ) {}

  /** The n-th delay (1-based): exponential from `minDelayMs`, capped, with full jitter in [half, all]. */
  delay(attempt: number): number {
    const min = this.options.minDelayMs ?? DEFAULT_MIN_MS;
    const max = this.options.maxDelayMs ?? DEFAULT_MAX_MS;
    const base = Math.min(max, min * 2 ** Math.min(attempt - 1, 30));
    return Math.round(base / 2 + Math.random() * (base / 2));
  }

  /** The connection dropped with `error`: try again, or give up. */
  dropped(error: QmpConnectionError): void {
    const since = Date.now();
    this.#notify({ type: 'disconnected', error });
    void this.#run(since);
  }

  /** Stops trying (the client was closed). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wake?.();
  }

  async #run(since: number): Promise<void> {
    const retries = this.options.retries;
    let last: unknown;
    let wait = retries > 0 ? this.delay(1) : 0;
    for (let attempt = 1; attempt <= retries; attempt++) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, wait);
      });
      this.#timer = undefined;
      this.#wake = undefined;
      if (this.#stopped) return;
      try {
        await this.hooks.attempt();
        this.#notify({ type: 'reconnected', downMs: Date.now() - since, attempts: attempt });
        return;
      } catch (e) {
        if (this.#stopped) return;
        last = e;
        wait = attempt < retries ? this.delay(attempt + 1) : 0;
        this.#notify(attempt < retries ? { type: 'attempt-failed', attempt, error: e, nextDelayMs: wait } : { type: 'attempt-failed', attempt, error: e });
      }
    }
    const message = last === undefined ? 'reconnection is off (retries: 0)' : `gave up reconnecting after ${retries} attempt(s): ${(last as Error)?.message ?? String(last)}`;
    const error = new QmpConnectionError('reconnect-failed', message, { cause: last });
    this.#notify({ type: 'gave-up', error, downMs: Date.now() - since });
    this.hooks.giveUp(error);
  }

  #notify(n: ReconnectNotification): void {
    const f = this.options.onNotification;
    if (!f) return;
    try {
      f(n);
    } catch (e) {
      this.hooks.report(e);
    }
  }
}
