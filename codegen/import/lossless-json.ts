/**
 * A small JSON parser that keeps integers exact: an integer literal outside the safe range
 * (|n| > 2^53 - 1) becomes a `bigint` instead of a rounded `number`. Used for the replies the
 * importer stores verbatim (`device-list-properties` defaults such as pci-bridge `mem-reserve`
 * 18446744073709551615) and to read `devices.json` back. Strings, nesting and other numbers follow
 * `JSON.parse`; objects are prototype-less (any member name, `__proto__` included, is plain data).
 * Throws a `SyntaxError` naming the offset on malformed input.
 */

/** A JSON value as parsed here: like `JSON.parse`'s, with `bigint` for integers beyond 2^53 - 1. */
export type LosslessJson = null | boolean | number | bigint | string | LosslessJson[] | { [key: string]: LosslessJson };

const numberRe = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const stringRe = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const wsRe = /[ \t\n\r]*/y;

/** Parses `text` as one JSON value (surrounding whitespace allowed). */
export function parseLossless(text: string): LosslessJson {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${pos} of JSON text`);
  };
  const ws = (): void => {
    wsRe.lastIndex = pos;
    wsRe.exec(text);
    pos = wsRe.lastIndex;
  };
  const value = (depth: number): LosslessJson => {
    if (depth > 1024) fail('nesting deeper than 1024');
    ws();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const out = Object.create(null) as { [key: string]: LosslessJson };
      ws();
      if (text[pos] === '}') {
        pos++;
        return out;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail('expected a member name');
        const key = string();
        ws();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
        out[key] = value(depth + 1);
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return out;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos++;
      const out: LosslessJson[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return out;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    numberRe.lastIndex = pos;
    const m = numberRe.exec(text);
    if (m === null) return fail('unexpected character');
    pos = numberRe.lastIndex;
    const lit = m[0];
    const n = Number(lit);
    if (/^-?[0-9]+$/.test(lit) && !Number.isSafeInteger(n)) return BigInt(lit);
    return n;
  };
  const string = (): string => {
    stringRe.lastIndex = pos;
    const m = stringRe.exec(text);
    if (m === null) return fail('malformed string');
    pos = stringRe.lastIndex;
    return JSON.parse(m[0]) as string;
  };
  const v = value(0);
  ws();
  if (pos !== text.length) fail('unexpected text after the value');
  return v;
}
