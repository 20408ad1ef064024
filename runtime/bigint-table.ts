/**
 * The bigint mode's conversion (issue 13): a generated target's bigint entry carries a
 * {@link BigintTable} (`generated/<target>/bigint-target.ts`) saying where its 64-bit integers sit,
 * and the session converts every such member of a reply or event to `bigint` with
 * {@link toBigints}, small values included. Members typed `any` in QAPI stay as parsed (a `number`
 * within ±(2^53 − 1), an exact `bigint` beyond), as do `number` (float) members and narrower widths.
 */

/**
 * Where the 64-bit integers of one value sit (a compact JSON form):
 * - `1`: the value is a 64-bit integer;
 * - `"<Key>"`: the value has the named type `<Key>` of {@link BigintTable.types};
 * - `["a", s]`: an array whose elements are `s`;
 * - `["o", { member: s, … }, rest?]`: an object; only members holding integers are listed; `rest`
 *   is the shape of members not listed (a map's values);
 * - `["u", tag, { tagValue: s, … }, base]`: a flat union: the branch chosen by the tag member's
 *   value, else (a branch that holds nothing more, or a tag value a newer QEMU added) `base`;
 * - `["alt", int?, array?, object?]`: an alternate: `int` (`1` or `0`) for a JSON number, `array` /
 *   `object` (a shape or `0`) for a JSON array / object.
 */
export type BigintShape =
  | 1
  | string
  | readonly ['a', BigintShape]
  | readonly ['o', { readonly [member: string]: BigintShape }, BigintShape?]
  | readonly ['u', string, { readonly [tagValue: string]: BigintShape }, BigintShape]
  | readonly ['alt', 0 | 1, BigintShape | 0, BigintShape | 0];

/** The 64-bit integers of a whole target: named types, command returns and event data holding any. */
export interface BigintTable {
  readonly types: { readonly [key: string]: BigintShape };
  readonly returns: { readonly [command: string]: BigintShape };
  readonly events: { readonly [event: string]: BigintShape };
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * `value` with every 64-bit integer `shape` names converted to `bigint` (a `number` that is an
 * integer; a `bigint` stays; anything else — a value of an unexpected kind from a newer QEMU — is
 * left as it is). Objects and arrays are changed in place (they are the freshly parsed message).
 */
export function toBigints(table: BigintTable, shape: BigintShape, value: unknown): unknown {
  if (shape === 1) return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
  if (typeof shape === 'string') return own(table.types, shape) ? toBigints(table, table.types[shape] as BigintShape, value) : value;
  if (typeof value !== 'object' || value === null) {
    return shape[0] === 'alt' && shape[1] === 1 ? toBigints(table, 1, value) : value;
  }
  switch (shape[0]) {
    case 'a':
      if (Array.isArray(value)) for (let i = 0; i < value.length; i++) value[i] = toBigints(table, shape[1], value[i]);
      return value;
    case 'o': {
      if (Array.isArray(value)) return value;
      const o = value as Record<string, unknown>;
      const members = shape[1];
      const rest = shape[2];
      for (const k of Object.keys(o)) {
        if (own(members, k)) o[k] = toBigints(table, members[k] as BigintShape, o[k]);
        else if (rest !== undefined) o[k] = toBigints(table, rest, o[k]);
      }
      return o;
    }
    case 'u': {
      if (Array.isArray(value)) return value;
      const tag = (value as Record<string, unknown>)[shape[1]];
      return toBigints(table, typeof tag === 'string' && own(shape[2], tag) ? (shape[2][tag] as BigintShape) : shape[3], value);
    }
    case 'alt': {
      const s = Array.isArray(value) ? shape[2] : shape[3];
      return s === 0 ? value : toBigints(table, s, value);
    }
  }
}
