/**
 * Atomic replacement of a target folder: files are written into a temporary sibling folder, which then
 * takes the target's place by rename. On any error the temporary folder is removed and the previous
 * target folder (if any) is left as it was.
 */
import { chmod, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Replaces `outDir` with a folder holding exactly `files` (name → text). */
export async function replaceFolder(outDir: string, files: ReadonlyMap<string, string>): Promise<void> {
  const target = resolve(outDir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${basename(target)}.new-`));
  await chmod(tmp, 0o755);
  let old: string | undefined;
  try {
    for (const [name, text] of files) await writeFile(join(tmp, name), text);
    if (await exists(target)) {
      old = join(parent, `.${basename(target)}.old-${basename(tmp).slice(-6)}`);
      await rename(target, old);
    }
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (old !== undefined && !(await exists(target))) await rename(old, target);
    throw err;
  }
  if (old !== undefined) await rm(old, { recursive: true, force: true });
}
