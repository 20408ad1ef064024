/**
 * Deterministic JSON for the schema files: 2-space indentation, final newline, keys in a fixed order.
 *
 * Objects built with {@link orderedMap} keep the key order given there (member order of `properties`,
 * code-point order of `definitions`); every other object has its keys ranked by {@link keyOrder}
 * (unknown keys after the known ones, in code-point order). Keys are written as they are, `__proto__`
 * included (build objects with {@link dict}, which has no prototype).
 */

const explicitOrder = new WeakMap<object, readonly string[]>();

/** Fixed rank of schema keywords, `x-qmp` members and `target.json` members. */
export const keyOrder: readonly string[] = [
  '$schema', '$id', '$ref', 'title', 'description', 'deprecated',
  'type', 'const', 'enum', 'minimum', 'maximum', 'items', 'properties', 'required', 'additionalProperties',
  'discriminator', 'propertyName', 'oneOf', 'anyOf', 'definitions',
  // x-qmp members
  'qapiName', 'variant', 'tagEnum', 'int', 'if', 'features', 'since', 'deprecation', 'allowOob', 'allowPreconfig', 'successResponse', 'noArguments', 'noData',
  'returnsDoc', 'errorsDoc', 'notes', 'examples', 'values', 'unreferenced',
  // target.json
  'target', 'protocol', 'qemu', 'major', 'minor', 'micro', 'package', 'arch', 'importer', 'version', 'from', 'qapiSource',
  'counts', 'commands', 'events', 'types', 'qapiNamed', 'pathNamed',
  'x-qmp',
];
const rank = new Map(keyOrder.map((k, i) => [k, i]));

/** An object without prototype, safe for any key (`__proto__`, `constructor`, …). */
export function dict<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Builds a prototype-less object whose keys the serializer writes in exactly the given order. */
export function orderedMap<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out = dict<T>();
  const keys: string[] = [];
  for (const [k, v] of entries) {
    if (!(k in out)) keys.push(k);
    out[k] = v;
  }
  explicitOrder.set(out, keys);
  return out;
}

/** Compares strings by Unicode code point (not UTF-16 unit). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

/** Builds an ordered map with keys sorted by code point. */
export function sortedMap<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  return orderedMap([...entries].sort((a, b) => compareCodePoints(a[0], b[0])));
}

function keysOf(obj: object): string[] {
  const given = explicitOrder.get(obj);
  if (given !== undefined) return given.filter((k) => Object.prototype.hasOwnProperty.call(obj, k));
  return Object.keys(obj).sort((a, b) => {
    const ra = rank.get(a) ?? Number.MAX_SAFE_INTEGER;
    const rb = rank.get(b) ?? Number.MAX_SAFE_INTEGER;
    return ra !== rb ? ra - rb : compareCodePoints(a, b);
  });
}

/** 2^64 as a double: written as the uint64 maximum it stands for. */
const two64 = 2 ** 64;

function number(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`cannot write ${n} as JSON`);
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) {
    if (n === two64) return '18446744073709551615';
    return BigInt(n).toString();
  }
  return JSON.stringify(n);
}

function write(value: unknown, indent: string, out: string[]): void {
  if (value === null || typeof value === 'boolean') {
    out.push(String(value));
  } else if (typeof value === 'number') {
    out.push(number(value));
  } else if (typeof value === 'bigint') {
    // exact integers beyond 2^53 (see lossless-json.ts): written digit for digit
    out.push(value.toString());
  } else if (typeof value === 'string') {
    out.push(JSON.stringify(value));
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    const inner = indent + '  ';
    out.push('[\n');
    value.forEach((v, i) => {
      out.push(inner);
      write(v, inner, out);
      out.push(i < value.length - 1 ? ',\n' : '\n');
    });
    out.push(indent, ']');
  } else if (typeof value === 'object') {
    const keys = keysOf(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (keys.length === 0) {
      out.push('{}');
      return;
    }
    const inner = indent + '  ';
    out.push('{\n');
    keys.forEach((k, i) => {
      out.push(inner, JSON.stringify(k), ': ');
      write((value as Record<string, unknown>)[k], inner, out);
      out.push(i < keys.length - 1 ? ',\n' : '\n');
    });
    out.push(indent, '}');
  } else {
    throw new TypeError(`cannot write a ${typeof value} as JSON`);
  }
}

/** Serializes a JSON value deterministically (see the module doc), with a final newline. */
export function stringifyStable(value: unknown): string {
  const out: string[] = [];
  write(value, '', out);
  out.push('\n');
  return out.join('');
}
