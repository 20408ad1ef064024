/** key=value parsing (cli/key-value.ts) and line splitting (cli/words.ts): tables of { given, want }. */
import { describe, expect, it } from 'vitest';
import { KeyValueError, parseKeyValues } from '../../cli/key-value.js';
import type { JsonType, TypesAt } from '../../cli/key-value.js';
import { splitWords, WordsError } from '../../cli/words.js';

/** A schema stand-in: dotted path → allowed types (unlisted: anything). */
function schema(table: Record<string, JsonType[]>): TypesAt {
  return (path) => {
    const key = path.join('.');
    return Object.hasOwn(table, key) ? new Set(table[key]) : undefined;
  };
}

const typed = schema({
  '': ['object'],
  id: ['string'],
  size: ['integer'],
  ratio: ['number'],
  direct: ['boolean'],
  name: ['string'],
  either: ['string', 'integer'],
  keys: ['array'],
  'keys.0': ['string'],
  'keys.1': ['string'],
  cache: ['object'],
  'cache.direct': ['boolean'],
  'cache.no-flush': ['boolean'],
  flag: ['string', 'boolean'],
});

describe('key=value → arguments', () => {
  const ok: Array<[string, string[], TypesAt | undefined, unknown]> = [
    ['dotted paths nest', ['cache.direct=true', 'cache.no-flush=false'], typed, { cache: { direct: true, 'no-flush': false } }],
    ['deep paths without a schema', ['a.b.c=x'], undefined, { a: { b: { c: 'x' } } }],
    ['numeric segments make a list', ['keys.0=a', 'keys.1=b'], typed, { keys: ['a', 'b'] }],
    ['list indices in any order', ['l.1=y', 'l.0=x'], undefined, { l: ['x', 'y'] }],
    ['lists of objects', ['l.0.d=1', 'l.1.d=2'], undefined, { l: [{ d: 1 }, { d: 2 }] }],
    ['a JSON list', ['keys=["a","b"]'], typed, { keys: ['a', 'b'] }],
    ['a JSON object', ['o={"x": [1, true]}'], undefined, { o: { x: [1, true] } }],
    ['"4" is a number for an int member', ['size=4'], typed, { size: 4 }],
    ['"4" is a string for a str member', ['id=4'], typed, { id: '4' }],
    ['a number member takes decimals', ['ratio=0.5'], typed, { ratio: 0.5 }],
    ['without a schema numbers are numbers', ['n=-12', 'f=1.5e3'], undefined, { n: -12, f: 1500 }],
    ['an alternate of str and int takes a number', ['either=7'], typed, { either: 7 }],
    ['an alternate of str and int takes a word', ['either=abc'], typed, { either: 'abc' }],
    ['true/false are booleans', ['direct=true', 'x=false'], typed, { direct: true, x: false }],
    ['on/off are booleans where only a boolean fits', ['direct=off'], typed, { direct: false }],
    ['on stays a string where a string fits too', ['flag=on'], typed, { flag: 'on' }],
    ['true is a string for a str member', ['name=true'], typed, { name: 'true' }],
    ['null without a schema', ['v=null'], undefined, { v: null }],
    ['double quotes make a string (JSON escapes)', ['v="4"', 'w="a \\"b\\""'], undefined, { v: '4', w: 'a "b"' }],
    ['single quotes make a literal string', ["v='true'"], undefined, { v: 'true' }],
    ['quoted spaces', ['name="a b"'], typed, { name: 'a b' }],
    ['an empty value is an empty string', ['name='], typed, { name: '' }],
    ['= inside the value', ['name=a=b'], typed, { name: 'a=b' }],
    ['a string member keeps brackets', ['id=[x]'], typed, { id: '[x]' }],
    ['__proto__ is a plain member', ['__proto__.x=1'], undefined, JSON.parse('{"__proto__": {"x": 1}}')],
  ];
  it('integers beyond 2^53 are exact bigints (typed, untyped, inside JSON)', () => {
    expect(parseKeyValues(['size=18446744073709551615', 'either=-9223372036854775808'], typed)).toEqual({ size: 2n ** 64n - 1n, either: -(2n ** 63n) });
    expect(parseKeyValues(['v=9007199254740993', 'w=5', 'o={"k":[18446744073709551615]}'])).toEqual({ v: 9007199254740993n, w: 5, o: { k: [2n ** 64n - 1n] } });
  });

  it.each(ok)('%s', (_name, words, types, want) => {
    expect(parseKeyValues(words, types)).toEqual(want);
  });

  const bad: Array<[string, string[], TypesAt | undefined, RegExp, 'syntax' | 'type']> = [
    ['no =', ['size'], undefined, /size: expected key=value/, 'syntax'],
    ['empty key', ['=1'], undefined, /the key is empty/, 'syntax'],
    ['empty segment', ['a..b=1'], undefined, /empty segment in the path "a..b"/, 'syntax'],
    ['given twice', ['a=1', 'a=2'], undefined, /"a" is given twice/, 'syntax'],
    ['value then members', ['a=1', 'a.b=2'], undefined, /"a" is already given a value \(a=1\)/, 'syntax'],
    ['a gap in a list', ['l.0=a', 'l.2=c'], undefined, /l: list indices must run 0, 1, 2 … without gaps; index 1 is missing/, 'syntax'],
    ['bad JSON', ['o={x'], undefined, /o: \{x is not valid JSON/, 'syntax'],
    ['a word for an int member', ['size=abc'], typed, /size: expected integer, got abc/, 'type'],
    ['a decimal for an int member', ['size=1.5'], typed, /size: expected an integer, got 1\.5/, 'type'],
    ['beyond 2^53 and not a plain integer', ['size=1e300'], typed, /beyond 2\^53/, 'type'],
    ['a quoted string for a boolean', ['direct="true"'], typed, /direct: expected boolean, got the string "true"/, 'type'],
    ['maybe for a boolean', ['cache.direct=maybe'], typed, /cache\.direct: expected boolean, got maybe/, 'type'],
    ['members under a scalar', ['size.x=1'], typed, /size: expected integer, not members \(size\.x\)/, 'type'],
    ['a badly quoted string', ['v="a'], undefined, /is not a well-formed "…" string/, 'syntax'],
  ];
  it.each(bad)('%s → KeyValueError', (_name, words, types, message, kind) => {
    let caught: unknown;
    try {
      parseKeyValues(words, types);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(KeyValueError);
    expect((caught as KeyValueError).message).toMatch(message);
    expect((caught as KeyValueError).kind).toBe(kind);
  });
});

describe('a shell line → words', () => {
  const table: Array<[string, string[]]> = [
    ['blockdev-add driver=file node-name=f0', ['blockdev-add', 'driver=file', 'node-name=f0']],
    ['  x   y  ', ['x', 'y']],
    ['cmd name="a b" other=\'c d\'', ['cmd', 'name="a b"', "other='c d'"]],
    ['cmd v="say \\"hi there\\""', ['cmd', 'v="say \\"hi there\\""']],
    ['cmd keys=["a", "b"] o={"k": [1, 2]}', ['cmd', 'keys=["a", "b"]', 'o={"k": [1, 2]}']],
  ];
  it.each(table)('%s', (line, words) => {
    expect(splitWords(line).words).toEqual(words);
  });

  it('an unterminated quote or bracket is an error, or the last word when completing', () => {
    expect(() => splitWords('cmd name="a b')).toThrow(WordsError);
    expect(() => splitWords('cmd keys=[1, 2')).toThrow(/unclosed '\[' \(column 10\)/);
    expect(splitWords('cmd name="a b', true)).toEqual({ words: ['cmd', 'name="a b'], endsInSpace: false });
    expect(splitWords('cmd ', true)).toEqual({ words: ['cmd'], endsInSpace: true });
  });
});
