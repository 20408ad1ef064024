/**
 * Parser of one QAPI file: a sequence of top-level JSON-dialect objects and `##` doc blocks,
 * in source order. Includes and doc attachment are handled by the loader.
 */
import { QapiLexer, type QapiToken } from './lexer.js';
import type { QapiValue } from './types.js';

export type { QapiValue };

/** One item of a QAPI file. */
export type QapiItem =
  | { kind: 'expr'; expr: Record<string, QapiValue>; line: number; column: number }
  | { kind: 'doc'; lines: string[]; line: number };

/** Parses the text of one QAPI file; throws {@link QapiSyntaxError} naming `file`, line and column. */
export function parseQapiFile(text: string, file: string): QapiItem[] {
  const lexer = new QapiLexer(text, file);
  const items: QapiItem[] = [];
  for (;;) {
    const tok = lexer.next(true);
    if (tok.kind === 'eof') return items;
    if (tok.kind === 'doc') {
      items.push({ kind: 'doc', lines: tok.lines, line: tok.line });
      continue;
    }
    if (tok.kind !== 'punct' || tok.value !== '{') lexer.fail("expected '{'", tok.line, tok.column);
    items.push({ kind: 'expr', expr: parseObject(lexer), line: tok.line, column: tok.column });
  }
}

function describe(tok: QapiToken): string {
  switch (tok.kind) {
    case 'eof':
      return 'end of file';
    case 'string':
      return `'${tok.value}'`;
    case 'bool':
      return String(tok.value);
    case 'punct':
      return `'${tok.value}'`;
    default:
      return 'a comment';
  }
}

/** Parses the members of an object whose `{` was just read. */
function parseObject(lexer: QapiLexer): Record<string, QapiValue> {
  const out: Record<string, QapiValue> = Object.create(null) as Record<string, QapiValue>;
  let tok = lexer.next(false);
  if (tok.kind === 'punct' && tok.value === '}') return { ...out };
  for (;;) {
    if (tok.kind !== 'string') lexer.fail(`expected string or '}', got ${describe(tok)}`, tok.line, tok.column);
    const key = tok.value;
    if (Object.prototype.hasOwnProperty.call(out, key)) lexer.fail(`duplicate key '${key}'`, tok.line, tok.column);
    tok = lexer.next(false);
    if (tok.kind !== 'punct' || tok.value !== ':') lexer.fail(`expected ':', got ${describe(tok)}`, tok.line, tok.column);
    const value = parseValue(lexer, lexer.next(false));
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    tok = lexer.next(false);
    if (tok.kind === 'punct' && tok.value === '}') return toPlain(out);
    if (tok.kind !== 'punct' || tok.value !== ',') lexer.fail(`expected ',' or '}', got ${describe(tok)}`, tok.line, tok.column);
    tok = lexer.next(false);
  }
}

/** Copies a null-prototype record into a plain object, keeping `__proto__` as an own key. */
function toPlain(rec: Record<string, QapiValue>): Record<string, QapiValue> {
  const out: Record<string, QapiValue> = {};
  for (const key of Object.keys(rec)) {
    Object.defineProperty(out, key, { value: rec[key], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function parseArray(lexer: QapiLexer): QapiValue[] {
  const out: QapiValue[] = [];
  let tok = lexer.next(false);
  if (tok.kind === 'punct' && tok.value === ']') return out;
  for (;;) {
    out.push(parseValue(lexer, tok));
    tok = lexer.next(false);
    if (tok.kind === 'punct' && tok.value === ']') return out;
    if (tok.kind !== 'punct' || tok.value !== ',') lexer.fail(`expected ',' or ']', got ${describe(tok)}`, tok.line, tok.column);
    tok = lexer.next(false);
  }
}

function parseValue(lexer: QapiLexer, tok: QapiToken): QapiValue {
  if (tok.kind === 'string' || tok.kind === 'bool') return tok.value;
  if (tok.kind === 'punct' && tok.value === '{') return parseObject(lexer);
  if (tok.kind === 'punct' && tok.value === '[') return parseArray(lexer);
  return lexer.fail(`expected value, got ${describe(tok)}`, tok.line, tok.column);
}
