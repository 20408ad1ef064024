/**
 * JSON text to a value with no silent loss of integers: an integer literal within ±(2^53 − 1)
 * becomes a `number`, any integer literal outside that range an exact `bigint`; fractions and
 * exponents stay `number` (as `JSON.parse` reads them). Everything else is `JSON.parse`'s result:
 * ordinary objects (an own `__proto__` member is data, as with `JSON.parse`), last duplicate wins.
 *
 * Fast path: a text without a run of 16 or more digits (a cheap scan) cannot hold an integer beyond
 * 2^53 − 1 (9007199254740991 has 16 digits), so it goes to `JSON.parse` unchanged. Only a text with
 * such a run takes the exact parser below (measured in bench/integers.ts). Both throw a
 * `SyntaxError` on malformed text; both create at most one value per literal, so the framer's
 * limits (runtime/core/json-framer.ts: bytes, depth, structural tokens) bound them the same way;
 * neither recurses, so a caller without those limits can read any depth `JSON.parse` reads.
 *
 * Source: RFC 8259 §6 (an implementation may limit the range of numbers); QMP sends 64-bit integers
 * (QAPI `int`, `int64`, `uint64`, `size`), .cache/qapi-10.0/qmp-spec.rst "Wire format".
 */

/** A value as {@link parseJson} returns it: `JSON.parse`'s, with `bigint` for integers beyond 2^53 − 1. */
export type ExactJson = null | boolean | number | bigint | string | ExactJson[] | { [key: string]: ExactJson };

/** Digits in a row from which a literal may be beyond 2^53 − 1 (`Number.MAX_SAFE_INTEGER` has 16). */
const LONG_DIGITS = 16;

const LONG_RUN = new RegExp(`[0-9]{${LONG_DIGITS}}`);

/** True when `text` has a run of {@link LONG_DIGITS} or more ASCII digits anywhere (strings included). */
export function hasLongDigitRun(text: string): boolean {
  return LONG_RUN.test(text); // a regular expression: measured 3× faster than a charCodeAt loop
}

/**
 * Parses one JSON text (surrounding whitespace allowed). Returns `JSON.parse(text)` when no integer
 * in it can be beyond 2^53 − 1, else the exact parse. With `nullPrototype`, objects have no
 * prototype (for a faithful view when `Object.prototype` is tampered with, runtime/plain-data.ts).
 * Throws `SyntaxError` (with the offset on the exact path) on malformed text.
 */
export function parseJson(text: string, nullPrototype = false): unknown {
  if (!hasLongDigitRun(text)) return nullPrototype ? JSON.parse(text, toNullPrototype) : JSON.parse(text);
  return parseJsonExact(text, nullPrototype);
}

function toNullPrototype(_key: string, v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  return Object.assign(Object.create(null) as object, v);
}

const WS_SPACE = 0x20;
const WS_TAB = 0x09;
const WS_LF = 0x0a;
const WS_CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

// State of the exact parse in progress (module-level, not closures: a parse allocates no functions).
let src = '';
let pos = 0;
let nullProto = false;

/** The exact parser, always (no fast path): see {@link parseJson}. */
export function parseJsonExact(text: string, nullPrototype = false): ExactJson {
  src = text;
  pos = 0;
  nullProto = nullPrototype;
  try {
    const v = value();
    ws();
    if (pos !== src.length) fail('unexpected text after the value');
    return v;
  } finally {
    src = '';
  }
}

function fail(what: string): never {
  throw new SyntaxError(`${what} at offset ${pos} of JSON text`);
}

function ws(): void {
  const n = src.length;
  while (pos < n) {
    const c = src.charCodeAt(pos);
    if (c !== WS_SPACE && c !== WS_LF && c !== WS_CR && c !== WS_TAB) return;
    pos++;
  }
}

function string(): string {
  // at the opening quote
  const start = pos++;
  const n = src.length;
  let plain = true;
  for (;;) {
    if (pos >= n) fail('unterminated string');
    const c = src.charCodeAt(pos);
    if (c === QUOTE) break;
    if (c === BACKSLASH) {
      plain = false;
      pos += 2;
      continue;
    }
    if (c < 0x20) fail('control character in string');
    pos++;
  }
  pos++;
  // escapes: JSON.parse of the literal decodes and checks them
  return plain ? src.slice(start + 1, pos - 1) : (JSON.parse(src.slice(start, pos)) as string);
}

function digits(): number {
  const from = pos;
  const n = src.length;
  while (pos < n) {
    const c = src.charCodeAt(pos);
    if (c < ZERO || c > NINE) break;
    pos++;
  }
  return pos - from;
}

function number(): number | bigint {
  const start = pos;
  if (src.charCodeAt(pos) === MINUS) pos++;
  const first = src.charCodeAt(pos);
  if (first === ZERO) pos++;
  else if (first > ZERO && first <= NINE) digits();
  else fail('unexpected character');
  let integer = true;
  if (src.charCodeAt(pos) === DOT) {
    pos++;
    integer = false;
    if (digits() === 0) fail('no digit after the decimal point');
  }
  const e = src.charCodeAt(pos);
  if (e === 0x65 || e === 0x45) {
    pos++;
    integer = false;
    const s = src.charCodeAt(pos);
    if (s === 0x2b || s === MINUS) pos++;
    if (digits() === 0) fail('no digit in the exponent');
  }
  const literal = src.slice(start, pos);
  const v = Number(literal);
  // within ±(2^53 − 1) the number is exact; beyond it, a bigint
  return integer && !Number.isSafeInteger(v) ? BigInt(literal) : v;
}

function set(o: Record<string, ExactJson>, key: string, v: ExactJson): void {
  // `__proto__` is an own data member, as JSON.parse makes it
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

/**
 * One JSON value, iteratively: the containers still open are on an explicit stack, so the depth a
 * text may nest is bounded by memory, as with `JSON.parse`, not by the call stack (a recursive
 * descent threw `RangeError` from about 10,000 levels where `JSON.parse` reads the text).
 */
function value(): ExactJson {
  // the innermost open container (with the name of the member being read when it is an object);
  // the ones around it are saved on `outer`/`outerNames`
  let top: ExactJson[] | Record<string, ExactJson> | undefined;
  let inArray = false;
  let name = '';
  const outer: (ExactJson[] | Record<string, ExactJson>)[] = [];
  const outerNames: string[] = [];
  for (;;) {
    ws();
    let v: ExactJson;
    const c = src.charCodeAt(pos);
    if (c === 0x7b) {
      pos++;
      const o: Record<string, ExactJson> = nullProto ? (Object.create(null) as Record<string, ExactJson>) : {};
      ws();
      if (src.charCodeAt(pos) !== 0x7d) {
        if (top !== undefined) {
          outer.push(top);
          outerNames.push(name);
        }
        top = o;
        inArray = false;
        name = memberName();
        continue;
      }
      pos++;
      v = o;
    } else if (c === 0x5b) {
      pos++;
      const a: ExactJson[] = [];
      ws();
      if (src.charCodeAt(pos) !== 0x5d) {
        if (top !== undefined) {
          outer.push(top);
          outerNames.push(name);
        }
        top = a;
        inArray = true;
        continue;
      }
      pos++;
      v = a;
    } else v = scalar(c);
    // `v` is complete: it joins the innermost open container; close every container that ends here
    for (;;) {
      if (top === undefined) return v;
      if (inArray) (top as ExactJson[]).push(v);
      else set(top as Record<string, ExactJson>, name, v);
      ws();
      const d = src.charCodeAt(pos);
      if (d === 0x2c) {
        pos++;
        if (!inArray) name = memberName();
        break;
      }
      if (d !== (inArray ? 0x5d : 0x7d)) fail(inArray ? "expected ',' or ']'" : "expected ',' or '}'");
      pos++;
      v = top;
      top = outer.pop();
      name = outerNames.pop() ?? '';
      inArray = Array.isArray(top);
    }
  }
}

/** A member name and its colon (after `{` or `,`). */
function memberName(): string {
  ws();
  if (src.charCodeAt(pos) !== QUOTE) fail('expected a member name');
  const key = string();
  ws();
  if (src.charCodeAt(pos) !== 0x3a) fail("expected ':'");
  pos++;
  return key;
}

/** A string, `true`, `false`, `null` or a number, starting with the character `c`. */
function scalar(c: number): ExactJson {
  if (c === QUOTE) return string();
  if (c === 0x74 && src.startsWith('true', pos)) {
    pos += 4;
    return true;
  }
  if (c === 0x66 && src.startsWith('false', pos)) {
    pos += 5;
    return false;
  }
  if (c === 0x6e && src.startsWith('null', pos)) {
    pos += 4;
    return null;
  }
  if (pos >= src.length) fail('unexpected end');
  return number();
}
