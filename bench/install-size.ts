/**
 * Install-size benchmark: what each kind of user installs, for this commit and for a baseline commit
 * (default: `db82a6f`, the last commit before issue 11 made the generator's libraries optional),
 * both packed the way a publisher does (fresh clone → `npm ci` → `npm pack`, `scripts/pack.ts`):
 *  - runtime only: `npm install qmp-sdk`;
 *  - validators in a bundle: the same install, then `qmp-sdk/validators` bundled for a browser with
 *    esbuild (minified; gzip at level 9) — the bundle is what such a user ships;
 *  - regenerate: `npm install qmp-sdk` plus the generator's library (`ts-morph`; before this commit also `ajv`) where the
 *    commit makes them optional peers.
 * Sizes are apparent bytes of `node_modules` (as `du -sb`); packages are counted as npm laid them out.
 * It prints the README's table.
 *
 * Run: `npx tsx bench/install-size.ts [baseline-ref]` (or `npm run bench`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { folderBytes, installedPackages, installProject, packCommit } from '../scripts/pack.js';

/** The commit the figures are compared with. */
export const defaultBaseline = 'db82a6f';

export interface InstallFigures {
  commit: string;
  tarballBytes: number;
  runtime: { packages: number; bytes: number };
  bundle: { minified: number; gzip: number };
  regenerate: { packages: number; bytes: number; extra: string[] };
}

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
const kb = (n: number): string => `${(n / 1e3).toFixed(0)} KB`;

/** Packs `ref` from a clean clone and measures the three kinds of install. */
export async function measureInstall(ref: string, opts: { buildFirst?: boolean } = {}): Promise<InstallFigures> {
  const work = mkdtempSync(join(tmpdir(), 'qmp-sdk-install-size-'));
  try {
    const packed = packCommit(work, ref, opts);
    const manifest = JSON.parse(readFileSync(join(packed.clone, 'package.json'), 'utf8')) as { peerDependencies?: Record<string, string>; dependencies?: Record<string, string> };
    const runtimeDir = join(work, 'runtime');
    installProject(runtimeDir, [packed.tarball]);
    const runtimeModules = join(runtimeDir, 'node_modules');

    const bundled = await build({
      stdin: { contents: "export * from 'qmp-sdk/validators';", resolveDir: runtimeDir, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    const code = bundled.outputFiles[0]?.contents ?? new Uint8Array();

    const extra = Object.entries(manifest.peerDependencies ?? {}).map(([name, range]) => `${name}@${range}`);
    const regenDir = join(work, 'regenerate');
    installProject(regenDir, [packed.tarball, ...extra]);
    const regenModules = join(regenDir, 'node_modules');
    return {
      commit: packed.commit.slice(0, 7),
      tarballBytes: readFileSync(packed.tarball).length,
      runtime: { packages: installedPackages(runtimeModules).length, bytes: folderBytes(runtimeModules) },
      bundle: { minified: code.length, gzip: gzipSync(code, { level: 9 }).length },
      regenerate: { packages: installedPackages(regenModules).length, bytes: folderBytes(regenModules), extra },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The README's table: baseline and this commit side by side. */
export function installTable(before: InstallFigures, after: InstallFigures): string {
  const row = (what: string, f: (x: InstallFigures) => string): string => `| ${what} | ${f(before)} | ${f(after)} |`;
  return [
    `| what a user installs (\`npm install …\`) | before (${before.commit}) | now (${after.commit}) |`,
    '|---|---|---|',
    row('runtime only: `qmp-sdk`', (x) => `${mb(x.runtime.bytes)}, ${x.runtime.packages} package${x.runtime.packages === 1 ? '' : 's'}`),
    row('validators in a browser bundle (esbuild, minified / gzip)', (x) => `${kb(x.bundle.minified)} / ${kb(x.bundle.gzip)}`),
    row('regenerate: `qmp-sdk` + the generator', (x) => `${mb(x.regenerate.bytes)}, ${x.regenerate.packages} packages${x.regenerate.extra.length > 0 ? ` (+ ${x.regenerate.extra.map((e) => `\`${e.replace(/@[^@]*$/, '')}\``).join(', ')})` : ''}`),
    row('the tarball (`npm pack`)', (x) => mb(x.tarballBytes)),
  ].join('\n');
}

/** `npm run bench` entry: measures the baseline and this commit, prints the table and the ratios. */
export async function runInstallSizeBench(baseline = process.argv[2] ?? defaultBaseline): Promise<void> {
  const before = await measureInstall(baseline, { buildFirst: true });
  const after = await measureInstall('HEAD');
  console.log(installTable(before, after));
  console.log(
    `runtime install ${(after.runtime.bytes / before.runtime.bytes).toFixed(2)}× of the baseline's bytes, ` +
      `validator bundle ${(after.bundle.gzip / before.bundle.gzip).toFixed(2)}× gzipped`,
  );
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await runInstallSizeBench();
