/**
 * A framing mode for a channel that is resynchronised with a delimiter byte (the QEMU guest
 * agent's 0xFF, `qga/qapi-schema.json`, `guest-sync-delimited`): JSON messages as the
 * {@link JsonFramer} frames them, with two rules on top.
 * - **0xFF is a delimiter.** It never occurs in UTF-8 text, so it is never part of a message: at
 *   every 0xFF the framer drops what it holds of an unfinished message and starts afresh.
 * - **Discarding.** While discarding (from the start, after {@link discardUntilDelimiter}, and
 *   after a framing error), every byte up to the next 0xFF is dropped: it is stale (an earlier
 *   client's, or the rest of garbage).
 * A framing error (invalid JSON or UTF-8, a message over a limit) never ends the stream: it is
 * handed to `onFramingError` and the framer discards until the next 0xFF, so that the session can
 * resynchronise the channel instead of giving it up.
 */
import { isQmpProtocolError, type QmpProtocolError } from '../errors.js';
import type { Framer, FrameSink } from './framing.js';
import { JsonFramer, type FramerOptions } from './json-framer.js';

/** The guest agent's delimiter byte. */
export const DELIMITER = 0xff;

/** A {@link Framer} that resets at every 0xFF and can discard up to the next one. */
export class DelimitedFramer implements Framer {
  #inner: JsonFramer;
  #discarding = true;
  /**
   * Bytes dropped while discarding, plus the part of a chunk (up to its next 0xFF) in which a
   * framing error was found (messages in it before the error were delivered nonetheless). Statistics.
   */
  discardedBytes = 0;
  readonly #options: FramerOptions;
  readonly #onFramingError: (error: QmpProtocolError) => void;

  /**
   * `options`: the limits of one message (as {@link JsonFramer}'s); `onFramingError` is called
   * with each framing error (the framer then discards up to the next 0xFF). Starts discarding.
   */
  constructor(options: FramerOptions, onFramingError: (error: QmpProtocolError) => void) {
    this.#options = options;
    this.#onFramingError = onFramingError;
    this.#inner = new JsonFramer(options, 'guest agent');
  }

  /** True while bytes are dropped up to the next 0xFF. */
  get discarding(): boolean {
    return this.#discarding;
  }

  /** Drops every byte from now up to the next 0xFF (a resynchronisation after unknown state). */
  discardUntilDelimiter(): void {
    this.#discarding = true;
  }

  push(chunk: Buffer, onMessage: FrameSink): void {
    let start = 0;
    const length = chunk.length;
    while (start < length) {
      const ff = chunk.indexOf(DELIMITER, start);
      if (this.#discarding) {
        if (ff < 0) {
          this.discardedBytes += length - start;
          return;
        }
        this.discardedBytes += ff - start;
        this.#discarding = false;
        this.#inner = new JsonFramer(this.#options, 'guest agent');
        start = ff + 1;
        continue;
      }
      const end = ff < 0 ? length : ff;
      if (end > start) {
        try {
          this.#inner.push(start === 0 && end === length ? chunk : chunk.subarray(start, end), onMessage);
        } catch (e) {
          if (!isQmpProtocolError(e)) throw e;
          this.discardedBytes += end - start;
          this.#discarding = true;
          this.#onFramingError(e);
          start = end;
          continue;
        }
      }
      if (ff < 0) return;
      // A delimiter: whatever is unfinished is stale; start afresh after it.
      this.#inner = new JsonFramer(this.#options, 'guest agent');
      start = ff + 1;
    }
  }

  end(): void {
    if (!this.#discarding) this.#inner.end();
  }
}
