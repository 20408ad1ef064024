/**
 * Exact integers for the CLI's live validators (Ajv compiled at run time over the schema the
 * importer builds from the running QEMU): integer nodes become the `x-int` keyword, which accepts a
 * `number` that is an integer or a `bigint` (key=value integers beyond 2^53 arrive as bigint) within
 * the bounds, compared exactly. The same rule as the generated validators
 * (codegen/generate/int-keyword.ts); here a validate function, as nothing is emitted.
 */
import type { formatAjv } from '../codegen/import/validate.js';

const U64_MAX = 2n ** 64n - 1n;

/** A bound of the live schema (a JS number: 2^64 stands for the rounded 2^64 − 1, schema/FORMAT.md "builtin int"). */
function exactBound(v: unknown, fallback: bigint): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v !== 'number' || !Number.isInteger(v)) return fallback;
  return v === 2 ** 64 ? U64_MAX : BigInt(v);
}

/** A copy of a schema document with every `{type: "integer", minimum?, maximum?}` as `{"x-int": [min, max]}`. */
export function withExactIntegers(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withExactIntegers);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) Object.defineProperty(out, k, { value: withExactIntegers(v), enumerable: true, writable: true, configurable: true });
  if (out['type'] === 'integer') {
    out['x-int'] = [String(exactBound(out['minimum'], -(2n ** 63n))), String(exactBound(out['maximum'], U64_MAX))];
    delete out['type'];
    delete out['minimum'];
    delete out['maximum'];
  }
  return out;
}

/** Declares `x-int` (error params `{min, max}`, worded by runtime/validation.ts) on a run-time Ajv. */
export function addLiveIntKeyword(ajv: ReturnType<typeof formatAjv>): void {
  ajv.addKeyword({
    keyword: 'x-int',
    schemaType: 'array',
    errors: true,
    // The bounds are read once per schema node, not at every validation.
    compile(schema: [string, string]) {
      const min = BigInt(schema[0]);
      const max = BigInt(schema[1]);
      return function check(data: unknown): boolean {
        const ok = (typeof data === 'number' && Number.isInteger(data)) || typeof data === 'bigint' ? data >= min && data <= max : false;
        if (!ok) (check as { errors?: unknown[] }).errors = [{ keyword: 'x-int', params: { min: schema[0], max: schema[1] } }];
        return ok;
      };
    },
  });
}
