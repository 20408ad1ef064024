/**
 * The bigint mode of the newest target, QEMU 10.0 on x86_64 (issue 13): the same client, maps and
 * types as `qmp-sdk`, except that every 64-bit integer (QAPI `int`, `int64`, `uint64`, `size`) is a
 * `bigint` in replies, events and arguments, small values included (`number` members and narrower
 * widths stay `number`; `any` stays as parsed). The same as `qmp-sdk/qemu-10.0-x86_64/bigint`;
 * `qmp-sdk/qemu-7.2-x86_64/bigint` has the same shape.
 *
 * @module qmp-sdk/bigint
 */
export * from '../../generated/qemu-10.0-x86_64/bigint.js';
