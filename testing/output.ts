/**
 * The server's outgoing side: serialises messages and applies the write-level faults
 * (chunking, coalescing, shuffled replies, half a message then close) in a strict order.
 */
import type { Duplex } from 'node:stream';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { prng, shuffle, type QmpFaults } from './faults.js';
import { stringifyJson } from '../runtime/json-stringify.js'; // lossless integers

/** Encodes one message as QEMU does: compact JSON followed by `\r\n`. */
export function encodeMessage(message: unknown): Buffer {
  return Buffer.from(`${stringifyJson(message) as string}\r\n`, 'utf8');
}

/** Writes messages and raw bytes to one connection's stream. */
export class OutputWriter {
  private held: Buffer[] = [];
  private window: Buffer[] = [];
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private idleScheduled = false;
  private random: (() => number) | undefined;
  private ended = false;
  private dropped = false;

  constructor(
    private readonly stream: Duplex,
    private readonly faults: () => QmpFaults,
  ) {}

  /** True once `end()`/`destroy()` ran: nothing more is written. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Sends a message; replies go through the shuffle window when that fault is on. */
  message(message: unknown, isReply: boolean): void {
    const buf = encodeMessage(message);
    const size = this.faults().shuffleWindow ?? 0;
    if (isReply && size > 1) {
      this.window.push(buf);
      if (this.window.length >= size) this.flushWindow();
      else this.scheduleIdle();
      return;
    }
    this.enqueue(buf);
  }

  /** Sends raw bytes, in order with the messages. */
  raw(bytes: string | Uint8Array): void {
    this.enqueue(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes));
  }

  /** Writes the first half of `message`'s bytes, then closes the connection. */
  halfThenEnd(message: unknown): void {
    const buf = encodeMessage(message);
    this.flushAll();
    this.write(buf.subarray(0, Math.max(1, Math.floor(buf.length / 2))));
    this.end();
  }

  /** Flushes what is held, then ends the stream (FIN) and destroys it once written. */
  end(): void {
    if (this.ended) return;
    this.flushAll();
    this.ended = true;
    this.after(() => {
      if (this.stream.destroyed || this.stream.writableEnded) return;
      this.stream.end(() => this.stream.destroy());
    });
  }

  /**
   * Drops everything not yet written and closes at once. The stream is ended (FIN) before it is
   * destroyed: an in-memory peer (`duplexPair`) learns of the close only through its end.
   */
  destroy(): void {
    this.ended = true;
    this.dropped = true;
    this.held = [];
    this.window = [];
    if (this.stream.destroyed) return;
    if (this.stream.writableEnded) {
      this.stream.destroy();
      return;
    }
    this.stream.end(() => this.stream.destroy());
    // A peer that never reads would keep the end from finishing: destroy anyway, soon.
    setTimeout(() => this.stream.destroy(), 200).unref();
  }

  /** Writes out everything held by `coalesce` and `shuffleWindow`. */
  flushAll(): void {
    this.flushWindow();
    this.flushHeld();
  }

  private enqueue(buf: Buffer): void {
    if (this.ended) return;
    const n = this.faults().coalesce ?? 0;
    if (n > 1) {
      this.held.push(buf);
      if (this.held.length >= n) this.flushHeld();
      else this.scheduleIdle();
      return;
    }
    this.write(buf);
  }

  private flushWindow(): void {
    if (this.window.length === 0) return;
    this.random ??= prng(this.faults().shuffleSeed ?? 1);
    const items = shuffle(this.window, this.random);
    this.window = [];
    for (const b of items) this.enqueue(b);
  }

  private flushHeld(): void {
    if (this.held.length === 0) return;
    const buf = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
    this.held = [];
    this.write(buf);
  }

  private scheduleIdle(): void {
    if (this.idleScheduled) return;
    this.idleScheduled = true;
    setImmediate(() => {
      this.idleScheduled = false;
      this.flushAll();
    });
  }

  private write(buf: Buffer): void {
    if (this.ended || this.stream.destroyed) return;
    const size = this.faults().chunkSize ?? 0;
    if (size <= 0 && this.queued === 0) {
      this.stream.write(buf);
      return;
    }
    this.after(async () => {
      const step = size > 0 ? size : buf.length;
      for (let i = 0; i < buf.length; i += step) {
        if (this.stream.destroyed || this.dropped) return;
        await new Promise<void>((resolve) => this.stream.write(buf.subarray(i, i + step), () => resolve()));
        if (step < buf.length) await nextMacrotask();
      }
    });
  }

  /** Runs `fn` after every write already queued. */
  private after(fn: () => void | Promise<void>): void {
    if (this.queued === 0) {
      const r = fn();
      if (r === undefined) return;
      this.queued++;
      this.chain = r.catch(() => undefined).finally(() => this.queued--);
      return;
    }
    this.queued++;
    this.chain = this.chain.then(fn).catch(() => undefined).finally(() => this.queued--);
  }
}
