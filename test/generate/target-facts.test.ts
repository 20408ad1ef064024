/**
 * The target's QEMU version and architecture, from `target.json` into the generated binding; a
 * malformed one is a GenerateError naming the member, and nothing is written.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTarget } from '../../codegen/generate/generate.js';
import { isGenerateError } from '../../codegen/generate/errors.js';
import { copyFixture, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.done());

function fixtureWith(name: string, edit: (meta: Record<string, unknown>) => void): string {
  const dir = join(tmp.dir, name);
  copyFixture(dir);
  const meta = JSON.parse(readFileSync(join(dir, 'target.json'), 'utf8')) as Record<string, unknown>;
  edit(meta);
  writeFileSync(join(dir, 'target.json'), JSON.stringify(meta));
  return dir;
}

describe('target version and architecture', () => {
  it('are emitted into target.ts from target.json; absent or null ones are left out', async () => {
    await generateTarget({ schemaDir: fixtureWith('good', () => {}), outDir: join(tmp.dir, 'out-good') });
    const text = readFileSync(join(tmp.dir, 'out-good', 'target.ts'), 'utf8');
    expect(text).toContain('qemu: Object.freeze({ major: 9, minor: 9, micro: 0 }),');
    expect(text).toContain('arch: "x86_64",');
    await generateTarget({ schemaDir: fixtureWith('bare', (m) => { delete m['qemu']; delete m['arch']; }), outDir: join(tmp.dir, 'out-bare') });
    const bare = readFileSync(join(tmp.dir, 'out-bare', 'target.ts'), 'utf8');
    expect(bare).not.toMatch(/qemu:|arch:/);
    // `import --file` writes null for what a saved reply cannot tell
    await generateTarget({ schemaDir: fixtureWith('nulls', (m) => { m['qemu'] = null; m['arch'] = null; }), outDir: join(tmp.dir, 'out-nulls') });
    expect(readFileSync(join(tmp.dir, 'out-nulls', 'target.ts'), 'utf8')).not.toMatch(/qemu:|arch:/);
  });

  it.each([
    ['qemu is a string', (m: Record<string, unknown>) => (m['qemu'] = '10.0'), /target\.json#\/qemu: must be \{ "major", "minor", "micro" \}/],
    ['a negative minor', (m: Record<string, unknown>) => (m['qemu'] = { major: 10, minor: -1, micro: 0 }), /target\.json#\/qemu/],
    ['code in arch', (m: Record<string, unknown>) => (m['arch'] = 'x86"; process.exit(1); "'), /target\.json#\/arch: must be an architecture name/],
  ])('%s: a GenerateError naming the member, nothing written', async (name, edit, pattern) => {
    const outDir = join(tmp.dir, `out-${name.replace(/\W+/g, '-')}`);
    const error = await generateTarget({ schemaDir: fixtureWith(name.replace(/\W+/g, '-'), edit), outDir }).catch((e: unknown) => e);
    expect(isGenerateError(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(pattern);
    expect(existsSync(outDir)).toBe(false);
  });
});
