/**
 * The folder writer behind `import --out` and `generate --out` (codegen/own-folder.ts): a file that
 * appears while it writes is never removed; what counts as a file the importer wrote.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isImportedSchemaFile, replaceOwnFolder, type OwnFileTest } from '../../codegen/own-folder.js';
import { projectRoot } from '../../scripts/qemus.js';
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
