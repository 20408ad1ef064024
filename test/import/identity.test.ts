/**
 * The committed targets are exactly what the importer makes from the installed QEMUs with their
 * QAPI sources, and every schema file compiles in Ajv strict mode.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { importTarget } from '../../codegen/import/index.js';
import { findQemu, projectRoot, qemuVersions } from '../../scripts/qemus.js';
import { firstDifference, snapshot, withTempDir } from './helpers.js';

const schemaFiles = ['commands.json', 'events.json', 'returns.json', 'types.json'];

describe.each(qemuVersions)('committed target of QEMU %s', (version) => {
  it('is byte-identical to a fresh import from the binary with the QAPI source', async () => {
    const q = findQemu(version);
    const committed = join(projectRoot, 'schema', q.target);
    await withTempDir(async (tmp) => {
      const out = join(tmp, q.target);
      const r = await importTarget({ source: { qemu: q.binary, env: q.env }, qapiSource: q.qapiSource, outDir: out, targetName: q.target });
      expect(r.meta.importer.from).toBe('binary');
      expect(readdirSync(tmp)).toEqual([q.target]); // no temp sibling left
      const fresh = snapshot(out);
      const old = snapshot(committed);
      expect(Object.keys(fresh)).toEqual(Object.keys(old));
      const diffs = Object.keys(fresh)
        .map((f) => [f, firstDifference(fresh[f] ?? '', old[f] ?? '')] as const)
        .filter(([, d]) => d !== undefined)
        .map(([f, d]) => `${f}: ${d}`);
      expect(diffs, 'run `npm run import` and commit schema/ if the change is intended').toEqual([]);
    });
  }, 60_000);

  it('compiles in Ajv strict (discriminator on, x-qmp declared), every definition', () => {
    const dir = join(projectRoot, 'schema', findQemu(version).target);
    const ajv = new Ajv({ strict: true, discriminator: true });
    ajv.addKeyword({ keyword: 'x-qmp' });
    const docs = schemaFiles.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { $id: string; definitions: Record<string, unknown> });
    for (const d of docs) ajv.addSchema(d);
    let compiled = 0;
    for (const d of docs) {
      for (const name of Object.keys(d.definitions)) {
        expect(ajv.getSchema(`${d.$id}#/definitions/${name}`), `${d.$id} ${name}`).toBeTypeOf('function');
        compiled++;
      }
    }
    const meta = JSON.parse(readFileSync(join(dir, 'target.json'), 'utf8')) as { counts: { commands: number; events: number; types: number } };
    expect(compiled).toBe(meta.counts.commands * 2 + meta.counts.events + meta.counts.types);
  });

  it('shows no masked number, absolute path or host name', () => {
    const dir = join(projectRoot, 'schema', findQemu(version).target);
    const files = snapshot(dir);
    for (const [file, text] of Object.entries(files)) {
      expect(text, file).not.toMatch(/"\$ref": "[^"]*#\/definitions\/[0-9]/);
      expect(text, file).not.toContain(projectRoot);
      expect(text.endsWith('}\n'), file).toBe(true);
      if (file !== 'target.json' && file !== 'devices.json') {
        const doc = JSON.parse(text) as { definitions: Record<string, unknown> };
        for (const k of Object.keys(doc.definitions)) expect(k, file).not.toMatch(/^[0-9]+$|^\[/);
      }
    }
  });
});
