/**
 * `qmp-codegen diff` / `loadSchema` given a hostile schema folder: a FIFO or a device where a schema
 * file belongs, a file larger than any schema, arrays nested thousands deep. Each is a DiffError
 * naming the file (and the definition), never a hang, an exhausted heap or a stack overflow.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDiffError, loadSchema } from '../../codegen/index.js';
import { maxArrayNesting } from '../../codegen/diff/model.js';
import { maxSchemaFileBytes } from '../../codegen/diff/sources.js';
import { projectRoot } from '../../scripts/qemus.js';
import { runTsx } from '../support/tsx.js';

const folder72 = join(projectRoot, 'schema/qemu-7.2-x86_64');

describe('hostile schema folders', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'diff-hostile-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function copy(name: string): string {
    const d = join(dir, name);
    cpSync(folder72, d, { recursive: true });
    return d;
  }

  async function loadError(d: string): Promise<Error> {
    const err = await loadSchema(d).catch((e: unknown) => e);
    expect(isDiffError(err), String(err)).toBe(true);
    return err as Error;
  }

  it('a FIFO where a schema file belongs is "not a regular file", at once (the command exits 1, no hang)', async () => {
    const d = copy('fifo');
    rmSync(join(d, 'target.json'));
    execFileSync('mkfifo', [join(d, 'target.json')]);
    expect((await loadError(d)).message).toBe(`${join(d, 'target.json')}: not a regular file`);
    const r = runTsx('codegen/cli.ts', ['diff', d, 'schema/qemu-10.0-x86_64']);
    expect(r.stderr).toContain(`qmp-codegen diff: ${join(d, 'target.json')}: not a regular file`);
    expect(r.status).toBe(1);
  });

  it('a symlink to /dev/zero is "not a regular file"; a symlink to a real schema folder reads', async () => {
    const d = copy('zero');
    rmSync(join(d, 'types.json'));
    symlinkSync('/dev/zero', join(d, 'types.json'));
    expect((await loadError(d)).message).toBe(`${join(d, 'types.json')}: not a regular file`);
    const link = join(dir, 'link');
    symlinkSync(folder72, link);
    expect((await loadSchema(link)).label).toBe('qemu-7.2-x86_64');
  });

  it('a file larger than any schema is refused by its size, before it is read', async () => {
    const d = copy('huge');
    truncateSync(join(d, 'events.json'), maxSchemaFileBytes + 1); // sparse: no disk used
    expect((await loadError(d)).message).toBe(`${join(d, 'events.json')}: ${maxSchemaFileBytes + 1} bytes, more than a schema file may have (${maxSchemaFileBytes})`);
  });

  it('arrays nested 20,000 deep are a DiffError naming the definition, not a stack overflow', async () => {
    const d = copy('deep');
    const file = join(d, 'types.json');
    const types = JSON.parse(readFileSync(file, 'utf8'));
    types.definitions.StatusInfo.properties.running = { $ref: '#/definitions/DEEP' };
    types.definitions.DEEP = { type: 'object', properties: { x: { $ref: '#/definitions/PLACEHOLDER' } } };
    const deep = `${'{"type":"array","items":'.repeat(20_000)}{"type":"string"}${'}'.repeat(20_000)}`;
    writeFileSync(file, JSON.stringify(types).replace('{"$ref":"#/definitions/PLACEHOLDER"}', deep));
    const err = await loadError(d);
    expect(err.message).toContain(`types.json#/definitions/DEEP/properties/x${'/items'.repeat(maxArrayNesting)}: arrays nested more than ${maxArrayNesting} deep`);
  });
});
