/**
 * Where a schema comes from, for the diff and for folder-side feature probing: a schema folder
 * (`schema/<target>/`), a QEMU binary imported on the fly, or a running QEMU's QMP socket. Live
 * sources go through the importer (in memory, nothing written), so every source ends as the same
 * schema model (`model.ts`).
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { importTarget } from '../import/import-target.js';
import type { Introspection } from '../import/check.js';
import { indexIntrospection } from '../../runtime/schema-query.js';
import type { IntrospectionIndex } from '../../runtime/schema-query.js';
import { DiffError } from './errors.js';
import { schemaModel } from './model.js';
import type { SchemaDocuments } from './model.js';
import { schemaFileNames, targetFileName } from '../schema-format/files.js';

/**
 * A schema source. A string is looked at on disk: a folder is a schema folder, a socket a running
 * QEMU's QMP socket (its monitor must be free to accept this connection), any other file a QEMU binary
 * (started with the importer's arguments, `-machine none`, and stopped).
 */
export type SchemaSource =
  | string
  | { dir: string }
  | { socket: string }
  | { qemu: string; env?: Record<string, string>; args?: string[] };

/** A schema read from a source. */
export interface LoadedSchema {
  /** The target name (`target.json`, or the one the importer derived). */
  readonly label: string;
  /** The schema model: introspection entries as the importer checks them. */
  readonly model: Introspection;
  /** The same entries indexed for `runtime/schema-query.ts` (feature probing). */
  readonly index: IntrospectionIndex;
}


/**
 * Largest schema file read, in bytes. The largest committed one (`types.json` of QEMU 10.0) is about
 * 1 MB; QEMU's whole `query-qmp-schema` reply is about 212 KB.
 */
export const maxSchemaFileBytes = 64 * 1024 * 1024;

/**
 * The text of a schema file. Only a regular file is read (opened with `O_NONBLOCK`, so a FIFO with no
 * writer fails at once), and only up to {@link maxSchemaFileBytes}: a FIFO, `/dev/zero` or a file of
 * gigabytes in a schema folder is a {@link DiffError}, never a hang or an exhausted heap.
 */
function readText(path: string, place: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new DiffError(`cannot read: ${(err as Error).message}`, place, { cause: err });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new DiffError('not a regular file', place);
    if (st.size > maxSchemaFileBytes) throw new DiffError(`${st.size} bytes, more than a schema file may have (${maxSchemaFileBytes})`, place);
    return readFileSync(fd, 'utf8');
  } catch (err) {
    if (err instanceof DiffError) throw err;
    throw new DiffError(`cannot read: ${(err as Error).message}`, place, { cause: err });
  } finally {
    closeSync(fd);
  }
}

function readJson(path: string, place: string): Record<string, unknown> {
  const text = readText(path, place);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DiffError(`not JSON: ${(err as Error).message}`, place, { cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new DiffError('not a JSON object', place);
  return value as Record<string, unknown>;
}

/** A schema from documents already in memory (e.g. `importTarget(...).documents`); `place` names them in errors. */
export function schemaFromDocuments(docs: SchemaDocuments, label: string, place: string = label): LoadedSchema {
  const model = schemaModel(docs, place);
  return { label, model, index: indexIntrospection(model.entries, place) };
}

/** Reads a schema folder written by the importer (`commands.json`, `events.json`, `returns.json`, `types.json`, `target.json`). */
export function loadSchemaFolder(dir: string): LoadedSchema {
  const docs: Record<string, Record<string, unknown>> = {};
  for (const f of schemaFileNames) docs[f] = readJson(join(dir, f), join(dir, f));
  const meta = readJson(join(dir, targetFileName), join(dir, targetFileName));
  const label = typeof meta.target === 'string' ? meta.target : dir;
  return schemaFromDocuments(docs, label, dir);
}

function classify(path: string): Exclude<SchemaSource, string> {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new DiffError('no such schema folder, QEMU binary or QMP socket', path, { cause: err });
  }
  if (st.isDirectory()) return { dir: path };
  if (st.isSocket()) return { socket: path };
  if (st.isFile()) return { qemu: path };
  throw new DiffError('not a schema folder, a QEMU binary or a QMP socket', path);
}

/**
 * Loads a schema from a source. Rejects with {@link DiffError} naming the source or file (missing,
 * unreadable, not following `schema/FORMAT.md`), or with the importer's `ImportError` (QEMU would not
 * start, the socket refused, bad introspection).
 */
export async function loadSchema(source: SchemaSource): Promise<LoadedSchema> {
  const s = typeof source === 'string' ? classify(source) : source;
  if ('dir' in s) return loadSchemaFolder(s.dir);
  const place = 'socket' in s ? s.socket : s.qemu;
  const result = await importTarget({ source: s });
  return schemaFromDocuments(result.documents, result.target, place);
}
