/**
 * Stream framer for QMP: turns arbitrary chunks of bytes into parsed JSON messages.
 *
 * Message boundaries are found by scanning the JSON structure (brace/bracket depth, aware of
 * strings and escapes), never by newlines: one message may span many chunks, one chunk may hold
 * many messages, a multi-byte UTF-8 character may be split between chunks, and messages may be
 * separated by `\r\n`, other JSON whitespace, or nothing at all. Each byte is scanned once.
 *
 * Any error (invalid UTF-8, invalid JSON, a message over one of the limits, bytes outside a message
 * that cannot start one) is thrown as a {@link QmpProtocolError}; the stream is then unusable
 * (the framer stays failed) because a byte stream cannot be resynchronised reliably.
 *
 * Limits (each an option; see {@link FramerOptions}). They bound what one message can cost before
 * `JSON.parse` ever sees it, so a hostile peer cannot freeze or exhaust the process with a message
 * the defaults accept (measured: a 60 MiB message of `[[],[],…]` under the former 64 MiB-only limit
 * blocked the event loop 13–20 s and took 0.8–1.8 GB of heap):
 * - bytes (`maxMessageBytes`, default 16 MiB): the memory of the text and of every string in it;
 * - nesting (`maxMessageDepth`, default 1024, QEMU's own `MAX_NESTING` in `qobject/json-streamer.c`):
 *   the stack depth of anything that walks the parsed value recursively (validators, user code);
 * - structural tokens (`maxMessageTokens`, default 1 Mi): `{`, `[`, `,` and `:` outside strings.
 *   `JSON.parse` creates at most `2 × tokens + 1` values (every container has its `{`/`[`; every
 *   other value is the first of its container or follows a `,` or `:`), so this bounds the number
 *   of objects the parse allocates and its time, whatever the bytes (QEMU counts every token, strings
 *   and numbers included, and allows 2 Mi: `MAX_TOKEN_COUNT`).
 * All three are counted in the same single pass that finds the message boundary.
 */
import { isUtf8 } from 'node:buffer';
import { QmpProtocolError } from '../errors.js';
import { preview } from '../preview.js';
import { parseFrame, type Framer, type FrameSink } from './framing.js';

/**
 * Default largest message: 16 MiB. The largest replies measured on real QEMU (7.2 and 10.0, x86_64)
 * are `query-qmp-schema` (186 KB / 212 KB), then `query-cpu-definitions`, `qom-list-types` and the
 * largest `device-list-properties` (`max-x86_64-cpu`), all under 40 KB; replies that grow with the
 * guest (`query-named-block-nodes` with long backing chains, HMP text) stay under libvirt's 10 MiB
 * cap (`QEMU_MONITOR_MAX_RESPONSE`), which has bounded QEMU replies in practice for years. 16 MiB is
 * 75 times the largest measured reply and above libvirt's cap.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Default deepest nesting of `{`/`[`: 1024, QEMU's own limit (`MAX_NESTING`); real replies nest at most 6. */
export const DEFAULT_MAX_MESSAGE_DEPTH = 1024;

/**
 * Default most structural tokens (`{ [ , :` outside strings) per message: 1 Mi (1,048,576). The
 * largest real reply, `query-qmp-schema` on QEMU 10.0, has 29,812 (one per 7 bytes); 1 Mi is 35
 * times that and matches QEMU's own 2 Mi tokens (which also counts strings and scalars).
 */
export const DEFAULT_MAX_MESSAGE_TOKENS = 1024 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const EXCERPT_CHARS = 200;
/** Tails shorter than this are copied into a shared block instead of kept as their own part. */
const SMALL_TAIL = 4096;
const ACC_BLOCK = 16 * 1024;

function excerptOf(bytes: Buffer): string {
  const head = bytes.subarray(0, EXCERPT_CHARS * 4).toString('utf8');
  return head.length > EXCERPT_CHARS ? `${head.slice(0, EXCERPT_CHARS)}…` : head;
}

function isJsonWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Options of {@link JsonFramer}: the limits of one message (each a positive integer). */
export interface FramerOptions {
  /** Largest accepted message in bytes (default {@link DEFAULT_MAX_MESSAGE_BYTES}, 16 MiB); beyond: violation `oversized`. */
  maxMessageBytes?: number;
  /** Deepest accepted nesting of objects and arrays (default {@link DEFAULT_MAX_MESSAGE_DEPTH}, 1024); beyond: violation `too-deep`. */
  maxMessageDepth?: number;
  /**
   * Most structural tokens (`{`, `[`, `,`, `:` outside strings) in one message (default
   * {@link DEFAULT_MAX_MESSAGE_TOKENS}, 1 Mi); beyond: violation `too-many-tokens`.
   */
  maxMessageTokens?: number;
}

/**
 * Why one of the limits is unusable (each must be a positive integer), if one is: the one check of
 * these options, used by `connect()` (a `QmpUsageError`) and by the {@link JsonFramer} constructor
 * (a `RangeError`), with the same message.
 */
export function checkFramerLimits(options: FramerOptions): string | undefined {
  for (const key of ['maxMessageBytes', 'maxMessageDepth', 'maxMessageTokens'] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) return `${key} must be a positive integer, got ${preview(v, 60)}`;
  }
  return undefined;
}

/** Incremental JSON message framer; feed it with {@link JsonFramer.push}. */
export class JsonFramer implements Framer {
  readonly maxMessageBytes: number;
  readonly maxMessageDepth: number;
  readonly maxMessageTokens: number;
  /** Earlier chunks (or their tails) holding the start of the current, unfinished message. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  /** Block collecting small tails; when set, the last entry of `parts` is `acc[0, accUsed)`. */
  private acc: Buffer | undefined;
  private accUsed = 0;
  private depth = 0;
  /** Structural tokens of the current message so far. */
  private tokens = 0;
  private inString = false;
  private escaped = false;
  private highBytes = false;
  private failed: QmpProtocolError | undefined;

  /**
   * `options`: the limits of one message. `peer`: how errors name the sender (`'QMP peer'` by
   * default; the guest agent's framer says `'guest agent'`).
   */
  constructor(options: FramerOptions = {}, private readonly peer: string = 'QMP peer') {
    const problem = checkFramerLimits(options);
    if (problem !== undefined) throw new RangeError(problem);
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxMessageDepth = options.maxMessageDepth ?? DEFAULT_MAX_MESSAGE_DEPTH;
    this.maxMessageTokens = options.maxMessageTokens ?? DEFAULT_MAX_MESSAGE_TOKENS;
  }

  /** Bytes held for a message not finished yet (0 between messages). */
  get bufferedBytes(): number {
    return this.partsLength;
  }

  /**
   * Scans `chunk` and calls `onMessage` for every complete message, in order. Throws a
   * {@link QmpProtocolError} at the first bad message (messages before it were delivered).
   */
  push(chunk: Buffer, onMessage: FrameSink): void {
    if (this.failed) throw this.failed;
    const n = chunk.length;
    let i = 0;
    // Start of the current message inside `chunk` (0 when it began in an earlier chunk).
    let start = this.depth > 0 ? 0 : -1;
    const max = this.maxMessageBytes;
    const maxDepth = this.maxMessageDepth;
    const maxTokens = this.maxMessageTokens;
    while (i < n) {
      if (this.depth === 0) {
        // Between messages: skip whitespace; a message must start with { or [.
        const b = chunk[i]!;
        if (isJsonWhitespace(b)) {
          i++;
          continue;
        }
        if (b !== OPEN_BRACE && b !== OPEN_BRACKET) {
          throw this.fail(
            new QmpProtocolError('garbage', `${this.peer} sent bytes that cannot start a JSON message (0x${b.toString(16).padStart(2, '0')})`, {
              excerpt: excerptOf(chunk.subarray(i)),
            }),
          );
        }
        start = i;
        this.depth = 1;
        this.tokens = 1;
        this.highBytes = false;
        i++;
      }
      // Inside a message: scan until depth returns to 0 or the chunk ends.
      let depth = this.depth;
      let tokens = this.tokens;
      let inString = this.inString;
      let escaped = this.escaped;
      let high = this.highBytes;
      for (; i < n; i++) {
        const b = chunk[i]!;
        if (b >= 0x80) {
          high = true;
          escaped = false;
          continue;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
          continue;
        }
        if (b === QUOTE) inString = true;
        else if (b === COMMA || b === COLON) {
          // Checked at the end of the chunk's scan (below): a count never shrinks within a message.
          tokens++;
        } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
          tokens++;
          if (++depth > maxDepth) break; // failed below, at once (the stack depth is what this protects)
        } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
          if (--depth === 0) {
            i++;
            break;
          }
        }
      }
      this.depth = depth;
      this.tokens = tokens;
      this.inString = inString;
      this.escaped = escaped;
      this.highBytes = high;
      const size = this.partsLength + (i - start);
      if (depth > maxDepth) {
        throw this.fail(
          new QmpProtocolError('too-deep', `${this.peer} sent a message nested deeper than the limit of ${maxDepth} (maxMessageDepth)`, {
            excerpt: excerptOf(this.head(chunk.subarray(start))),
          }),
        );
      }
      if (tokens > maxTokens) {
        throw this.fail(
          new QmpProtocolError('too-many-tokens', `${this.peer} sent a message with more than ${maxTokens} structural tokens ({ [ , :) (maxMessageTokens)`, {
            excerpt: excerptOf(this.head(chunk.subarray(start))),
          }),
        );
      }
      if (size > max) {
        throw this.fail(
          new QmpProtocolError('oversized', `${this.peer} sent a message larger than the limit of ${max} bytes (maxMessageBytes)`, {
            excerpt: excerptOf(this.head(chunk.subarray(start))),
          }),
        );
      }
      if (depth > 0) {
        // Unfinished: keep the tail (copy only when it is a small part of a big chunk).
        const tail = chunk.subarray(start);
        this.keep(tail, chunk.length);
        return;
      }
      let bytes: Buffer;
      if (this.parts.length === 0) bytes = chunk.subarray(start, i);
      else {
        this.parts.push(chunk.subarray(0, i));
        bytes = Buffer.concat(this.parts, size);
        this.parts = [];
        this.partsLength = 0;
        this.acc = undefined;
      }
      onMessage(this.decode(bytes, high), bytes.length);
      start = -1;
    }
  }

  /** Call at end of stream: throws a {@link QmpProtocolError} when a message was left unfinished. */
  end(): void {
    if (this.failed) throw this.failed;
    if (this.depth > 0) {
      const bytes = Buffer.concat(this.parts);
      throw this.fail(
        new QmpProtocolError('truncated', `${this.peer}'s stream ended inside a message (${bytes.length} bytes received of it)`, {
          excerpt: excerptOf(bytes),
        }),
      );
    }
  }

  private decode(bytes: Buffer, high: boolean): unknown {
    let text: string;
    if (!high) text = bytes.toString('latin1');
    else {
      if (!isUtf8(bytes)) {
        throw this.fail(
          new QmpProtocolError('invalid-utf8', `${this.peer} sent a message that is not valid UTF-8`, {
            excerpt: excerptOf(bytes),
          }),
        );
      }
      text = bytes.toString('utf8');
    }
    try {
      return parseFrame(text);
    } catch (cause) {
      throw this.fail(
        new QmpProtocolError('invalid-json', `${this.peer} sent invalid JSON: ${(cause as Error).message}`, {
          excerpt: text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text,
          cause,
        }),
      );
    }
  }

  /** The first bytes of the current message (earlier parts, then `tail`), enough for an excerpt. */
  private head(tail: Buffer): Buffer {
    const pieces: Buffer[] = [];
    let len = 0;
    for (const p of [...this.parts, tail]) {
      pieces.push(p);
      len += p.length;
      if (len >= EXCERPT_CHARS * 4) break;
    }
    return Buffer.concat(pieces);
  }

  /**
   * Keeps the tail of an unfinished message. Small tails are copied into a shared 16 KiB block
   * (the last part): a peer writing byte by byte must not cost a Buffer object per byte
   * (measured: ~130 bytes of memory per buffered byte before), so memory stays near the message size.
   */
  private keep(tail: Buffer, chunkLength: number): void {
    this.partsLength += tail.length;
    if (tail.length >= SMALL_TAIL) {
      this.acc = undefined;
      this.parts.push(tail.length * 4 < chunkLength ? Buffer.from(tail) : tail);
      return;
    }
    if (this.acc === undefined || this.accUsed + tail.length > this.acc.length) {
      this.acc = Buffer.allocUnsafe(ACC_BLOCK);
      this.accUsed = 0;
      this.parts.push(this.acc.subarray(0, 0));
    }
    tail.copy(this.acc, this.accUsed);
    this.accUsed += tail.length;
    this.parts[this.parts.length - 1] = this.acc.subarray(0, this.accUsed);
  }

  private fail(e: QmpProtocolError): QmpProtocolError {
    this.failed = e;
    this.parts = [];
    this.partsLength = 0;
    this.acc = undefined;
    return e;
  }
}
