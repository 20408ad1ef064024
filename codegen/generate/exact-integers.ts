/**
 * Exact integers of a schema file, beside a plain view of it. The generator reads the schema JSON
 * losslessly (runtime/json-parse.ts: an integer beyond 2^53 − 1 is a `bigint`), then gives every
 * consumer the same plain JSON data as before (such a member holds the nearest `number`, so
 * `JSON.stringify`-based comparisons and emitters keep working) and keeps the exact value in a side
 * table, read by the validators' `x-int` keyword (codegen/generate/int-keyword.ts) through
 * {@link exactInteger}. Today only `minimum`/`maximum` of integer schemas hold such values
 * (±2^63, 2^64 − 1: schema/FORMAT.md "builtin int").
 */
import { parseJson } from '../../runtime/json-parse.js';

const exact = new WeakMap<object, Map<string, bigint>>();

/** The exact value of `node[key]` when the schema text held an integer beyond 2^53 − 1 there. */
export function exactInteger(node: object, key: string): bigint | undefined {
  return exact.get(node)?.get(key);
}

/** Replaces every bigint in `v` by its nearest number, recording the exact one (see the module doc). */
function plainView(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = plainView(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    const m = o[key];
    if (typeof m === 'bigint') {
      let table = exact.get(o);
      if (table === undefined) exact.set(o, (table = new Map()));
      table.set(key, m);
      o[key] = Number(m);
    } else o[key] = plainView(m);
  }
  return o;
}

/** Parses schema JSON text: plain JSON data, with the exact integers kept for {@link exactInteger}. Throws `SyntaxError`. */
export function parseSchemaJson(text: string): unknown {
  return plainView(parseJson(text));
}
