/**
 * The seam between a byte stream and messages: a {@link Connection} reads through a {@link Framer}
 * it is given, never one it builds itself, so that a dialect can bring its own framing mode (the
 * JSON-structure framer of `json-framer.ts` for QMP; the QEMU guest agent's "discard bytes up to
 * the next 0xFF, then frame JSON" after a resynchronisation would be another `Framer`).
 *
 * {@link parseFrame} is the one place where the text of a framed message becomes a value.
 */
import { parseJson } from '../json-parse.js';

/** Called with every complete message, in order, with its size on the wire in bytes. */
export type FrameSink = (message: unknown, bytes: number) => void;

/** An incremental framer: bytes in, parsed messages out. */
export interface Framer {
  /**
   * Scans `chunk` and calls `onMessage` for every complete message, in order. Throws a
   * `QmpProtocolError` at the first bad message (messages before it were delivered); after that,
   * every call throws the same error.
   */
  push(chunk: Buffer, onMessage: FrameSink): void;
  /** The stream ended: throws a `QmpProtocolError` (`truncated`) when it ended inside a message. */
  end(): void;
}

/**
 * The text of one framed message as a value: the only parse of received messages in the runtime.
 * Integers are exact (`../json-parse.ts`: plain `JSON.parse` unless the text holds a run of 16
 * digits; then an integer beyond ±(2^53 − 1) is a `bigint`). Throws `SyntaxError` on invalid JSON;
 * the framer turns that into a protocol error.
 */
export function parseFrame(text: string): unknown {
  return parseJson(text);
}
