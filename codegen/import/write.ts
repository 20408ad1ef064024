/**
 * Writing a target's schema folder: atomically, and only over a folder that holds nothing but
 * schema files the importer wrote (see `../own-folder.ts`); anything else is refused with an
 * {@link ImportError} naming the entry, and nothing is written or removed then.
 */
import { checkOwnFolder, isImportedSchemaFile, replaceOwnFolder } from '../own-folder.js';
import { ImportError } from './errors.js';

const refuse = (path: string, why: string): ImportError => new ImportError(why, path);

/** Throws an {@link ImportError} unless `outDir` is missing or holds only the importer's files. */
export function checkSchemaFolder(outDir: string): void {
  checkOwnFolder(outDir, isImportedSchemaFile, refuse);
}

/** Replaces `outDir` with a folder holding exactly `files` (name → text). */
export async function replaceFolder(outDir: string, files: ReadonlyMap<string, string>): Promise<void> {
  replaceOwnFolder(outDir, files, isImportedSchemaFile, refuse);
}
