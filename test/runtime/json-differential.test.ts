/**
 * The exact JSON parser (runtime/json-parse.ts) against `JSON.parse`, differentially: random JSON
 * texts (numbers of every shape, digit runs in strings and keys, escapes, `__proto__` and duplicate
 * keys, nesting) give the same value on both of its paths as `JSON.parse`, except that integers
 * beyond ±(2^53 − 1) are exact bigints; random mutations of them and a list of invalid texts throw
 * `SyntaxError` exactly where `JSON.parse` does, on the fast path and on the exact path (forced by a
 * 16-digit run); the same texts through the framer in random chunks. Then `stringifyJson` and the
 * `x-int` validators at their edges. Seeded: a failure names its seed and text.
 */
import { describe, expect, it } from 'vitest';
import { hasLongDigitRun, parseJson, parseJsonExact } from '../../runtime/json-parse.js';
import { stringifyJson } from '../../runtime/json-stringify.js';
import { JsonFramer } from '../../runtime/core/json-framer.js';
import { QmpProtocolError } from '../../runtime/errors.js';
import { validateArguments } from '../../generated/qemu-10.0-x86_64/validators.js';
import { prng } from '../../testing/faults.js';

/** A small seeded generator (mulberry32), so that a failing text can be made again. */
const random = prng;

type Rand = () => number;
const int = (r: Rand, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)]!;
const digitsOf = (r: Rand, n: number, lead = true): string => {
  let s = lead ? String(1 + int(r, 9)) : String(int(r, 10));
  while (s.length < n) s += String(int(r, 10));
  return s.slice(0, n);
};

const EDGE_NUMBERS = [
  '0', '-0', '1', '-1', '0.1', '-0.0', '1E+2', '1e-2', '1e400', '-1e400', '1e-400', '0e0', '-0E-0',
  '9007199254740991', '-9007199254740991', '9007199254740992', '-9007199254740992', '9007199254740993',
  '9223372036854775807', '-9223372036854775808', '9223372036854775808', '18446744073709551615',
  '18446744073709551616', '-18446744073709551617', '100000000000000000000', '123456789012345678901234567890',
  '12345678901234567.5', '0.12345678901234567890', '1234567890123456e0', '9007199254740993.0',
];

/** A number literal of a random shape (integer of 1–30 digits, fraction, exponent, sign). */
function numberText(r: Rand): string {
  if (r() < 0.3) return pick(r, EDGE_NUMBERS);
  let s = r() < 0.4 ? '-' : '';
  s += r() < 0.1 ? '0' : digitsOf(r, 1 + int(r, 30));
  if (r() < 0.25) s += `.${digitsOf(r, 1 + int(r, 22), false)}`;
  if (r() < 0.15) s += `${pick(r, ['e', 'E'])}${pick(r, ['', '+', '-'])}${digitsOf(r, 1 + int(r, 3), false)}`;
  return s;
}

const STRING_PIECES = [
  'a', 'Z', ' ', 'status', '\u00e9', '\u{1F600}', '\u2028', '\u2029', '\\n', '\\"', '\\\\', '\\/', '\\b', '\\f', '\\r', '\\t',
  '\\u0000', '\\u001f', '\\u00e9', '\\ud83d\\ude00', '\\uD800', '\\udfff', '\\uDBFF\\uDC00', '\\u2028', '1234567890123456',
  '18446744073709551615', '-9223372036854775808', '0.5e5', '__proto__', '{', '}', '[', ']', ',', ':',
];

/** A string literal (its JSON text, quotes included). */
function stringText(r: Rand): string {
  let s = '"';
  for (let i = int(r, 6); i > 0; i--) s += pick(r, STRING_PIECES);
  return `${s}"`;
}

const KEYS = ['"__proto__"', '"constructor"', '"toString"', '"a"', '"a"', '"12345678901234567"', '"id"', '"return"', '""', '"\\u0061"', '"__proto__"'];
const ws = (r: Rand): string => (r() < 0.6 ? '' : pick(r, [' ', '\t', '\n', '\r', '\r\n', '  ']));

/** A random JSON text. */
function jsonText(r: Rand, depth: number): string {
  const k = depth <= 0 ? int(r, 4) : int(r, 7);
  switch (k) {
    case 0:
    case 1:
      return numberText(r);
    case 2:
      return stringText(r);
    case 3:
      return pick(r, ['true', 'false', 'null']);
    case 4:
    case 5: {
      const n = int(r, 5);
      const items = Array.from({ length: n }, () => `${ws(r)}${jsonText(r, depth - 1)}${ws(r)}`);
      return `[${items.join(',')}${n === 0 ? ws(r) : ''}]`;
    }
    default: {
      const n = int(r, 5);
      const members = Array.from({ length: n }, () => `${ws(r)}${r() < 0.5 ? pick(r, KEYS) : stringText(r)}${ws(r)}:${ws(r)}${jsonText(r, depth - 1)}${ws(r)}`);
      return `{${members.join(',')}${n === 0 ? ws(r) : ''}}`;
    }
  }
}

/** `v` with every bigint as the number `JSON.parse` reads for it. */
function asNumbers(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(asNumbers);
  if (typeof v !== 'object' || v === null) return v;
  const o = Object.create(Object.getPrototypeOf(v) as object | null) as Record<string, unknown>;
  for (const key of Object.keys(v)) Object.defineProperty(o, key, { value: asNumbers((v as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  return o;
}

/**
 * Where `a` and `b` differ, strictly: `Object.is` for numbers (−0), same prototype, same own keys in
 * the same order (an own `__proto__` included), every bigint beyond ±(2^53 − 1). `undefined` when equal.
 */
function difference(a: unknown, b: unknown, at = '$', nullProto = false): string | undefined {
  if (typeof a !== typeof b) return `${at}: ${typeof a} vs ${typeof b}`;
  if (typeof a === 'bigint') {
    if (Number.isSafeInteger(Number(a))) return `${at}: bigint ${a} within the safe range`;
    return a === b ? undefined : `${at}: ${a} vs ${String(b)}`;
  }
  if (typeof a !== 'object' || a === null || b === null) return Object.is(a, b) ? undefined : `${at}: ${String(a)} vs ${String(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${at}: array vs not`;
  const ob = b as object;
  if (!Array.isArray(a)) {
    const want = nullProto ? null : Object.prototype;
    if (Object.getPrototypeOf(a) !== want) return `${at}: prototype of the parsed object`;
  }
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(ob);
  if (ka.join('\u0001') !== kb.join('\u0001')) return `${at}: keys ${JSON.stringify(ka.map(String))} vs ${JSON.stringify(kb.map(String))}`;
  for (const key of ka) {
    if (Array.isArray(a) && key === 'length') continue;
    const d = difference((a as Record<PropertyKey, unknown>)[key], (ob as Record<PropertyKey, unknown>)[key], `${at}.${String(key)}`, nullProto);
    if (d !== undefined) return d;
  }
  return undefined;
}

function hasInfinity(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  return typeof v === 'object' && v !== null && Object.values(v).some(hasInfinity);
}

/** `v` with −0 as 0 (JSON.stringify writes −0 as `0`). */
function withoutMinusZero(v: unknown): unknown {
  if (Object.is(v, -0)) return 0;
  if (Array.isArray(v)) return v.map(withoutMinusZero);
  if (typeof v !== 'object' || v === null) return v;
  const o = {} as Record<string, unknown>;
  for (const key of Object.keys(v)) Object.defineProperty(o, key, { value: withoutMinusZero((v as Record<string, unknown>)[key]), enumerable: true, writable: true, configurable: true });
  return o;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
function attempt(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Checks one text: both paths agree with `JSON.parse` (bigints aside), or all throw SyntaxError. Returns a failure or undefined. */
function check(text: string): string | undefined {
  const native = attempt(() => JSON.parse(text) as unknown);
  const auto = attempt(() => parseJson(text));
  const exact = attempt(() => parseJsonExact(text));
  const bare = attempt(() => parseJsonExact(text, true));
  if (!native.ok) {
    for (const [name, o] of [['parseJson', auto], ['parseJsonExact', exact], ['parseJsonExact null-proto', bare]] as const) {
      if (o.ok) return `${name} accepted what JSON.parse rejects`;
      if (!(o.error instanceof SyntaxError)) return `${name} threw ${String(o.error)}, not a SyntaxError`;
    }
    return undefined;
  }
  for (const o of [auto, exact, bare]) if (!o.ok) return `rejected what JSON.parse accepts: ${String(o.error)}`;
  if (!auto.ok || !exact.ok || !bare.ok) return 'unreachable';
  // the exact value, read back as numbers, is JSON.parse's; both entry points give the same value
  return (
    difference(asNumbers(exact.value), native.value) ??
    difference(exact.value, auto.value) ??
    difference(asNumbers(bare.value), asNumbers(native.value), '$', true) ??
    difference(exact.value, exact.value) ?? // bigints only beyond the safe range
    (hasLongDigitRun(text) ? undefined : difference(auto.value, native.value))
  );
}

const MUTATIONS = ['{', '}', '[', ']', ',', ':', '"', '\\', '-', '+', '.', 'e', 'E', '0', '1', '9', ' ', 't', 'n', 'u', 'x', '\u0000', '\n', '\ud800'];

function mutate(r: Rand, text: string): string {
  const at = int(r, text.length + 1);
  switch (int(r, 3)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + pick(r, MUTATIONS) + text.slice(at);
    default:
      return text.slice(0, at) + pick(r, MUTATIONS) + text.slice(at + 1);
  }
}

const SEEDS = 8;
const PER_SEED = 400;

describe('parseJson against JSON.parse (random texts)', () => {
  it('valid texts: the same value on both paths as JSON.parse, integers beyond ±(2^53 − 1) as exact bigints', () => {
    let exactPath = 0;
    let bigints = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = random(seed);
      for (let i = 0; i < PER_SEED; i++) {
        const text = `${ws(r)}${jsonText(r, 1 + int(r, 5))}${ws(r)}`;
        expect(check(text), `seed ${seed} #${i}: ${text}`).toBeUndefined();
        if (hasLongDigitRun(text)) exactPath++;
        if (/(?:^|[^0-9.eE+-])-?[1-9][0-9]{15,}(?![0-9.eE])/.test(text)) bigints++;
      }
    }
    // the generator reaches both paths and real bigints often enough to mean something
    expect(exactPath).toBeGreaterThan(SEEDS * PER_SEED * 0.3);
    expect(bigints).toBeGreaterThan(SEEDS * PER_SEED * 0.1);
  });

  it('integer literals beyond ±(2^53 − 1) are exactly BigInt(literal), wherever they stand', () => {
    for (let seed = 100; seed < 100 + SEEDS; seed++) {
      const r = random(seed);
      for (let i = 0; i < PER_SEED; i++) {
        const lit = `${r() < 0.5 ? '-' : ''}${digitsOf(r, 16 + int(r, 15))}`;
        const want = Number.isSafeInteger(Number(lit)) ? Number(lit) : BigInt(lit);
        const v = parseJson(`{"k${lit}":[${lit}],"s":"${lit}"}`) as { s: string } & Record<string, unknown[]>;
        expect(v[`k${lit}`], lit).toEqual([want]);
        expect(v.s).toBe(lit);
      }
    }
  });

  it('mutated texts: accepted or rejected (SyntaxError) exactly as JSON.parse does, on both paths', () => {
    let rejected = 0;
    for (let seed = 200; seed < 200 + SEEDS; seed++) {
      const r = random(seed);
      for (let i = 0; i < PER_SEED; i++) {
        let text = jsonText(r, 1 + int(r, 4));
        if (r() < 0.5) text = `[${text},${digitsOf(r, 16 + int(r, 4))}]`; // force the exact path
        for (let m = 1 + int(r, 3); m > 0; m--) text = mutate(r, text);
        expect(check(text), `seed ${seed} #${i}: ${JSON.stringify(text)}`).toBeUndefined();
        if (attempt(() => JSON.parse(text)).ok === false) rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(SEEDS * PER_SEED * 0.3);
  });

  it('invalid numbers, literals, commas and escapes throw SyntaxError on both paths, in every position', () => {
    const bad = ['01', '-', '1.', '.5', '+1', '0x10', '1e', '1e+', '-01', '00', '1.e5', '--1', '1..2', 'NaN', 'Infinity', '-Infinity', 'tru', 'nul', 'True', '"\\u12"', '"\\x41"', '"\\ud80"', "'a'", '"a', '"\t"', '\u00a01'];
    const contexts = [
      (t: string) => t,
      (t: string) => `[${t}]`,
      (t: string) => `{"a":${t}}`,
      (t: string) => `[1234567890123456,${t}]`,
      (t: string) => `{"n":12345678901234567890,"a":${t}}`,
      (t: string) => `[${t},1234567890123456]`,
    ];
    const structural = ['[1,]', '{"a":1,}', '[,1]', '{,}', '[1 2]', '{"a" 1}', '{"a":}', '{a:1}', '[1]]', '{"a":1}}', '[', '{', ''];
    for (const t of [...bad.flatMap((b) => contexts.map((c) => c(b))), ...structural, ...structural.map((s) => `[12345678901234567,${s}]`)]) {
      expect(() => JSON.parse(t), t).toThrow(SyntaxError);
      expect(() => parseJson(t), t).toThrow(SyntaxError);
      expect(() => parseJsonExact(t), t).toThrow(SyntaxError);
    }
  });

  it('lone surrogates in escapes are what JSON.parse makes of them (accepted, one UTF-16 unit) on both paths', () => {
    for (const s of ['"\\ud800"', '"\\udc00x"', '"a\\uDBFFb"']) {
      const forced = `[${s},1234567890123456]`;
      expect(parseJson(s)).toBe(JSON.parse(s));
      expect(parseJsonExact(s)).toBe(JSON.parse(s));
      expect(parseJson(forced)).toEqual(JSON.parse(forced));
    }
  });

  it('nesting far beyond the framer limit (callers without it: recordings, CLI arguments, schema files) reads as JSON.parse reads it', () => {
    for (const d of [20_000, 100_000]) {
      const text = `${'['.repeat(d)}{"a":[12345678901234567]}${']'.repeat(d)}`;
      let v = parseJson(text);
      for (let i = 0; i < d; i++) v = (v as unknown[])[0];
      expect(v, `depth ${d}`).toEqual({ a: [12345678901234567n] });
      expect(() => parseJson(`${'['.repeat(d)}12345678901234567${']'.repeat(d - 1)}`)).toThrow(SyntaxError);
    }
  });

  it('nesting up to the framer depth limit (1024) parses on the exact path', () => {
    const d = 1024;
    const text = `${'['.repeat(d - 1)}{"a":12345678901234567}${']'.repeat(d - 1)}`;
    let v = parseJson(text);
    for (let i = 1; i < d; i++) v = (v as unknown[])[0];
    expect(v).toEqual({ a: 12345678901234567n });
  });
});

describe('the framer with random chunking', () => {
  it('random messages, concatenated with random separators and cut into random chunks (UTF-8 split included), arrive as parseJson reads each', () => {
    for (let seed = 300; seed < 300 + SEEDS; seed++) {
      const r = random(seed);
      const texts = Array.from({ length: 60 }, (_, i) => `{"return":${jsonText(r, 1 + int(r, 4))},"id":${r() < 0.3 ? digitsOf(r, 19) : i}}`);
      const want = texts.map((t) => parseJson(t));
      const stream = Buffer.from(texts.map((t) => t + pick(r, ['', '\r\n', '\n', ' ', '\t'])).join(''));
      const framer = new JsonFramer();
      const got: unknown[] = [];
      for (let at = 0; at < stream.length; ) {
        const n = 1 + int(r, r() < 0.5 ? 8 : 200);
        framer.push(stream.subarray(at, at + n), (m) => got.push(m));
        at += n;
      }
      framer.end();
      expect(got.length, `seed ${seed}`).toBe(texts.length);
      for (let i = 0; i < texts.length; i++) expect(difference(got[i], want[i]), `seed ${seed} message ${i}: ${texts[i]}`).toBeUndefined();
    }
  });
});

describe('the framer with invalid messages', () => {
  it('an invalid number or escape, on either parse path, is a QmpProtocolError (invalid-json) after the messages before it', () => {
    for (const bad of ['01', '1.', '-', '.5', '+1', '1e', '"\\x"', '[1,]']) {
      for (const id of ['1', '12345678901234567']) {
        const framer = new JsonFramer();
        const got: unknown[] = [];
        const bytes = Buffer.from(`{"return":{},"id":${id}}\r\n{"return":${bad},"id":${id}}\r\n`);
        let error: unknown;
        try {
          for (let at = 0; at < bytes.length; at += 3) framer.push(bytes.subarray(at, at + 3), (m) => got.push(m));
        } catch (e) {
          error = e;
        }
        expect(error, `${bad} id ${id}`).toBeInstanceOf(QmpProtocolError);
        expect((error as QmpProtocolError).violation).toBe('invalid-json');
        expect(got).toEqual([{ return: {}, id: id.length > 15 ? BigInt(id) : Number(id) }]);
      }
    }
  });
});

describe('stringifyJson', () => {
  it('bigints nested in arrays and objects, top-level and inside toJSON results, are written digit for digit', () => {
    const big = 2n ** 64n - 1n;
    const value = { a: [[big, [-(2n ** 63n)]], { b: { c: [1n, 0n, -1n] } }], d: { toJSON: () => big }, e: [{ toJSON: () => [big, 'x'] }] };
    expect(stringifyJson(value)).toBe('{"a":[[18446744073709551615,[-9223372036854775808]],{"b":{"c":[1,0,-1]}}],"d":18446744073709551615,"e":[[18446744073709551615,"x"]]}');
    expect(stringifyJson(big)).toBe('18446744073709551615');
    expect(stringifyJson([big])).toBe('[18446744073709551615]');
    expect(stringifyJson({ toJSON: () => -5n })).toBe('-5');
  });

  it('strings that look like the marker or like digits stay strings, byte for byte as JSON.stringify writes them', () => {
    const tricky = ['\u0000qmp-bigint-00000000000000000000000000000000:123', '\u0000qmp-bigint-', 'qmp-bigint-1', '123"', '\\u0000qmp-bigint-x:1', '"\u0000"'];
    for (const s of tricky) {
      const v = { s, n: 1n, a: [s, 2n, s] };
      expect(stringifyJson(v), s).toBe(JSON.stringify({ s, n: 1, a: [s, 2, s] }));
      expect(stringifyJson(s)).toBe(JSON.stringify(s));
    }
  });

  it('Map, Set, Date, undefined, functions and symbols come out as JSON.stringify writes them', () => {
    const when = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const v = { m: new Map([['a', 1n]]), s: new Set([1n]), d: when, u: undefined, f: () => 1, y: Symbol('x'), arr: [undefined, () => 1, Symbol('y'), 3n] };
    expect(stringifyJson(v)).toBe('{"m":{},"s":{},"d":"2026-01-02T03:04:05.000Z","arr":[null,null,null,3]}');
    expect(stringifyJson(undefined)).toBeUndefined();
    expect(stringifyJson(() => 1)).toBeUndefined();
  });

  it('a BigInt.prototype.toJSON installed by the application does not turn a bigint argument into a string', () => {
    const proto = BigInt.prototype as unknown as { toJSON?: () => unknown };
    proto.toJSON = function toJSON(this: bigint) {
      return this.toString();
    };
    try {
      class Args {
        size = 2n ** 60n + 1n;
        list = [2n ** 63n];
      }
      expect(stringifyJson(new Args())).toBe('{"size":1152921504606846977,"list":[9223372036854775808]}');
      expect(stringifyJson({ n: 1n, s: '1' })).toBe('{"n":1,"s":"1"}');
    } finally {
      delete proto.toJSON;
    }
  });

  it('round-trips random values exactly through parseJson', () => {
    for (let seed = 400; seed < 400 + SEEDS; seed++) {
      const r = random(seed);
      for (let i = 0; i < PER_SEED; i++) {
        const v = parseJson(jsonText(r, 1 + int(r, 4)));
        if (hasInfinity(v)) continue; // 1e400 reads as Infinity, which JSON writes as null
        // the same numbers; an integer-valued number beyond 2^53 (e.g. 1234567890123.5e6) is written as
        // an integer literal by JSON.stringify, so it reads back as its exact bigint: the text is stable
        const text = stringifyJson(v) as string;
        const back = parseJson(text);
        expect(difference(asNumbers(back), asNumbers(withoutMinusZero(v))), `seed ${seed} #${i}`).toBeUndefined();
        expect(stringifyJson(back), `seed ${seed} #${i}`).toBe(text);
      }
    }
  });
});

describe('x-int validators at their exact bounds', () => {
  const cases: { what: string; args: (v: unknown) => Record<string, unknown>; path: string; min: bigint; max: bigint }[] = [
    { what: 'int64 (block_resize size)', args: (v) => ({ 'node-name': 'n', size: v }), path: '/size', min: -(2n ** 63n), max: 2n ** 63n - 1n },
    { what: 'uint64 (migrate-set-parameters max-bandwidth)', args: (v) => ({ 'max-bandwidth': v }), path: '/max-bandwidth', min: 0n, max: 2n ** 64n - 1n },
    { what: 'uint32 (xen-event-inject port)', args: (v) => ({ port: v }), path: '/port', min: 0n, max: 2n ** 32n - 1n },
    { what: 'uint8 (query-rocker-of-dpa-groups type)', args: (v) => ({ name: 'r', type: v }), path: '/type', min: 0n, max: 255n },
  ];
  const command: Record<string, string> = { int64: 'block_resize', uint64: 'migrate-set-parameters', uint32: 'xen-event-inject', uint8: 'query-rocker-of-dpa-groups' };

  for (const c of cases) {
    it(`${c.what}: bigint and number at min, max and one beyond; -0, NaN, ±Infinity, fractions, strings`, () => {
      const name = command[c.what.split(' ')[0]!]!;
      const run = (v: unknown) => validateArguments(name as never, c.args(v) as never);
      const accepts = (v: unknown) => expect(run(v).ok, `${name} ${typeof v} ${String(v)}`).toBe(true);
      const rejects = (v: unknown) => {
        const res = run(v);
        expect(res.ok, `${name} ${typeof v} ${String(v)}`).toBe(false);
        if (!res.ok) expect(res.errors.map((e) => e.path), String(v)).toContain(`/arguments${c.path}`);
      };
      accepts(c.min);
      accepts(c.max);
      rejects(c.min - 1n);
      rejects(c.max + 1n);
      // numbers: exactly representable bounds are accepted; a number is checked by its exact value
      const exactMin = BigInt(Number(c.min)) === c.min;
      const exactMax = BigInt(Number(c.max)) === c.max;
      if (exactMin) accepts(Number(c.min));
      if (exactMax) accepts(Number(c.max));
      else rejects(Number(c.max)); // 2^63 − 1 and 2^64 − 1 round up to 2^63 and 2^64 as doubles
      if (BigInt(Number(c.min - 1n)) === c.min - 1n) rejects(Number(c.min - 1n));
      if (BigInt(Number(c.max + 1n)) === c.max + 1n) rejects(Number(c.max + 1n));
      if (!exactMin) rejects(Number(c.min) - 2 ** 11);
      accepts(-0);
      accepts(0n);
      for (const v of [NaN, Infinity, -Infinity, 0.5, -0.5, 1.5, '1', '0', null, true, [1]]) rejects(v);
    });
  }
});
