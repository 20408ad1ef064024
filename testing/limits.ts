/**
 * The test server's limits: what one hostile or careless client can cost at most (issue 10 item 5).
 * Every limit has a default; the README's "Test server limits" section lists them.
 */
import { QmpTestServerUsageError } from './errors.js';

/** Limits of a test server (all optional; see {@link defaultServerLimits}). */
export interface QmpServerLimits {
  /** Connections open at once; one more is closed at accept (an `accept()`/`connectStream()` call beyond it throws). Default 256. */
  maxConnections?: number;
  /** Bytes of one unfinished input message per connection, as QEMU's `token too large` (default 64 MiB, QEMU's own limit). */
  maxMessageBytes?: number;
  /**
   * Bytes of unfinished input over all connections together (default 128 MiB): the connection whose
   * input would go beyond it is closed (its partial message dropped), as QEMU would run out of memory.
   */
  maxBufferedBytes?: number;
  /** A connection that sends nothing for this long is closed (ms; default 300 000; 0 = never). */
  idleTimeoutMs?: number;
  /**
   * Commands kept in `server.received` and in each connection's `commands` (the most recent;
   * default 10 000; 0 keeps none). Counting goes on in `receivedCount`.
   */
  receivedLog?: number;
}

/** The limits in force when none are given. */
export const defaultServerLimits: Readonly<Required<QmpServerLimits>> = Object.freeze({
  maxConnections: 256,
  maxMessageBytes: 64 * 1024 * 1024,
  maxBufferedBytes: 128 * 1024 * 1024,
  idleTimeoutMs: 300_000,
  receivedLog: 10_000,
});

/**
 * Input queued on a connection (parsed, not yet answered) beyond which it stops reading its stream
 * until the queue is worked off; with the stream paused the client's writes back up in its socket.
 */
export const MAX_QUEUED_INPUTS = 256;

const integerLimit = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** Checks the option and fills in the defaults; throws a {@link QmpTestServerUsageError} naming the key. */
export function resolveLimits(limits: unknown): Readonly<Required<QmpServerLimits>> {
  if (limits === undefined) return defaultServerLimits;
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw new QmpTestServerUsageError('createQmpServer: limits must be an object');
  }
  const out: Required<QmpServerLimits> = { ...defaultServerLimits };
  const bounds: Record<keyof QmpServerLimits, [number, number]> = {
    maxConnections: [1, 1_000_000],
    maxMessageBytes: [1, 2 ** 31],
    maxBufferedBytes: [1, 2 ** 40],
    idleTimeoutMs: [0, 2 ** 31 - 1],
    receivedLog: [0, 100_000_000],
  };
  for (const [key, value] of Object.entries(limits)) {
    const b = bounds[key as keyof QmpServerLimits];
    if (b === undefined) throw new QmpTestServerUsageError(`createQmpServer: limits.${key} is not a known limit (${Object.keys(bounds).join(', ')})`);
    if (value === undefined) continue;
    if (!integerLimit(value, b[0], b[1])) throw new QmpTestServerUsageError(`createQmpServer: limits.${key} must be an integer from ${b[0]} to ${b[1]}, got ${String(value)}`);
    out[key as keyof QmpServerLimits] = value as number;
  }
  return Object.freeze(out);
}

/** A log of the most recent `max` items, with amortised O(1) appends. */
export class RecentLog<T> {
  private items: T[] = [];
  private total = 0;
  constructor(private readonly max: number) {}

  push(item: T): void {
    this.total++;
    if (this.max === 0) return;
    this.items.push(item);
    if (this.items.length >= 2 * this.max) this.items = this.items.slice(-this.max);
  }

  /** How many were pushed in all. */
  get count(): number {
    return this.total;
  }

  /** The most recent items (at most `max`), oldest first. */
  view(): readonly T[] {
    return this.items.length > this.max ? this.items.slice(-this.max) : this.items;
  }
}
