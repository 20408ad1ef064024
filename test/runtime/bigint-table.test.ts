/**
 * The bigint mode's conversion (runtime/bigint-table.ts) and the generator's reading of 64-bit
 * integers (codegen/generate/wide-integers.ts): a table of shapes and values, then the real tables
 * generated for QEMU 10.0 and 7.2 on reply and event shapes real QEMU sends.
 */
import { describe, expect, it } from 'vitest';
import { toBigints, type BigintShape, type BigintTable } from '../../runtime/bigint-table.js';
import { isWideInteger } from '../../codegen/generate/wide-integers.js';
import { bigintTable as table100 } from '../../generated/qemu-10.0-x86_64/bigint-target.js';
import { bigintTable as table72 } from '../../generated/qemu-7.2-x86_64/bigint-target.js';

const hand: BigintTable = {
  types: { Node: ['o', { size: 1, child: 'Node' }], Alt: ['alt', 1, ['a', 1], 'Node'] },
  returns: {},
  events: {},
};
const convert = (shape: BigintShape, value: unknown): unknown => toBigints(hand, shape, value);

describe('toBigints: shapes × values', () => {
  it.each<[string, BigintShape, unknown, unknown]>([
    ['integer number', 1, 5, 5n],
    ['negative integer', 1, -9007199254740991, -9007199254740991n],
    ['bigint stays', 1, 2n ** 64n - 1n, 2n ** 64n - 1n],
    ['a fraction stays (not an integer: left as sent)', 1, 1.5, 1.5],
    ['a string stays (unexpected kind from a newer QEMU)', 1, '5', '5'],
    ['array', ['a', 1], [1, 2n, 3], [1n, 2n, 3n]],
    ['object: listed members only', ['o', { a: 1 }], { a: 1, b: 2 }, { a: 1n, b: 2 }],
    ['object: rest', ['o', { a: 1 }, ['a', 1]], { a: 1, b: [2] }, { a: 1n, b: [2n] }],
    ['recursive reference', 'Node', { size: 1, child: { size: 2, child: { size: 3 } } }, { size: 1n, child: { size: 2n, child: { size: 3n } } }],
    ['union: listed branch', ['u', 't', { x: ['o', { a: 1, b: 1 }] }, ['o', { a: 1 }]], { t: 'x', a: 1, b: 2 }, { t: 'x', a: 1n, b: 2n }],
    ['union: a tag value a newer QEMU added takes the base', ['u', 't', { x: ['o', { a: 1, b: 1 }] }, ['o', { a: 1 }]], { t: 'new', a: 1, b: 2 }, { t: 'new', a: 1n, b: 2 }],
    ['alternate: number', 'Alt', 4, 4n],
    ['alternate: array', 'Alt', [4], [4n]],
    ['alternate: object', 'Alt', { size: 4 }, { size: 4n }],
    ['alternate: string stays', 'Alt', 'x', 'x'],
    ['object shape on an array stays', ['o', { a: 1 }], [1], [1]],
    ['null stays', ['o', { a: 1 }], null, null],
    ['unknown type name stays', 'Nope', 3, 3],
  ])('%s', (_name, shape, value, want) => {
    expect(convert(shape, value)).toEqual(want);
  });
});

describe('toBigints: member names are data', () => {
  it('a member named __proto__ is converted as an own member, the prototype untouched', () => {
    const shape = JSON.parse('["o", {"__proto__": 1, "constructor": 1}]') as BigintShape;
    const out = convert(shape, JSON.parse('{"__proto__": 7, "constructor": 8, "toString": 9}')) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe(7n);
    expect(out['constructor']).toBe(8n);
    expect(out['toString']).toBe(9);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('isWideInteger: which integer schemas can exceed 2^53', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['int64', { type: 'integer', minimum: -9223372036854775808, maximum: 9223372036854775807 }, true],
    ['uint64 / size', { type: 'integer', minimum: 0, maximum: 18446744073709551615 }, true],
    ['no bounds (no known width)', { type: 'integer' }, true],
    ['uint32', { type: 'integer', minimum: 0, maximum: 4294967295 }, false],
    ['int8', { type: 'integer', minimum: -128, maximum: 127 }, false],
    ['number (float)', { type: 'number' }, false],
    ['integer literal', { type: 'integer', const: 1 }, false],
  ])('%s', (_name, node, want) => {
    expect(isWideInteger(node)).toBe(want);
  });
});

describe.each([['10.0', table100], ['7.2', table72]] as const)('the generated table of QEMU %s', (_v, table) => {
  it('query-blockstats: every counter of the stats and of the nested parent/backing, driver-specific by driver', () => {
    const stats = () => ({ rd_bytes: 1, wr_bytes: 2, rd_operations: 0, idle_time_ns: 5, timed_stats: [{ interval_length: 60, min_rd_latency_ns: 3, avg_rd_queue_depth: 0.5 }] });
    const reply = [{ device: 'd0', stats: stats(), parent: { stats: stats() }, 'driver-specific': { driver: 'file', 'discard-nb-ok': 1, 'discard-nb-failed': 0, 'discard-bytes-ok': 512 } }];
    const out = toBigints(table, table.returns['query-blockstats'] as BigintShape, reply) as typeof reply;
    expect(out[0]?.stats.rd_bytes).toBe(1n);
    expect(out[0]?.stats.idle_time_ns).toBe(5n);
    expect(out[0]?.parent.stats.wr_bytes).toBe(2n);
    expect(out[0]?.stats.timed_stats[0]?.min_rd_latency_ns).toBe(3n);
    expect(out[0]?.stats.timed_stats[0]?.avg_rd_queue_depth).toBe(0.5); // a QAPI number stays a number
    expect(out[0]?.['driver-specific']['discard-bytes-ok']).toBe(512n);
    expect(out[0]?.device).toBe('d0');
  });

  it('query-cpus-fast: cpu-index, thread-id and props (int) become bigints; the union on target converts every branch', () => {
    const reply = [{ 'cpu-index': 0, 'qom-path': '/machine/unattached/device[0]', 'thread-id': 4242, target: 'x86_64', props: { 'core-id': 0, 'socket-id': 1 } }];
    expect(toBigints(table, table.returns['query-cpus-fast'] as BigintShape, reply)).toEqual([
      { 'cpu-index': 0n, 'qom-path': '/machine/unattached/device[0]', 'thread-id': 4242n, target: 'x86_64', props: { 'core-id': 0n, 'socket-id': 1n } },
    ]);
  });

  it('events: BLOCK_JOB_COMPLETED len/offset/speed and RTC_CHANGE offset; events without 64-bit integers are not in the table', () => {
    const done = { type: 'backup', device: 'j0', len: 1048576, offset: 1048576, speed: 0 };
    expect(toBigints(table, table.events['BLOCK_JOB_COMPLETED'] as BigintShape, done)).toEqual({ type: 'backup', device: 'j0', len: 1048576n, offset: 1048576n, speed: 0n });
    expect(toBigints(table, table.events['RTC_CHANGE'] as BigintShape, { offset: -3, 'qom-path': '/machine/rtc' })).toEqual({ offset: -3n, 'qom-path': '/machine/rtc' });
    expect(Object.hasOwn(table.events, 'STOP')).toBe(false);
    expect(Object.hasOwn(table.returns, 'query-status')).toBe(false);
  });
});
