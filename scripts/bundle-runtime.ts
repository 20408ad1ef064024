/**
 * Build step after `tsc` (`npm run build`, so also `npm pack`): bundles the runtime's published
 * entries — `qmp-sdk/runtime` (`dist/runtime/index.js`), `qmp-sdk/runtime/validation`,
 * `qmp-sdk/runtime/qga` and `qmp-sdk/testing` — in place with esbuild, code shared between them in
 * chunks (`dist/runtime/chunks/`), so that one class (an error, the client) is one class whichever
 * entry a process loads. Why: the runtime is many small modules (folder = layer, one idea per
 * file), and Node's ESM loader pays per module; loading the runtime entry as 41 modules took about
 * 1.5× the time of the round-1 runtime (31 modules), as a bundle it takes less than that
 * (`npm run bench`, "generator": import of the generated entry). The generated targets import only
 * these entries (checked by `test/layering.test.ts`), so they load the bundles too; the `.d.ts` files
 * stay per module (tsc's). Packages (`ajv`) stay external; Node built-ins are left to Node.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { projectRoot } from './qemus.js';

const dist = join(projectRoot, 'dist');
const entries = ['runtime/index.js', 'runtime/validation.js', 'runtime/qga/index.js', 'testing/index.js'].map((e) => join(dist, e));
for (const e of entries) if (!existsSync(e)) throw new Error(`${e} does not exist: run tsc -p tsconfig.build.json first`);

const result = await build({
  entryPoints: entries,
  outdir: dist,
  outbase: dist,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'runtime/chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
for (const [file, out] of Object.entries(result.metafile.outputs).sort()) {
  console.log(`${file.slice(file.indexOf('dist/'))}: ${out.bytes} bytes from ${Object.keys(out.inputs).length} modules`);
}
