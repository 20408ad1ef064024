/**
 * Where the QEMUs installed by `scripts/install-qemu.sh` live, for the tests, the benchmarks,
 * the demo and the committed targets. Throws (never skips) with the install command when missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(projectRoot, '.cache');

/** The QEMU versions the project tests against and commits targets for. */
export type QemuVersion = '7.2' | '10.0';
export const qemuVersions: readonly QemuVersion[] = ['7.2', '10.0'];

export interface InstalledQemu {
  version: QemuVersion;
  /** Path of `qemu-system-x86_64`. */
  binary: string;
  /** Environment to start it with (10.0 needs `QEMU_MODULE_DIR` pointing at its own modules). */
  env: Record<string, string>;
  /** Folder holding `qapi-schema.json` and the other `qapi/*.json` of exactly this Debian version. */
  qapiSource: string;
  /** Target name of the committed schema/generated folders. */
  target: string;
}

const installHint =
  'Install the test QEMUs with: sudo bash scripts/install-qemu.sh (Debian bookworm; see README.md)';

/** Locates an installed QEMU, or throws an Error that says how to install it. */
export function findQemu(version: QemuVersion): InstalledQemu {
  const qapiSource = join(cache, `qapi-${version}`);
  let binary: string;
  let env: Record<string, string> = {};
  if (version === '7.2') {
    binary = '/usr/bin/qemu-system-x86_64';
  } else {
    const root = join(cache, 'qemu-10.0');
    binary = join(root, 'usr/bin/qemu-system-x86_64');
    env = { QEMU_MODULE_DIR: join(root, 'usr/lib/x86_64-linux-gnu/qemu') };
  }
  if (!existsSync(binary)) throw new Error(`QEMU ${version} not found at ${binary}. ${installHint}`);
  const out = execFileSync(binary, ['--version'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (!out.includes(`version ${version}.`)) {
    throw new Error(`${binary} is not QEMU ${version} (it says: ${out.split('\n')[0]}). ${installHint}`);
  }
  if (!existsSync(join(qapiSource, 'qapi-schema.json'))) {
    throw new Error(`QAPI source of QEMU ${version} not found in ${qapiSource}. ${installHint}`);
  }
  return { version, binary, env, qapiSource, target: `qemu-${version}-x86_64` };
}

/** The Debian source version the QAPI files came from (recorded by the install script). */
export function qapiSourceVersion(q: InstalledQemu): string {
  return readFileSync(join(q.qapiSource, '.version'), 'utf8').trim();
}

/** An installed guest agent (`qemu-ga`) of one of the project's QEMU versions. */
export interface InstalledQemuGa {
  version: QemuVersion;
  /** Path of `qemu-ga`: 7.2 is Debian bookworm's `/usr/sbin/qemu-ga`, 10.0 the backport unpacked in `.cache/qemu-ga-10.0`. */
  binary: string;
  /** Environment to start it with (none is needed today; kept beside `binary` like {@link InstalledQemu.env}). */
  env: Record<string, string>;
  /** Folder holding the agent's QAPI source `qapi-schema.json` (qga/) and `qemu-ga.rst` of exactly this Debian version. */
  qgaSource: string;
  /** Target name of the committed schema folder (`schema/qga-<version>`). */
  target: string;
}

/** Folder holding `qapi-schema.json` (QEMU's `qga/`) and `qemu-ga.rst` of the agent of this version (may not exist yet). */
export function qgaSourceDir(version: QemuVersion): string {
  return join(cache, `qga-src-${version}`);
}

/** Locates an installed guest agent and its QAPI source, or throws an Error that says how to install them. */
export function findQemuGa(version: QemuVersion): InstalledQemuGa {
  const hint = 'Install the guest agents with: sudo bash scripts/setup.sh (or scripts/install-qemu.sh; Debian bookworm)';
  const binary = version === '7.2' ? '/usr/sbin/qemu-ga' : join(cache, 'qemu-ga-10.0/usr/sbin/qemu-ga');
  if (!existsSync(binary)) throw new Error(`qemu-ga ${version} not found at ${binary}. ${hint}`);
  const out = execFileSync(binary, ['--version'], { encoding: 'utf8' });
  if (!out.includes(`Agent ${version}.`)) throw new Error(`${binary} is not qemu-ga ${version} (it says: ${out.trim().split('\n')[0]}). ${hint}`);
  const qgaSource = qgaSourceDir(version);
  if (!existsSync(join(qgaSource, 'qapi-schema.json'))) throw new Error(`QAPI source of qemu-ga ${version} not found in ${qgaSource}. ${hint}`);
  return { version, binary, env: {}, qgaSource, target: `qga-${version}` };
}
