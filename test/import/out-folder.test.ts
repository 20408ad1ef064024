/**
 * Issue 10 item 2: `qmp-codegen import --out DIR` (and `generate --out DIR`) never delete what they
 * did not write. A project folder with README.md and src/app.ts is refused and left byte for byte;
 * `--out ..` from a subfolder is refused; a previous import output is replaced; a file that is not
 * ours beside our files refuses the write too.
 */
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { importCli } from '../../codegen/import/index.js';
import { generateTarget } from '../../codegen/generate/generate.js';
import { builtins, snapshot, withTempDir } from './helpers.js';

const introspection = [...builtins, { name: '0', 'meta-type': 'object', members: [] }, { name: 'query-x', 'meta-type': 'command', 'arg-type': '0', 'ret-type': '0' }];

/** Runs the import CLI quietly; its exit code and what it printed on stderr. */
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

/** A project folder as a user has one. */
function project(dir: string): string {
  const p = join(dir, 'project');
  mkdirSync(join(p, 'src'), { recursive: true });
  writeFileSync(join(p, 'README.md'), '# my project\n');
  writeFileSync(join(p, 'src', 'app.ts'), 'export const app = 1;\n');
  return p;
}

describe('import --out: never removes what it did not write', () => {
  it('a project folder (README.md, src/app.ts) is refused, naming the entry; nothing changes, no temp sibling', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'introspect.json');
      writeFileSync(file, JSON.stringify(introspection));
      const p = project(dir);
      const before = snapshot(dir);
      const r = await runImport(['--file', file, '--target', 't', '--out', p]);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/README\.md.*not a file written by qmp-codegen; refusing to replace the output folder/);
      expect(snapshot(dir)).toEqual(before);
      expect(readdirSync(dir).sort()).toEqual(['introspect.json', 'project']);
    });
  });

  it('--out .. and --out . from a subfolder are refused (they hold the current folder)', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'introspect.json');
      writeFileSync(file, JSON.stringify(introspection));
      const p = project(dir);
      const before = snapshot(dir);
      const cwd = process.cwd();
      process.chdir(join(p, 'src'));
      try {
        for (const out of ['..', '.', '../..']) {
          const r = await runImport(['--file', file, '--target', 't', '--out', out]);
          expect(r.code).not.toBe(0);
          expect(r.err).toMatch(/is the current folder or holds it; refusing/);
        }
      } finally {
        process.chdir(cwd);
      }
      expect(snapshot(dir)).toEqual(before);
    });
  });

  it('an empty or missing folder is written; a previous import output is replaced; a foreign file beside ours refuses', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'introspect.json');
      writeFileSync(file, JSON.stringify(introspection));
      const out = join(dir, 'schema', 't');
      expect((await runImport(['--file', file, '--target', 't', '--out', out])).code).toBe(0);
      const files = readdirSync(out).sort();
      expect(files).toEqual(['commands.json', 'events.json', 'returns.json', 'target.json', 'types.json']);
      expect((await runImport(['--file', file, '--target', 't', '--out', out])).code).toBe(0);
      expect(readdirSync(out).sort()).toEqual(files);
      // a file named like ours but not ours, then a user's note, then a symbolic link: each refused
      for (const [name, make] of [
        ['types.json', () => writeFileSync(join(out, 'types.json'), '{"mine": true}\n')],
        ['notes.txt', () => writeFileSync(join(out, 'notes.txt'), 'keep me\n')],
        ['link.json', () => symlinkSync(join(out, 'commands.json'), join(out, 'link.json'))],
      ] as const) {
        const keep = snapshot(dir);
        make();
        const withForeign = snapshot(dir);
        const r = await runImport(['--file', file, '--target', 't', '--out', out]);
        expect(r.code).not.toBe(0);
        expect(r.err).toContain(name);
        expect(snapshot(dir)).toEqual(withForeign);
        expect(readdirSync(join(dir, 'schema'))).toEqual(['t']);
        // put it back as it was for the next case
        const { rmSync } = await import('node:fs');
        rmSync(join(out, name));
        if (name === 'types.json') writeFileSync(join(out, name), keep[`schema/t/${name}`]!);
      }
    });
  });

  it('generate --out: the same rule (a project folder refused, left as it was)', async () => {
    await withTempDir(async (dir) => {
      const p = project(dir);
      const before = snapshot(dir);
      await expect(generateTarget({ schemaDir: 'schema/qemu-7.2-x86_64', outDir: p })).rejects.toThrow(/README\.md: is not a file written by qmp-codegen/);
      const cwd = process.cwd();
      process.chdir(join(p, 'src'));
      try {
        await expect(generateTarget({ schemaDir: join(cwd, 'schema/qemu-7.2-x86_64'), outDir: '..' })).rejects.toThrow(/current folder or holds it/);
      } finally {
        process.chdir(cwd);
      }
      expect(snapshot(dir)).toEqual(before);
    });
  });
});
