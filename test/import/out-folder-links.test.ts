/**
 * `--out` naming the current folder (or one holding it) through a symbolic link (review 2 of issue
 * 10 item 2). `--out .` was refused, but the same folder reached through a linked parent
 * (`--out /x/projlink/a` with the shell in `/x/proj/a`) passed the lexical check: an empty current
 * folder, or one holding only our files, was renamed aside and removed under the user's shell.
 */
import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { importCli } from '../../codegen/import/index.js';
import { builtins, withTempDir } from './helpers.js';

const introspection = [...builtins, { name: '0', 'meta-type': 'object', members: [] }, { name: 'query-x', 'meta-type': 'command', 'arg-type': '0', 'ret-type': '0' }];

async function runImport(args: string[]): Promise<{ code: number; err: string }> {
  const errs: string[] = [];
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errs.push(a.join(' ')));
  const l = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    return { code: await importCli(args), err: errs.join('\n') };
  } finally {
    e.mockRestore();
    l.mockRestore();
  }
}

describe('import --out through a symbolic link to the current folder', () => {
  it('is refused like --out . (the folder keeps its identity), for the folder and for its parent', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'introspect.json');
      writeFileSync(file, JSON.stringify(introspection));
      const here = join(dir, 'proj', 'a');
      mkdirSync(here, { recursive: true }); // empty: the lexical check alone let it be replaced
      symlinkSync(join(dir, 'proj'), join(dir, 'projlink'));
      const inode = statSync(here).ino;
      const cwd = process.cwd();
      process.chdir(here);
      try {
        for (const out of [join(dir, 'projlink', 'a'), join(dir, 'projlink', 'a', '..')]) {
          const r = await runImport(['--file', file, '--target', 't', '--out', out]);
          expect(r.code, out).not.toBe(0);
          expect(r.err).toMatch(/is the current folder or holds it; refusing/);
        }
      } finally {
        process.chdir(cwd);
      }
      expect(statSync(here).ino).toBe(inode);
      expect(readdirSync(here)).toEqual([]);
      expect(readdirSync(join(dir, 'proj'))).toEqual(['a']);
    });
  });
});
