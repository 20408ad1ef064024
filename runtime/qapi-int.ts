/**
 * {@link QapiInt}: how the default mode types a QAPI integer that can exceed 2^53 (issue 13).
 */

/**
 * A QAPI 64-bit integer (`int`, `int64`, `uint64`, `size`, or an integer whose width the schema
 * does not record) in the default mode. From QEMU it is a `number` when within ±(2^53 − 1) and an
 * exact `bigint` beyond (`runtime/json-parse.ts`): never a rounded `number`. To QEMU either goes on
 * the wire digit for digit. Test with `typeof v === 'bigint'`, or convert with `BigInt(v)` (exact)
 * or `Number(v)` (rounds beyond 2^53). The bigint entries (`qmp-sdk/bigint`,
 * `qmp-sdk/<target>/bigint`) type these members as plain `bigint` and always deliver `bigint`s.
 * Narrower QAPI widths (`int8`…`int32`, `uint8`…`uint32`) stay `number`.
 */
export type QapiInt = number | bigint;
