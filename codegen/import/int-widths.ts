/**
 * Exact integer widths from the QAPI source (issue 13). Introspection (`query-qmp-schema`) reports every
 * QAPI integer type as `int`, so the importer first gives every integer the union of the int64 and uint64
 * ranges; where the QAPI source of the same version declares the member (or a command's return value) with
 * an integer type, this narrows it to that type's bounds, digit for digit, and records the QAPI type in
 * `x-qmp.int`. Widths (QAPI `scripts/qapi/schema.py` builtins; `int` is int64, `size` is uint64):
 *
 * | QAPI | minimum | maximum |
 * |---|---|---|
 * | `int8` / `int16` / `int32` | -2^7 / -2^15 / -2^31 | 2^7-1 / 2^15-1 / 2^31-1 |
 * | `int`, `int64` | -9223372036854775808 | 9223372036854775807 |
 * | `uint8` / `uint16` / `uint32` | 0 | 255 / 65535 / 4294967295 |
 * | `uint64`, `size` | 0 | 18446744073709551615 |
 *
 * Bounds beyond 2^53 are `bigint`s, which the schema writer (`json.ts`) writes exactly. Places without a
 * source match keep the union range and get no `x-qmp.int`. An alternate's integer alternative (and its list of
 * integers) is narrowed when the source declares exactly one such alternative.
 */
import { dict } from './json.js';
import { walkSourceSites } from './source-sites.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import type { SchemaFileName } from '../schema-format/files.js';
import type { QapiSource, QapiValue } from '../qapi/types.js';

/** QAPI's integer types. */
export type QapiIntType = 'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'size';

/** Bounds of each QAPI integer type (exact; `bigint` beyond the safe range). */
export const qapiIntBounds: Readonly<Record<QapiIntType, { minimum: number | bigint; maximum: number | bigint }>> = {
  int8: { minimum: -128, maximum: 127 },
  int16: { minimum: -32768, maximum: 32767 },
  int32: { minimum: -2147483648, maximum: 2147483647 },
  int64: { minimum: -9223372036854775808n, maximum: 9223372036854775807n },
  int: { minimum: -9223372036854775808n, maximum: 9223372036854775807n },
  uint8: { minimum: 0, maximum: 255 },
  uint16: { minimum: 0, maximum: 65535 },
  uint32: { minimum: 0, maximum: 4294967295 },
  uint64: { minimum: 0, maximum: 18446744073709551615n },
  size: { minimum: 0, maximum: 18446744073709551615n },
};

/** True for the name of a QAPI integer type. */
export function isQapiIntType(t: unknown): t is QapiIntType {
  return typeof t === 'string' && Object.prototype.hasOwnProperty.call(qapiIntBounds, t);
}

/** How many integer places got each width. */
export type IntWidthCounts = Partial<Record<QapiIntType, number>>;

function xqmpOf(s: JsonSchema): Record<string, unknown> {
  const x = s['x-qmp'];
  if (x !== null && typeof x === 'object' && !Array.isArray(x)) return x as Record<string, unknown>;
  const o = dict();
  s['x-qmp'] = o;
  return o;
}

/** Narrows `schema` (an integer, or an array of integers for `[type]`) to the QAPI type `declared`; returns the width applied. */
export function applyIntWidth(schema: JsonSchema, declared: QapiValue | undefined): QapiIntType | undefined {
  let target = schema;
  let t = declared;
  if (Array.isArray(t)) {
    if (t.length !== 1 || schema.type !== 'array' || schema.items === null || typeof schema.items !== 'object') return undefined;
    target = schema.items as JsonSchema;
    t = t[0];
  }
  if (!isQapiIntType(t) || target.type !== 'integer') return undefined;
  target.minimum = qapiIntBounds[t].minimum;
  target.maximum = qapiIntBounds[t].maximum;
  xqmpOf(target).int = t;
  return t;
}

/** Records exact widths in `documents` (mutated) from `source`; returns the counts per width. */
export function recordIntWidths(documents: Readonly<Record<SchemaFileName, JsonSchema>>, source: QapiSource): IntWidthCounts {
  const counts: IntWidthCounts = {};
  // union branches share their base members' schema objects: count each place once
  const seen = new WeakSet<JsonSchema>();
  const apply = (s: JsonSchema, t: QapiValue | undefined): void => {
    if (seen.has(s)) return;
    seen.add(s);
    const w = applyIntWidth(s, t);
    if (w !== undefined) counts[w] = (counts[w] ?? 0) + 1;
  };
  walkSourceSites(documents, source, {
    member: (s, m) => apply(s, m.type),
    returns: (s, r) => apply(s, r),
    // an alternate: its integer alternative (and its list-of-integers one), when the source declares exactly one of each
    definition: (s, def) => {
      const data = def.expr.data;
      if (def.kind !== 'alternate' || !Array.isArray(s.anyOf) || data === null || typeof data !== 'object' || Array.isArray(data)) return;
      const declared = Object.values(data).map((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v.type : v));
      const alternatives = s.anyOf as JsonSchema[];
      const isIntList = (t: QapiValue | undefined): boolean => Array.isArray(t) && t.length === 1 && isQapiIntType(t[0]);
      const intItems = (a: JsonSchema): boolean => a.type === 'array' && (a.items as JsonSchema | undefined)?.type === 'integer';
      for (const [isDeclared, isSchema] of [
        [isQapiIntType, (a: JsonSchema) => a.type === 'integer'],
        [isIntList, intItems],
      ] as const) {
        const d = declared.filter((t) => isDeclared(t));
        const a = alternatives.filter(isSchema);
        if (d.length === 1 && a.length === 1) apply(a[0]!, d[0]);
      }
    },
  });
  return counts;
}
