/** The compile order helpers shared by the importer's and the generator's Ajv steps (codegen/ref-order.ts): they never recurse. */
import { describe, expect, it } from 'vitest';
import { compileCheckpoints, refsIn } from '../../codegen/ref-order.js';

describe('compile order', () => {
  it('refsIn finds every $ref', () => {
    expect(refsIn({ a: { $ref: 'x' }, b: [{ $ref: 'y' }, { c: { $ref: 'z' } }], $ref: 'w' }).sort()).toEqual(['w', 'x', 'y', 'z']);
  });

  it('compileCheckpoints: nothing for shallow graphs; on a 200,000 chain, one every `limit` links, deepest first, no recursion', () => {
    const refs = new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []], ['d', ['a', 'd']]]);
    expect(compileCheckpoints(['a', 'd'], (id) => refs.get(id), 32)).toEqual([]);
    expect(compileCheckpoints(['a', 'd'], (id) => refs.get(id), 2)).toEqual(['b', 'a']); // c (1) < b (2: checkpoint) ; a over b (0) and c (1): 2
    const n = 200_000;
    const chain = (id: string): string[] => {
      const i = Number(id.slice(1));
      return i + 1 < n ? [`n${i + 1}`] : [];
    };
    const cps = compileCheckpoints(['n0'], chain, 32);
    expect(cps).toHaveLength(Math.floor(n / 32));
    expect(cps[0]).toBe(`n${n - 32}`);
    // consecutive checkpoints are `limit` links apart: no uncompiled chain longer than that is left
    const at = cps.map((id) => Number(id.slice(1)));
    expect(at.every((v, i) => i === 0 || at[i - 1]! - v === 32)).toBe(true);
  });
});
