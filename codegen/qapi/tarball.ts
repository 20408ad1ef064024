/** Extracts the `qapi/*.json` files of a QEMU source tarball with the system `tar`. */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { QapiSourceError } from './errors.js';

const run = promisify(execFile);

/** Tarball names the reader accepts. */
export const tarballPattern = /\.(tar\.(xz|gz|bz2|zst)|tgz|tbz2|txz|tar)$/;

/** A folder holding the extracted `qapi/` files; `dispose()` removes it. */
export interface ExtractedQapi {
  /** The folder holding `qapi-schema.json`. */
  dir: string;
  /** The folder's path inside the archive, e.g. `qemu-7.2.0/qapi`. */
  inner: string;
  dispose(): Promise<void>;
}

/**
 * Extracts only `* /qapi/*.json` (one level below the archive's top folder) into a temp folder.
 * Throws {@link QapiSourceError} when tar fails or the archive has no `qapi/qapi-schema.json`.
 */
export async function extractQapiTarball(tarball: string): Promise<ExtractedQapi> {
  const tmp = await mkdtemp(join(tmpdir(), 'qmp-qapi-'));
  const dispose = (): Promise<void> => rm(tmp, { recursive: true, force: true });
  try {
    try {
      await run('tar', ['-xf', tarball, '-C', tmp, '--wildcards', '--no-wildcards-match-slash', '*/qapi/*.json'], {
        maxBuffer: 1 << 20,
      });
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr ?? '';
      throw new QapiSourceError(tarball, `cannot extract qapi/*.json with tar: ${stderr.trim() || String(e)}`, { cause: e });
    }
    for (const top of await readdir(tmp)) {
      const dir = join(tmp, top, 'qapi');
      if (await isFile(join(dir, 'qapi-schema.json'))) return { dir, inner: `${top}/qapi`, dispose };
    }
    throw new QapiSourceError(tarball, 'the archive has no <top>/qapi/qapi-schema.json');
  } catch (e) {
    await dispose();
    throw e;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
