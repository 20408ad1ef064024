/**
 * The guest agent's reading of its input, as measured on qemu-ga 7.2/10.0 (schema/FORMAT.md, "The
 * guest agent's protocol"): JSON values are read across any whitespace (not line-based); the byte
 * 0xFF is invalid for its lexer: it answers one error without id and its parser resets; text that
 * cannot start a value is one lexer error (one error without id) per run. Returns each complete
 * object, or the error to answer, in order; keeps what is unfinished for the next chunk.
 */
import { parseJson } from '../runtime/json-parse.js';

/** What {@link QgaInput.push} found: a parsed request, or the desc of an id-less `GenericError` to answer. */
export type QgaInputItem = { readonly request: unknown } | { readonly parseError: string };

const OPEN = 0x7b;
const CLOSE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** One connection's input state. */
export class QgaInput {
  #pending: Buffer = Buffer.alloc(0);
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** Bytes held of an unfinished request (bounded by the caller). */
  get buffered(): number {
    return this.#pending.length;
  }

  push(chunk: Buffer): QgaInputItem[] {
    const out: QgaInputItem[] = [];
    // An unfinished request is kept and scanned again whole with the next chunk (a test server: simple over fast).
    const data = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#pending = Buffer.alloc(0);
    this.#reset();
    let start = 0;
    for (let i = 0; i < data.length; i++) {
      const b = data[i]!;
      if (b === 0xff) {
        const partial = data.subarray(start, i).toString('utf8').trim();
        out.push({ parseError: `JSON parse error, stray '${partial}\uFFFD'` });
        this.#reset();
        start = i + 1;
        continue;
      }
      if (this.#depth === 0) {
        if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
          start = i + 1;
          continue;
        }
        if (b !== OPEN) {
          // a run of garbage up to the next whitespace or '{' is one lexer error
          let j = i;
          while (j < data.length && data[j] !== OPEN && data[j] !== 0x0a && data[j] !== 0x20 && data[j] !== 0xff) j++;
          out.push({ parseError: `JSON parse error, invalid keyword '${data.subarray(i, j).toString('utf8')}'` });
          i = j - 1;
          start = j;
          continue;
        }
        start = i;
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (b === BACKSLASH) this.#escaped = true;
        else if (b === QUOTE) this.#inString = false;
        continue;
      }
      if (b === QUOTE) this.#inString = true;
      else if (b === OPEN || b === 0x5b) this.#depth++;
      else if (b === CLOSE || b === 0x5d) {
        this.#depth--;
        if (this.#depth === 0) {
          const text = data.subarray(start, i + 1).toString('utf8');
          start = i + 1;
          try {
            out.push({ request: parseJson(text) });
          } catch {
            out.push({ parseError: 'JSON parse error, expecting value' });
          }
        }
      }
    }
    if (this.#depth > 0) this.#pending = Buffer.from(data.subarray(start));
    this.#reset();
    return out;
  }

  #reset(): void {
    this.#depth = 0;
    this.#inString = false;
    this.#escaped = false;
  }
}
