/** runtime/plain-data.ts: which values are their own JSON (validated as is) and which are parsed back. */
import { describe, expect, it } from 'vitest';
import { isOwnJson } from '../../runtime/plain-data.js';

describe('isOwnJson', () => {
  it('plain data is; everything JSON or a validator could read differently is not', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 70; i++) at = (at['x'] = {}) as Record<string, unknown>;
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    const table: [unknown, boolean][] = [
      [{ a: 'x', b: 1, c: true, d: null, e: [1, 'two', { f: [] }] }, true],
      [Object.assign(Object.create(null) as object, { a: 1 }), true],
      [{ a: Number.NaN }, false],
      [{ a: Infinity }, false],
      [{ a: undefined }, false],
      [{ a: () => 1 }, false],
      [{ a: 1n }, true], // sent digit for digit (runtime/json-stringify.ts)
      [{ a: new Date(0) }, false],
      [{ toJSON: () => ({}) }, false],
      [Object.create({ a: 1 }), false],
      [Object.defineProperty({}, 'a', { value: 1, enumerable: false }), false],
      [Object.defineProperty({}, 'a', { get: () => 1, enumerable: true }), false],
      [new Proxy({}, {}), false],
      [{ a: new Proxy([], {}) }, false],
      [{ a: [1, , 3] }, false],
      [{ a: new (class X {})() }, false],
      [deep, false],
      [cycle, false],
    ];
    expect(table.map(([v]) => isOwnJson(v))).toEqual(table.map(([, want]) => want));
  });

  it('a polluted prototype turns the fast path off', () => {
    const proto = Object.prototype as unknown as Record<string, unknown>;
    proto['polluted'] = 1;
    try {
      expect(isOwnJson({ a: 1 })).toBe(false);
    } finally {
      delete proto['polluted'];
    }
    expect(isOwnJson({ a: 1 })).toBe(true);
  });
});
