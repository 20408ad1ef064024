/**
 * Reading QEMU's 64-bit integers (progress counters, byte counts, milliseconds) as `number`s for
 * progress reports (issue 13): a reply holds a `number`, or a `bigint` beyond 2^53 (the default
 * mode) or always (the bigint entry, `qmp-sdk/bigint`).
 */

/**
 * `v` as a `number` when it is a `number` or a `bigint`, else `undefined`. `Number()` rounds a
 * `bigint` beyond 2^53 (8 PiB of progress, 285 years of milliseconds): harmless in a progress report
 * or a ratio, which is all these values feed.
 */
export function progressNumber(v: unknown): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
}
