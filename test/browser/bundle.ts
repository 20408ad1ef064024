/**
 * Bundles an entry that imports `qmp-sdk/…` for the browser with esbuild, the way an application
 * would, but from this repository's sources: a `qmp-sdk/<subpath>` import is resolved through the
 * package's own `exports` map (`./dist/X.js` → `X.ts`), so the map itself is what is tested.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { projectRoot as root } from '../../scripts/qemus.js';

/** Resolves `qmp-sdk` and `qmp-sdk/<subpath>` through package.json `exports` to the TypeScript source. */
export const exportsMapToSource: Plugin = {
  name: 'qmp-sdk-exports-to-source',
  setup(b) {
    const exports = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { default?: string } | string> }).exports;
    b.onResolve({ filter: /^qmp-sdk(\/.*)?$/ }, (args) => {
      const key = `.${args.path.slice('qmp-sdk'.length)}`;
      const entry = exports[key];
      const target = typeof entry === 'string' ? entry : entry?.default;
      if (target === undefined || !/^\.\/dist\/.*\.js$/.test(target)) return { errors: [{ text: `package.json exports has no '${key}' entry` }] };
      return { path: join(root, target.slice('./dist/'.length).replace(/\.js$/, '.ts')) };
    });
  },
};

export interface Bundle {
  code: string;
  metafile: Metafile;
}

/** Bundles `source` (TypeScript, ESM) for browsers, minified; fails on any unresolved import, Node built-ins included. */
export async function bundleForBrowser(source: string): Promise<Bundle> {
  const r = await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [exportsMapToSource],
  });
  const out = r.outputFiles[0];
  if (out === undefined) throw new Error('esbuild wrote no output');
  return { code: out.text, metafile: r.metafile };
}
