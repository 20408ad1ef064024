/** The CLI's live validators check integers exactly (cli/live-integers.ts): number or bigint, exact bounds. */
import { describe, expect, it } from 'vitest';
import { formatAjv } from '../../codegen/import/validate.js';
import { addLiveIntKeyword, withExactIntegers } from '../../cli/live-integers.js';

describe('live validators: x-int', () => {
  it('the importer\'s integer nodes (bounds -2^63 and the rounded 2^64) accept 2^64 - 1 as bigint and refuse 2^64, fractions and strings', () => {
    const ajv = formatAjv();
    addLiveIntKeyword(ajv);
    const schema = withExactIntegers({ type: 'object', properties: { size: { type: 'integer', minimum: -(2 ** 63), maximum: 2 ** 64 }, small: { type: 'integer', minimum: 0, maximum: 255 } } });
    expect(schema).toEqual({ type: 'object', properties: { size: { 'x-int': ['-9223372036854775808', '18446744073709551615'] }, small: { 'x-int': ['0', '255'] } } });
    const validate = ajv.compile(schema as object);
    for (const ok of [2n ** 64n - 1n, -(2n ** 63n), 5, 2 ** 60]) expect(validate({ size: ok }), String(ok)).toBe(true);
    for (const bad of [2n ** 64n, -(2n ** 63n) - 1n, 2 ** 64, 1.5, '5']) {
      expect(validate({ size: bad }), String(bad)).toBe(false);
      expect(validate.errors?.[0]).toMatchObject({ keyword: 'x-int', instancePath: '/size', params: { min: '-9223372036854775808', max: '18446744073709551615' } });
    }
    expect(validate({ small: 256n })).toBe(false);
    expect(validate({ small: 255n })).toBe(true);
  });
});
