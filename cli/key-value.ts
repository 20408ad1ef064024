/**
 * `key=value` arguments → a JSON object, the way a person types QMP arguments:
 * - dotted paths build nested objects: `cache.direct=true` → `{cache: {direct: true}}`;
 * - numeric segments build lists: `keys.0.data=a keys.1.data=b` → `{keys: [{data: 'a'}, {data: 'b'}]}`
 *   (indices must run 0, 1, 2 … without gaps); a JSON value also works: `keys=["a","b"]`;
 * - quoted values are always strings: `id="4"` (JSON string rules) or `id='4'` (literal);
 * - a bare value takes its type from the schema when it can ({@link TypesAt}): `"4"` is the
 *   number 4 for an `int` member and the string "4" for a `str` member; `true`/`false` (and
 *   `on`/`off`/`yes`/`no`) are booleans only where a boolean is allowed; without a schema a bare
 *   value is a boolean, `null`, a number or a string, in that order;
 * - `[`…`]` / `{`…`}` values are JSON.
 * Every problem is a {@link KeyValueError} naming the word and the path. Pure: no I/O.
 */
import { parseJson } from '../runtime/json-parse.js';

/** JSON types a schema allows at a place. */
export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'array' | 'object';

/** A value as typed (before typing by the schema): its text and whether it was quoted. */
export interface RawValue {
  readonly raw: true;
  readonly text: string;
  readonly quoted: boolean;
  /** The word it came from, for messages. */
  readonly word: string;
}

/** The typed words before conversion: nested objects of {@link RawValue}s. */
export interface RawTree {
  [key: string]: RawTree | RawValue;
}

/**
 * The schema's answer for a path (segments, list indices as decimal strings): the JSON types allowed
 * there, or `undefined` when anything goes (no schema, `any`, an unknown member). `given` is the
 * whole {@link RawTree}, so that a union can be narrowed by the tag values already typed.
 */
export type TypesAt = (path: readonly string[], given: RawTree) => ReadonlySet<JsonType> | undefined;

/**
 * A word that could not be read; `path` is the dotted key when known. `kind` is `syntax` for a
 * malformed word or a clash, `type` when the value does not fit the type the schema gives the member.
 */
export class KeyValueError extends Error {
  override readonly name = 'KeyValueError';
  constructor(
    message: string,
    readonly word: string,
    readonly path?: string,
    readonly kind: 'syntax' | 'type' = 'syntax',
  ) {
    super(message);
  }
}

export function isRawValue(v: unknown): v is RawValue {
  return typeof v === 'object' && v !== null && (v as RawValue).raw === true && Object.getPrototypeOf(v) === null;
}

function rawValue(text: string, quoted: boolean, word: string): RawValue {
  return Object.assign(Object.create(null) as object, { raw: true as const, text, quoted, word });
}

/** Reads a quoted value: `"…"` by JSON string rules, `'…'` literally; `undefined` when not quoted. */
function unquote(text: string, word: string): string | undefined {
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1);
  if (text.startsWith('"')) {
    try {
      const v: unknown = JSON.parse(text);
      if (typeof v === 'string') return v;
    } catch {
      // fall through
    }
    throw new KeyValueError(`${word}: ${text} is not a well-formed "…" string`, word);
  }
  return undefined;
}

/**
 * Most segments a dotted key may have. QEMU reads JSON nested at most 1024 deep
 * (`qobject/json-streamer.c`); a key of N segments puts its value N + 1 deep in the command
 * (`{"execute": …, "arguments": {a: {b: …}}}`): measured on QEMU 10.0, 1023 segments are read and
 * 1024 are refused. Checked before anything is built, so a longer key is a usage error, never a
 * stack overflow.
 */
export const maxPathSegments = 1023;

/** Splits `key=value` words into a {@link RawTree}; throws {@link KeyValueError} on a malformed word or a clash. */
export function rawTree(words: readonly string[]): RawTree {
  const root: RawTree = Object.create(null) as RawTree;
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new KeyValueError(eq === 0 ? `${word}: the key is empty` : `${word}: expected key=value`, word);
    const key = word.slice(0, eq);
    const text = word.slice(eq + 1);
    const segs = key.split('.', maxPathSegments + 1);
    if (segs.length > maxPathSegments) {
      throw new KeyValueError(`${word.slice(0, 60)}…: the path has more than ${maxPathSegments} segments (QEMU reads JSON nested at most 1024 deep)`, word, key.slice(0, 60));
    }
    if (segs.some((s) => s === '')) throw new KeyValueError(`${word}: empty segment in the path "${key}"`, word, key);
    let node = root;
    for (let i = 0; i < segs.length - 1; i++) {
      const s = segs[i]!;
      const next = node[s];
      if (next === undefined) node = node[s] = Object.create(null) as RawTree;
      else if (isRawValue(next)) throw new KeyValueError(`${word}: "${segs.slice(0, i + 1).join('.')}" is already given a value (${next.word})`, word, key);
      else node = next;
    }
    const last = segs[segs.length - 1]!;
    if (node[last] !== undefined) throw new KeyValueError(`${word}: "${key}" is given twice`, word, key);
    const s = unquote(text, word);
    node[last] = rawValue(s ?? text, s !== undefined, word);
  }
  return root;
}

const numberText = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const trueText = new Set(['true', 'on', 'yes']);
const falseText = new Set(['false', 'off', 'no']);

function describeTypes(t: ReadonlySet<JsonType>): string {
  return [...t].join(' or ');
}

function toNumber(v: RawValue, path: string, integer: boolean): number | bigint {
  const n = Number(v.text);
  if (integer && !Number.isInteger(n)) throw new KeyValueError(`${path}: expected an integer, got ${v.text}`, v.word, path, 'type');
  if (integer && !Number.isSafeInteger(n) && /^-?[0-9]+$/.test(v.text)) return BigInt(v.text); // exact: sent digit for digit
  if (integer && !Number.isSafeInteger(n)) {
    throw new KeyValueError(`${path}: ${v.text} is beyond 2^53 and cannot be sent exactly (give it as JSON through --args to accept rounding)`, v.word, path, 'type');
  }
  return n;
}

function scalar(v: RawValue, path: string, types: ReadonlySet<JsonType> | undefined): unknown {
  if (v.quoted) {
    if (types === undefined || types.has('string')) return v.text;
    throw new KeyValueError(`${path}: expected ${describeTypes(types)}, got the string ${JSON.stringify(v.text)}`, v.word, path, 'type');
  }
  const t = v.text;
  const structured = t.startsWith('[') || t.startsWith('{');
  if (structured && !(types !== undefined && types.size === 1 && types.has('string'))) {
    try {
      return parseJson(t); // lossless integers
    } catch (err) {
      throw new KeyValueError(`${path}: ${t} is not valid JSON (${(err as Error).message})`, v.word, path);
    }
  }
  if (types === undefined) {
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (numberText.test(t)) return parseJson(t); // an integer beyond 2^53 − 1 as an exact bigint
    return t;
  }
  if (numberText.test(t) && (types.has('number') || (types.has('integer') && Number.isInteger(Number(t))))) {
    return toNumber(v, path, !types.has('number'));
  }
  if (types.has('boolean') && (trueText.has(t) || falseText.has(t)) && !(types.has('string') && t !== 'true' && t !== 'false')) {
    return trueText.has(t);
  }
  if (types.has('null') && t === 'null') return null;
  if (types.has('string')) return t;
  if (types.has('integer') && numberText.test(t)) return toNumber(v, path, true);
  throw new KeyValueError(`${path}: expected ${describeTypes(types)}, got ${t}`, v.word, path, 'type');
}

function convert(node: RawTree | RawValue, path: string[], root: RawTree, typesAt: TypesAt | undefined): unknown {
  const dotted = path.join('.');
  const types = typesAt?.(path, root);
  if (isRawValue(node)) return scalar(node, dotted, types);
  const keys = Object.keys(node);
  const numeric = keys.length > 0 && keys.every((k) => /^(0|[1-9][0-9]*)$/.test(k));
  const asList = types !== undefined ? types.has('array') && (!types.has('object') || numeric) : numeric;
  if (types !== undefined && !types.has('object') && !types.has('array')) {
    const first = node[keys[0]!]!;
    const word = isRawValue(first) ? first.word : dotted;
    throw new KeyValueError(`${dotted}: expected ${describeTypes(types)}, not members (${dotted}.${keys[0]})`, word, dotted, 'type');
  }
  if (asList) {
    if (!numeric) throw new KeyValueError(`${dotted}: a list takes indices 0, 1, 2 …, not "${keys.find((k) => !/^\d+$/.test(k))}"`, dotted, dotted);
    const idx = keys.map(Number).sort((a, b) => a - b);
    idx.forEach((n, i) => {
      if (n !== i) throw new KeyValueError(`${dotted}: list indices must run 0, 1, 2 … without gaps; index ${i} is missing`, dotted, dotted);
    });
    return idx.map((i) => convert(node[String(i)]!, [...path, String(i)], root, typesAt));
  }
  const out: Record<string, unknown> = {};
  // defineProperty: a member named `__proto__` is data, never the prototype.
  for (const k of keys) Object.defineProperty(out, k, { value: convert(node[k]!, [...path, k], root, typesAt), enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * Reads `key=value` words into an arguments object, typing bare values with `typesAt` (the live
 * schema) when given. Throws {@link KeyValueError}.
 */
export function parseKeyValues(words: readonly string[], typesAt?: TypesAt): Record<string, unknown> {
  const root = rawTree(words);
  return convert(root, [], root, typesAt) as Record<string, unknown>;
}
