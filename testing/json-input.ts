/**
 * Splits the bytes a client sends into JSON texts the way QEMU's JSON streamer does: by bracket
 * depth (string- and escape-aware), with no need for newlines, and recovering after bad input
 * (a stray `]`, an unparsable text) instead of giving up on the connection.
 */
import { parseJson } from '../runtime/json-parse.js'; // lossless integers

/** One unit of client input: a parsed value, or the reason it could not be read. */
export type ClientInput =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly desc: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Incremental splitter; `push()` returns the inputs completed by that chunk. */
export class JsonInputSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  /** True while inside a top-level scalar (a keyword or number outside any bracket). */
  private inScalar = false;

  /** `maxBytes`: the server's `maxMessageBytes` (its default, 64 MiB, is written once, in `limits.ts`). */
  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): ClientInput[] {
    const out: ClientInput[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 0x5c) this.escape = true;
        else if (c === 0x22) {
          this.inString = false;
          if (this.depth === 0) start = this.emit(chunk, start, i + 1, out);
        }
        continue;
      }
      const white = c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
      if (this.inScalar) {
        if (white || c === 0x7b || c === 0x5b || c === 0x7d || c === 0x5d || c === 0x22) {
          this.inScalar = false;
          start = this.emit(chunk, start, i, out);
        } else continue;
      }
      if (c === 0x22) {
        this.inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        this.depth++;
      } else if (c === 0x7d || c === 0x5d) {
        if (this.depth === 0) {
          // A closing bracket with nothing open: QEMU answers "expecting value" and moves on.
          this.reset();
          start = i + 1;
          out.push({ ok: false, desc: 'JSON parse error, expecting value' });
          continue;
        }
        this.depth--;
        if (this.depth === 0) start = this.emit(chunk, start, i + 1, out);
      } else if (white) {
        if (this.depth === 0 && this.size === 0 && start === i) start = i + 1;
      } else if (this.depth === 0 && c >= 0x80) {
        // QEMU's lexer answers each stray non-ASCII byte outside a value with its own error.
        this.reset();
        start = i + 1;
        out.push({ ok: false, desc: "JSON parse error, stray '\uFFFD'" });
      } else if (this.depth === 0) {
        this.inScalar = true;
      }
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.parts.push(rest);
      this.size += rest.length;
      if (this.size > this.maxBytes) {
        this.reset();
        out.push({ ok: false, desc: 'JSON parse error, token too large' });
      }
    }
    return out;
  }

  /** Input left without its end when the client closed (QEMU drops it silently). */
  get pendingBytes(): number {
    return this.size;
  }

  private emit(chunk: Buffer, start: number, end: number, out: ClientInput[]): number {
    const piece = chunk.subarray(start, end);
    const bytes = this.size === 0 ? piece : Buffer.concat([...this.parts, piece]);
    this.reset();
    out.push(bytes.length > this.maxBytes ? { ok: false, desc: 'JSON parse error, token too large' } : parse(bytes));
    return end;
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.inScalar = false;
  }
}

function parse(bytes: Buffer): ClientInput {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, desc: "JSON parse error, stray '\uFFFD'" };
  }
  try {
    return { ok: true, value: parseJson(text) }; // lossless integers
  } catch {
    const word = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(text.replace(/^[{[\s]+/, ''));
    if (word && !['true', 'false', 'null'].includes(word[1]!)) {
      return { ok: false, desc: `JSON parse error, invalid keyword '${word[1]}'` };
    }
    return { ok: false, desc: 'JSON parse error, expecting value' };
  }
}
