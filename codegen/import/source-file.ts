/** Reading introspection saved to a file. */
import { readFile } from 'node:fs/promises';
import { ImportError } from './errors.js';
import type { Fetched } from './fetched.js';
import { isRecord } from '../guards.js';

/**
 * Reads a saved introspection: the bare array, a whole `{"return": [...]}` reply, or the
 * `{greeting, schema, version, target}` shape (which also gives `query-version` and `query-target`).
 */
export async function readIntrospectionFile(file: string): Promise<Fetched> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ImportError(`cannot read: ${(err as Error).message}`, file, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ImportError(`not JSON: ${(err as Error).message}`, file, { cause: err });
  }
  if (isRecord(value) && 'schema' in value) {
    return { schema: value.schema, version: value.version, target: value.target, from: 'file' };
  }
  return { schema: value, version: undefined, target: undefined, from: 'file' };
}
