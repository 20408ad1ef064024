/**
 * Tokenizer for QAPI's JSON dialect (as QEMU's `scripts/qapi/parser.py` reads it): single-quoted strings
 * with only the `\\` escape and printable ASCII, `true`/`false`, punctuation, `#` comments to the end of
 * the line, and `##` doc comment blocks (returned whole, as their text lines).
 */
import { QapiSyntaxError } from './errors.js';

/** One token; `doc` carries the lines of a `##` block (without the `# ` prefixes). */
export type QapiToken =
  | { kind: 'punct'; value: '{' | '}' | '[' | ']' | ':' | ','; line: number; column: number }
  | { kind: 'string'; value: string; line: number; column: number }
  | { kind: 'bool'; value: boolean; line: number; column: number }
  | { kind: 'doc'; lines: string[]; line: number; column: number }
  | { kind: 'eof'; line: number; column: number };

/** Reads tokens from the text of one QAPI file. */
export class QapiLexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly src: string,
    /** File name used in errors. */
    readonly file: string,
  ) {}

  /** Throws a {@link QapiSyntaxError} at the given place (default: the current position). */
  fail(reason: string, line = this.line, column = this.pos - this.lineStart + 1): never {
    throw new QapiSyntaxError(this.file, line, column, reason);
  }

  /**
   * The next token. With `docs` true (between top-level expressions) a `##` comment starts a doc block;
   * inside expressions every comment is skipped.
   */
  next(docs: boolean): QapiToken {
    for (;;) {
      const ch = this.src[this.pos];
      const line = this.line;
      const column = this.pos - this.lineStart + 1;
      if (ch === undefined) return { kind: 'eof', line, column };
      if (ch === '\n') {
        this.newline();
        continue;
      }
      if (ch === ' ' || ch === '\t' || ch === '\r') {
        this.pos++;
        continue;
      }
      if (ch === '#') {
        if (docs && this.src[this.pos + 1] === '#') return this.doc(line, column);
        this.skipLine();
        continue;
      }
      if (ch === '{' || ch === '}' || ch === '[' || ch === ']' || ch === ':' || ch === ',') {
        this.pos++;
        return { kind: 'punct', value: ch, line, column };
      }
      if (ch === "'") return { kind: 'string', value: this.string(), line, column };
      if (this.src.startsWith('true', this.pos)) {
        this.pos += 4;
        return { kind: 'bool', value: true, line, column };
      }
      if (this.src.startsWith('false', this.pos)) {
        this.pos += 5;
        return { kind: 'bool', value: false, line, column };
      }
      this.fail(`stray '${ch}'`);
    }
  }

  private newline(): void {
    this.pos++;
    this.line++;
    this.lineStart = this.pos;
  }

  /** Moves to the newline ending the current line (not past it). */
  private skipLine(): string {
    const start = this.pos;
    let end = this.src.indexOf('\n', this.pos);
    if (end < 0) end = this.src.length;
    this.pos = end;
    return this.src.slice(start, end);
  }

  private string(): string {
    const line = this.line;
    const column = this.pos - this.lineStart + 1;
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined || ch === '\n') this.fail("missing terminating \"'\"", line, column);
      this.pos++;
      if (ch === "'") return out;
      if (ch === '\\') {
        const esc = this.src[this.pos];
        if (esc !== '\\') this.fail(`unknown escape \\${esc ?? ''}`);
        this.pos++;
        out += '\\';
        continue;
      }
      const code = ch.charCodeAt(0);
      if (code < 32 || code >= 127) this.fail('funny character in string');
      out += ch;
    }
  }

  /** A `##` … `##` block: every line up to the closing `##` must be a comment. */
  private doc(line: number, column: number): QapiToken {
    const first = this.skipLine().trimEnd();
    if (first !== '##') this.fail("junk after '##' at start of documentation comment", line, column);
    const lines: string[] = [];
    for (;;) {
      if (this.pos >= this.src.length) this.fail("documentation comment must end with '##'", line, column);
      this.newline();
      // Like QEMU, whitespace (blank lines included) between the comment lines is skipped.
      for (let c = this.src[this.pos]; c === ' ' || c === '\t' || c === '\r' || c === '\n'; c = this.src[this.pos]) {
        if (c === '\n') this.newline();
        else this.pos++;
      }
      if (this.src[this.pos] !== '#') this.fail("documentation comment must end with '##'", line, column);
      const text = this.skipLine().trimEnd();
      if (text === '##') return { kind: 'doc', lines, line, column };
      if (text === '#') lines.push('');
      else if (text[1] === ' ') lines.push(text.slice(2));
      else this.fail('missing space after #', this.line, 1);
    }
  }
}
