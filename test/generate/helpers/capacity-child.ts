/**
 * Child process of the capacity test: imports and renders a synthetic introspection (argv: shape
 * `wide` | `chain`, size) in memory and prints the counts as JSON. The test runs it with a small
 * `--stack-size`, so that any recursion per schema entry overflows at a size that runs in seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTarget } from '../../../codegen/import/index.js';
import { renderTarget } from '../../../codegen/generate/generate.js';
import { syntheticIntrospection } from '../../../bench/capacity.js';

const shape = process.argv[2] as 'wide' | 'chain';
const n = Number(process.argv[3]);
const dir = mkdtempSync(join(tmpdir(), 'qmp-capacity-'));
try {
  const schema = syntheticIntrospection(n, shape);
  const fetched = { schema, version: { qemu: { major: 9, minor: 1, micro: 0 }, package: '' }, target: { arch: 'x86_64' }, from: 'file' as const };
  const imported = await buildTarget(fetched, { outDir: join(dir, 's'), targetName: 'big' });
  const rendered = renderTarget({ schemaDir: join(dir, 's') });
  const code = rendered.files.get('validators-code.ts') ?? '';
  console.log(JSON.stringify({ types: imported.meta.counts.types, commands: rendered.counts.commands, validatorsBytes: code.length }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
