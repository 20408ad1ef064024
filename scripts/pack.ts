/**
 * The publish path, as a publisher runs it: a fresh `git clone` of a commit → `npm ci` → `npm pack`
 * (whose `prepack` builds), and fresh projects that install the tarball as a user would. Used by the
 * published-package test (`test/package/`) and the install-size benchmark (`bench/install-size.ts`).
 * Every npm call works from the local cache first (`--prefer-offline`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './qemus.js';

/** The environment for child npm/git calls: the user's npm config, none of the calling script's npm state. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !/^npm_config_/i.test(k)) continue;
    if (/^npm_config_(prefix|global|local_prefix|ignore_scripts|omit|include|production|dry_run)$/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function run(cmd: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, env: cleanEnv(env), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${String(e.status)}):\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

export interface PackedCommit {
  /** The commit packed (full hash). */
  commit: string;
  /** The clone it was packed from. */
  clone: string;
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** Paths inside the tarball (without the `package/` prefix), sorted. */
  files: string[];
}

/**
 * Clones `ref` of this repository into `<workDir>/clone` (the committed state, not the work tree),
 * runs `npm ci` and `npm pack` there, and returns the tarball. `buildFirst` runs `npm run build`
 * before packing, for commits older than the `prepack` script (the benchmark's baseline).
 */
export function packCommit(workDir: string, ref = 'HEAD', opts: { buildFirst?: boolean } = {}): PackedCommit {
  const commit = run('git', ['rev-parse', '--verify', `${ref}^{commit}`], projectRoot).trim();
  const clone = join(workDir, 'clone');
  // The build's own temporary files (tsx's cache …) stay inside workDir.
  const tmp = join(workDir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  run('git', ['clone', '--quiet', '--no-checkout', projectRoot, clone], workDir);
  run('git', ['checkout', '--quiet', '--detach', commit], clone);
  run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], clone, { TMPDIR: tmp });
  if (opts.buildFirst === true) run('npm', ['run', 'build'], clone, { TMPDIR: tmp });
  // stdout holds the prepack build's output too; npm's JSON report is last, from a line '['.
  const stdout = run('npm', ['pack', '--json', '--pack-destination', workDir], clone, { TMPDIR: tmp });
  const start = stdout.lastIndexOf('\n[\n');
  const out = JSON.parse(start === -1 ? stdout : stdout.slice(start + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const packed = out[0];
  if (packed === undefined) throw new Error(`npm pack printed no result in ${clone}`);
  return { commit, clone, tarball: join(workDir, packed.filename), files: packed.files.map((f) => f.path).sort() };
}

/**
 * A fresh project in `dir` (`package.json` with `"type": "module"`, nothing else) that installs
 * `specs` (a tarball path first, then e.g. `ts-morph@^28`) with npm, as a user would.
 */
export function installProject(dir: string, specs: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'qmp-sdk-user', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', ...specs], dir);
}

/** One installed package: its name, version and folder. */
export interface InstalledPackage {
  name: string;
  version: string;
  dir: string;
}

/** Every package under `nodeModules`, nested ones included (as npm laid them out), sorted by name. */
export function installedPackages(nodeModules: string): InstalledPackage[] {
  const found: InstalledPackage[] = [];
  const visit = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const folders = entry.name.startsWith('@')
        ? readdirSync(join(dir, entry.name), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, entry.name, e.name))
        : [join(dir, entry.name)];
      for (const folder of folders) {
        const manifest = join(folder, 'package.json');
        if (!existsSync(manifest)) continue;
        const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string };
        found.push({ name, version, dir: folder });
        visit(join(folder, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Bytes of every file under `dir` (apparent size, as `du -sb` counts it; links not followed). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}
