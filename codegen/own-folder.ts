/**
 * Writing an output folder that can never remove what the command did not write (issue 10 item 2):
 * `qmp-codegen import --out DIR` and `generate --out DIR` both go through {@link replaceOwnFolder}.
 *
 * - A folder is replaced only when every entry in it is a plain file this package wrote (the
 *   caller's `isOurs`: a marker inside the file, not only its name); anything else (a subfolder, a
 *   symbolic link, a README.md) refuses the write, naming that entry. A path that is the current
 *   folder or one of its ancestors (`--out .`, `--out ..`) is refused whatever it holds.
 * - New files go to a fresh temporary sibling, which takes the target's name by rename. The previous
 *   folder is first renamed aside and checked again (a file may have appeared since the first look);
 *   then only the files found to be ours are unlinked, one by one, and the emptied folder is removed
 *   with a plain `rmdir`, which fails rather than delete anything that appeared meanwhile. No
 *   recursive removal ever touches a folder this command did not create itself.
 * - On any error the temporary folder is removed and the previous folder is put back.
 */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, rmdirSync, unlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { schemaBaseId } from './schema-format/refs.js';

/** Says whether a file (its name and text) was written by this package. */
export type OwnFileTest = (name: string, text: string) => boolean;

/** Why `dir` may not be replaced (the entry at fault and why), or undefined; the entries found to be ours otherwise. */
function inspect(dir: string, isOurs: OwnFileTest): { problem: { path: string; why: string } } | { ours: string[] } | undefined {
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (st.isSymbolicLink()) return { problem: { path: dir, why: 'is a symbolic link' } };
  if (!st.isDirectory()) return { problem: { path: dir, why: 'is not a folder' } };
  const ours: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const entry = lstatSync(path);
    if (!entry.isFile()) return { problem: { path, why: entry.isDirectory() ? 'is a folder' : 'is not a plain file' } };
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return { problem: { path, why: 'cannot be read' } };
    }
    if (!isOurs(name, text)) return { problem: { path, why: 'is not a file written by qmp-codegen' } };
    ours.push(name);
  }
  return { ours };
}

/** Refusal of a folder: the error the caller's command raises, given the place and the reason. */
export type RefuseError = (path: string, why: string) => Error;

const refusal = (why: string): string => `${why}; refusing to replace the output folder (it may only hold files qmp-codegen wrote)`;

/**
 * `dir` with symbolic links resolved: the real path of its nearest existing ancestor, then the rest
 * (a path through a link, `link/a` for `proj/a`, names the same folder as `proj/a`).
 */
function realPath(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    const parent = dirname(dir);
    return parent === dir ? dir : join(realPath(parent), basename(dir));
  }
}

/** True when `dir` is the current folder or contains it, also when reached through a symbolic link. */
function holdsCwd(dir: string): boolean {
  const cwd = realPath(process.cwd());
  return [dir, realPath(dir)].some((d) => {
    const rel = relative(d, cwd);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

/** Throws unless `outDir` is missing or holds only our files (the check {@link replaceOwnFolder} makes first). */
export function checkOwnFolder(outDir: string, isOurs: OwnFileTest, refuse: RefuseError): void {
  const target = resolve(outDir);
  if (holdsCwd(target)) throw refuse(target, refusal('is the current folder or holds it'));
  const found = inspect(target, isOurs);
  if (found !== undefined && 'problem' in found) throw refuse(found.problem.path, refusal(found.problem.why));
}

/** Replaces `outDir` with a folder holding exactly `files` (name → text); see the file comment. */
export function replaceOwnFolder(outDir: string, files: ReadonlyMap<string, string>, isOurs: OwnFileTest, refuse: RefuseError): void {
  const target = resolve(outDir);
  checkOwnFolder(target, isOurs, refuse);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(join(parent, `.${basename(target)}.new-`));
  chmodSync(tmp, 0o755);
  let aside: string | undefined;
  let ours: string[] = [];
  try {
    for (const [name, text] of files) writeFileSync(join(tmp, name), text, { flag: 'wx' });
    if (inspect(target, isOurs) !== undefined) {
      aside = `${tmp.replace(/\.new-([^/]*)$/, '.old-$1')}`;
      renameSync(target, aside);
      const again = inspect(aside, isOurs);
      if (again !== undefined && 'problem' in again) {
        renameSync(aside, target);
        aside = undefined;
        throw refuse(join(target, basename(again.problem.path)), refusal(`${again.problem.why} (it appeared while writing)`));
      }
      ours = again !== undefined && 'ours' in again ? again.ours : [];
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true }); // our own fresh folder
    if (aside !== undefined) {
      try {
        renameSync(aside, target);
      } catch {
        // the target name was taken meanwhile: the previous output stays at `aside`
      }
    }
    throw err;
  }
  if (aside !== undefined) {
    for (const name of ours) unlinkSync(join(aside, name));
    try {
      rmdirSync(aside);
    } catch {
      // something appeared in the old folder after its check: it stays, beside the new output
    }
  }
}

/** A schema file written by the importer: JSON with the importer's `$id` prefix, or `target.json`'s `importer` record. */
export const isImportedSchemaFile: OwnFileTest = (name, text) => {
  if (!name.endsWith('.json')) return false;
  try {
    const doc = JSON.parse(text) as unknown;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
    const { $id, importer, target, models } = doc as Record<string, unknown>;
    return (
      (typeof $id === 'string' && $id.startsWith(`${schemaBaseId}/`)) ||
      (name === 'target.json' && typeof importer === 'object' && importer !== null) ||
      // devices.json (schema/FORMAT.md, "Device models"): the target's name and the models read from QEMU.
      (name === 'devices.json' && typeof target === 'string' && typeof models === 'object' && models !== null)
    );
  } catch {
    return false;
  }
};

/** A file written by the generator: a `.ts` file starting with the generator's header. */
export const isGeneratedFile: OwnFileTest = (name, text) => name.endsWith('.ts') && text.startsWith('// @generated by qmp-codegen');
