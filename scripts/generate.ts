/**
 * `npm run generate` (repository maintenance, not published): regenerates every committed target,
 * `schema/qemu-*` → `generated/qemu-*` and `schema/qga-*` → `generated/qga-*`, importing the runtime by relative path as the repository's
 * own targets do. Exit code 0 ok, 1 a target failed, 2 usage error.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateCli } from '../codegen/generate/cli.js';
import { projectRoot as root } from './qemus.js';

async function generateAll(args: readonly string[]): Promise<number> {
  if (args.length > 0) {
    console.error('generate: takes no options (usage: npm run generate)');
    return 2;
  }
  const targets = readdirSync(join(root, 'schema'))
    .filter((d) => /^(qemu|qga)-/.test(d) && existsSync(join(root, 'schema', d, 'target.json')))
    .sort();
  if (targets.length === 0) {
    console.error(`generate: no schema/qemu-* or schema/qga-* target in ${root}`);
    return 1;
  }
  let failed = 0;
  for (const t of targets) {
    const code = await generateCli(['--schema', join(root, 'schema', t), '--out', join(root, 'generated', t), '--runtime-import', '../../runtime/index.js']);
    if (code !== 0) failed++;
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await generateAll(process.argv.slice(2));
