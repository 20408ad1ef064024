/**
 * The folder writer behind `import --out` and `generate --out` (codegen/own-folder.ts): a file that
 * appears while it writes is never removed, and compile order helpers never recurse.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isImportedSchemaFile, replaceOwnFolder, type OwnFileTest } from '../../codegen/own-folder.js';
import { projectRoot } from '../../scripts/qemus.js';
import { compileCheckpoints, refsIn } from '../../codegen/ref-order.js';
import { withTempDir } from './helpers.js';

const refuse = (path: string, why: string): Error => new Error(`${path}: ${why}`);

describe('replaceOwnFolder', () => {
  it('a file that appears between the check and the swap refuses the write, and both files stay', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'out');
      mkdirSync(out);
      writeFileSync(join(out, 'a.ours'), 'ours 1\n');
      let calls = 0;
      const isOurs: OwnFileTest = (name, text) => {
        calls++;
        // the second look (just before the folder is moved aside): someone writes a file there
        if (calls === 2) writeFileSync(join(out, 'intruder.txt'), 'theirs\n');
        return name.endsWith('.ours') && text.startsWith('ours');
      };
      expect(() => replaceOwnFolder(out, new Map([['a.ours', 'ours 2\n']]), isOurs, refuse)).toThrow(/intruder\.txt: .*appeared while writing/);
      expect(readdirSync(dir)).toEqual(['out']);
      expect(readdirSync(out).sort()).toEqual(['a.ours', 'intruder.txt']);
      expect(readFileSync(join(out, 'a.ours'), 'utf8')).toBe('ours 1\n');
    });
  });

  it('replaces a folder of our files, leaving no sibling behind', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'out');
      const isOurs: OwnFileTest = (name) => name.endsWith('.ours');
      replaceOwnFolder(out, new Map([['a.ours', '1'], ['b.ours', '1']]), isOurs, refuse);
      replaceOwnFolder(out, new Map([['c.ours', '2']]), isOurs, refuse);
      expect(readdirSync(dir)).toEqual(['out']);
      expect(readdirSync(out)).toEqual(['c.ours']);
    });
  });
});

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

describe('isImportedSchemaFile', () => {
  it("recognises every file of a committed import (devices.json included), and nothing else of that name", () => {
    for (const dir of ['schema/qemu-10.0-x86_64', 'schema/qemu-7.2-x86_64']) {
      const names = readdirSync(join(projectRoot, dir));
      expect(names).toContain('devices.json');
      for (const name of names) expect(isImportedSchemaFile(name, readFileSync(join(projectRoot, dir, name), 'utf8')), `${dir}/${name}`).toBe(true);
    }
    expect(isImportedSchemaFile('devices.json', '{"models": {}}')).toBe(false);
    expect(isImportedSchemaFile('devices.json', '{"target": "t"}')).toBe(false);
    expect(isImportedSchemaFile('devices.json', 'not json')).toBe(false);
  });
});
