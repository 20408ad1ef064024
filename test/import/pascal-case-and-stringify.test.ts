/** Unit tables: the one PascalCase rule of codegen/ (codegen/pascal-case.ts), the importer's deterministic serializer. */
import { describe, expect, it } from 'vitest';
import { stringifyStable } from '../../codegen/import/index.js';
import { pascalCase } from '../../codegen/pascal-case.js';
import { orderedMap, sortedMap } from '../../codegen/import/json.js';

describe('pascalCase', () => {
  it.each([
    ['query-status', 'QueryStatus'],
    ['BLOCK_JOB_COMPLETED', 'BlockJobCompleted'],
    ['x-perf', 'XPerf'],
    ['iops_rd', 'IopsRd'],
    ['s390x', 'S390x'],
    ['IOThread', 'IOThread'],
    ['Haswell-noTSX', 'HaswellNoTsx'],
    ['0lead', '0lead'],
    ['__proto__', 'Proto'],
    ['-', '_2d'],
    ['_', '_5f'],
  ])('%s → %s', (wire, want) => expect(pascalCase(wire)).toBe(want));
});

describe('stringifyStable', () => {
  it('orders schema keys, keeps ordered maps, writes __proto__ as a real key, 2-space, final newline', () => {
    const props = orderedMap<unknown>([['b', 1], ['1', 2], ['__proto__', { type: 'string' }], ['a', 3]]);
    const text = stringifyStable({ 'x-qmp': { since: '1' }, properties: props, type: 'object', title: 'T' });
    expect(text).toBe(
      '{\n  "title": "T",\n  "type": "object",\n  "properties": {\n    "b": 1,\n    "1": 2,\n    "__proto__": {\n      "type": "string"\n    },\n    "a": 3\n  },\n  "x-qmp": {\n    "since": "1"\n  }\n}\n',
    );
    const back = JSON.parse(text) as { properties: Record<string, unknown> };
    expect(Object.prototype.hasOwnProperty.call(back.properties, '__proto__')).toBe(true);
  });

  it('sorts definitions by code point and writes 64-bit bounds exactly', () => {
    const text = stringifyStable(sortedMap([['b', -(2 ** 63)], ['B', 2 ** 64], ['é', 1], ['\u{1F600}', 2], ['\uFFFF', 3]]));
    expect(text).toBe('{\n  "B": 18446744073709551615,\n  "b": -9223372036854775808,\n  "é": 1,\n  "\uFFFF": 3,\n  "\u{1F600}": 2\n}\n');
  });
});
