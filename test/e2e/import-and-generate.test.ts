/**
 * After a QEMU upgrade, one command: `qmp-codegen import --qemu … --generate <dir>` imports the new
 * QEMU's schema and generates the typed SDK from it; `tsc` then shows what broke.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findQemu } from '../../scripts/qemus.js';
import { runtimeAbs, tempDir, typecheck } from '../generate/helpers.js';
import { runTsx, type TsxResult } from '../support/tsx.js';

const tmp = tempDir('qmp-import-generate-');
afterAll(() => tmp.done());

function cli(args: string[]): TsxResult {
  return runTsx('codegen/cli.ts', args);
}

describe('qmp-codegen import --generate', () => {
  it('imports a real QEMU and generates a typed SDK that compiles, in one command', () => {
    const q = findQemu('7.2');
    const schema = join(tmp.dir, 'schema');
    const out = join(tmp.dir, 'qmp');
    const r = cli(['import', '--qemu', q.binary, '--qapi-source', q.qapiSource, '--out', schema, '--generate', out, '--runtime-import', runtimeAbs]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^qemu-7\.2-x86_64 \(from binary\): 216 commands, 52 events, \d+ types → /m);
    expect(r.stdout).toMatch(/^generated qemu-7\.2-x86_64 → .*: 216 commands, 52 events, \d+ types$/m);
    expect(typecheck([join(out, 'index.ts'), join(out, 'validators.ts')], out)).toEqual([]);
  }, 60_000);

  it('refuses --generate with --dry-run, and --runtime-import without --generate (usage errors, nothing written)', () => {
    const out = join(tmp.dir, 'never');
    const dry = cli(['import', '--file', 'x.json', '--dry-run', '--generate', out]);
    expect(dry.status).toBe(2);
    expect(dry.stderr).toContain('--generate needs the schema written');
    const lone = cli(['import', '--file', 'x.json', '--runtime-import', 'qmp-sdk/runtime']);
    expect(lone.status).toBe(2);
    expect(lone.stderr).toContain('--runtime-import goes with --generate');
    expect(existsSync(out)).toBe(false);
  });
});
