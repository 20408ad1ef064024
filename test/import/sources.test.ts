/** The three sources (file, socket, binary) and the command line give the same target. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fetchFromQemu, importCli, importTarget, importQemuArgs } from '../../codegen/import/index.js';
import { launchQemu } from '../../runtime/index.js';
import { findQemu, projectRoot } from '../../scripts/qemus.js';
import { snapshot, withTempDir } from './helpers.js';

const q = findQemu('10.0');
const committed = join(projectRoot, 'schema', q.target);

/** Schema files equal the committed ones; target.json equal but for `from`. */
function expectSameAsCommitted(dir: string, from: string): void {
  const fresh = snapshot(dir);
  const old = snapshot(committed);
  for (const f of ['commands.json', 'events.json', 'returns.json', 'types.json']) expect(fresh[f] === old[f], f).toBe(true);
  expect(JSON.parse(fresh['target.json'] ?? '')).toEqual({ ...JSON.parse(old['target.json'] ?? ''), importer: { ...JSON.parse(old['target.json'] ?? '').importer, from } });
}

describe('sources', () => {
  // A saved dump in the {greeting, schema, version, target} shape, taken from the binary.
  let dumpDir = '';
  let dump = '';
  beforeAll(async () => {
    dumpDir = mkdtempSync(join(tmpdir(), 'qmp-import-dump-'));
    dump = join(dumpDir, 'introspect-10.0.json');
    const f = await fetchFromQemu(q.binary, { env: q.env });
    writeFileSync(dump, JSON.stringify({ greeting: {}, schema: f.schema, version: f.version, target: f.target }));
  }, 30_000);
  afterAll(() => rmSync(dumpDir, { recursive: true, force: true }));

  it('a live QMP socket gives the committed target (from: socket)', async () => {
    await withTempDir(async (tmp) => {
      const sock = join(tmp, 'second.sock');
      const qemu = await launchQemu({ binary: q.binary, env: q.env, args: [...importQemuArgs, '-qmp', `unix:${sock},server=on,wait=off`] });
      try {
        const out = join(tmp, 'out');
        await importTarget({ source: { socket: sock }, qapiSource: q.qapiSource, outDir: out });
        expectSameAsCommitted(out, 'socket');
      } finally {
        await qemu.close();
      }
    });
  }, 30_000);

  it('a socket nobody listens on is a clear error', async () => {
    await withTempDir(async (tmp) => {
      await expect(importTarget({ source: { socket: join(tmp, 'none.sock') } })).rejects.toThrow(/QMP socket .*none\.sock: cannot connect/);
    });
  });

  it('a binary that is not QEMU is a clear error', async () => {
    await expect(importTarget({ source: { qemu: '/bin/false' } })).rejects.toThrow(/^\/bin\/false: cannot start QEMU/);
  });

  it('the saved dump file ({greeting, schema, version, target}) gives the same schemas (from: file)', async () => {
    await withTempDir(async (tmp) => {
      const out = join(tmp, 'out');
      await importTarget({ source: { file: dump }, qapiSource: q.qapiSource, outDir: out });
      expectSameAsCommitted(out, 'file');
    });
  });

  it('qmp-codegen import --file … --qapi-source … --out … prints the summary and writes the target', async () => {
    await withTempDir(async (tmp) => {
      const out = join(tmp, 'cli-out');
      const lines: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)));
      try {
        const code = await importCli(['--file', dump, '--qapi-source', q.qapiSource, '--out', out]);
        expect(code).toBe(0);
      } finally {
        spy.mockRestore();
      }
      const meta = JSON.parse(readFileSync(join(out, 'target.json'), 'utf8')) as { counts: { commands: number; events: number; types: number; qapiNamed: number } };
      expect(lines[0]).toBe(`qemu-10.0-x86_64 (from file): ${meta.counts.commands} commands, ${meta.counts.events} events, ${meta.counts.types} types → ${out}`);
      expect(lines[1]).toMatch(new RegExp(`^  QAPI names: ${meta.counts.qapiNamed} of \\d+ named types; \\d+ kept a path-derived name:$`));
      expectSameAsCommitted(out, 'file');
    });
  });

  it('usage errors exit with 2', async () => {
    const errs: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((s: unknown) => void errs.push(String(s)));
    try {
      expect(await importCli([])).toBe(2);
      expect(await importCli(['--file', 'a', '--qemu', 'b'])).toBe(2);
      expect(await importCli(['--bogus'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errs[0]).toMatch(/give exactly one of --qemu, --socket, --file/);
  });
});
