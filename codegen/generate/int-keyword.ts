/**
 * The `x-int` validation keyword: an exact integer check for the generated validators, in place of
 * Ajv's `type: "integer"` + `minimum`/`maximum` (Ajv compares against rounded doubles, e.g.
 * `18446744073709552000`, and rejects `bigint` as not an integer).
 *
 * Schema: `{"x-int": ["<min>", "<max>"]}`, both decimal strings (exact, any size). Accepts a
 * `number` that is an integer, or a `bigint`, within `[min, max]` exactly; rejects anything else
 * (a fraction, a string, a bigint out of range, a number such as `18446744073709552000` that is
 * 2^64). The keyword generates standalone code (no Ajv at run time): bigint literals for bigints,
 * and for numbers the nearest doubles inside the bounds (a double `d` is ≥ min exactly when it is
 * ≥ the smallest double ≥ min; likewise for max), so a number pays two number comparisons.
 * Its error: keyword `x-int`, params `{ min, max }` (strings); runtime/validation.ts words it.
 */
import type AjvModule from 'ajv';
import type { CodeKeywordDefinition, KeywordCxt } from 'ajv';
// Ajv's `Code` class is a type-only export of 'ajv': the value is `_Code` of its codegen module.
import { _, _Code as Code } from 'ajv/dist/compile/codegen/code.js';

type AjvInstance = InstanceType<typeof AjvModule.default>;

/** The keyword's name in the compiled schemas. */
export const INT_KEYWORD = 'x-int';

/** QAPI's widest integer range, the union of int64 and uint64 (schema/FORMAT.md "builtin int"). */
export const UNION_MIN = -(2n ** 63n);
export const UNION_MAX = 2n ** 64n - 1n;

const decimal = /^-?(?:0|[1-9][0-9]*)$/;

/** The largest double ≤ `b` (or the smallest ≥ `b` when `up`), as a finite number. */
export function doubleWithin(b: bigint, up: boolean): number {
  let x = Number(b);
  const exact = BigInt(x);
  if (exact === b) return x;
  if (up ? exact < b : exact > b) x = step(x, up);
  return x;
}

/** The next double after `x` towards +∞ (`up`) or −∞. */
function step(x: number, up: boolean): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  // away from zero when the direction matches the sign, else towards zero
  const away = x > 0 === up;
  view.setBigUint64(0, away ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** The JavaScript source of a number (exact round trip: `String` of a double re-reads as that double). */
function numberCode(x: number): Code {
  return new Code(Object.is(x, -0) ? '0' : String(x));
}

/** A `bigint` literal's source for a decimal string. */
function bigintCode(s: string): Code {
  return new Code(`${s}n`);
}

/** The `x-int` node for an integer schema with (maybe absent) `minimum`/`maximum` of any numeric kind. */
export function intNode(minimum: unknown, maximum: unknown, where: string): [string, string] {
  const bound = (v: unknown, fallback: bigint, name: string): string => {
    if (v === undefined) return fallback.toString();
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    throw new Error(`${where}: ${name} ${String(v)} is not an exact integer (read the schema with runtime/json-parse.ts)`);
  };
  return [bound(minimum, UNION_MIN, 'minimum'), bound(maximum, UNION_MAX, 'maximum')];
}

/** The keyword's definition (code generation only: the standalone output needs no Ajv). */
export const intKeyword: CodeKeywordDefinition = {
  keyword: INT_KEYWORD,
  schemaType: 'array',
  code(cxt: KeywordCxt) {
    const schema = cxt.schema as unknown;
    if (!Array.isArray(schema) || schema.length !== 2 || !schema.every((s) => typeof s === 'string' && decimal.test(s))) {
      throw new Error(`${INT_KEYWORD} must be ["<min>", "<max>"] (decimal strings), got ${JSON.stringify(schema)}`);
    }
    const [min, max] = schema as [string, string];
    const data = cxt.data;
    const lo = doubleWithin(BigInt(min), true);
    const hi = doubleWithin(BigInt(max), false);
    cxt.fail(
      _`!(typeof ${data} == "number" ? Number.isInteger(${data}) && ${data} >= ${numberCode(lo)} && ${data} <= ${numberCode(hi)} : typeof ${data} == "bigint" && ${data} >= ${bigintCode(min)} && ${data} <= ${bigintCode(max)})`,
    );
  },
  error: {
    message: ({ schema }) => _`"must be an integer from " + ${(schema as string[])[0] ?? ''} + " to " + ${(schema as string[])[1] ?? ''}`,
    params: ({ schema }) => _`{min: ${(schema as string[])[0] ?? ''}, max: ${(schema as string[])[1] ?? ''}}`,
  },
};

/** Declares `x-int` on an Ajv instance. */
export function addIntKeyword(ajv: AjvInstance): void {
  ajv.addKeyword(intKeyword);
}
