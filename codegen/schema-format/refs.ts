/**
 * `$id`s and `$ref`s of the schema format (`schema/FORMAT.md`): every document's `$id` is
 * `https://qmp-sdk.invalid/schema/<target>/<file>.json`; a `$ref` names a whole definition,
 * `#/definitions/<key>` in the same file or `types.json#/definitions/<key>` from another.
 */
import { schemaFileName, schemaFiles, type SchemaFile } from './files.js';

/** The prefix of every schema document's `$id`. */
export const schemaBaseId = 'https://qmp-sdk.invalid/schema';

/** `$id` of a target's definition file, e.g. `https://qmp-sdk.invalid/schema/qemu-10.0-x86_64/types.json`. */
export function schemaId(target: string, file: SchemaFile): string {
  return `${schemaBaseId}/${target}/${schemaFileName(file)}`;
}

/** `$id` of a protocol schema, e.g. `https://qmp-sdk.invalid/schema/protocol/greeting.json`. */
export function protocolId(name: string): string {
  return `${schemaBaseId}/protocol/${name}.json`;
}

/** The JSON Pointer and URI escaping of one definition key in a `$ref` fragment. */
function escapeKey(key: string): string {
  return encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'));
}

/** The `$ref`, written in `from`, to definition `key` of `to` (same file: `#/definitions/<key>`). */
export function definitionRef(from: SchemaFile, to: SchemaFile, key: string): string {
  return `${from === to ? '' : schemaFileName(to)}#/definitions/${escapeKey(key)}`;
}

/** What a `$ref` names: a whole definition of one of the target's files. */
export interface RefTarget {
  readonly file: SchemaFile;
  readonly key: string;
}

/**
 * Parses a `$ref` found in `file` (`#/definitions/K`, `types.json#/definitions/K`,
 * `./types.json#/…`); returns why not when it is not one of those.
 */
export function parseDefinitionRef(ref: string, file: SchemaFile): RefTarget | { readonly error: string } {
  const hash = ref.indexOf('#');
  const path = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? '' : ref.slice(hash + 1);
  let target: SchemaFile | undefined = path === '' ? file : undefined;
  for (const f of schemaFiles) if (path === schemaFileName(f) || path === `./${schemaFileName(f)}`) target = f;
  let decoded: string;
  try {
    decoded = decodeURIComponent(fragment);
  } catch {
    return { error: `$ref ${JSON.stringify(ref)} has a malformed fragment` };
  }
  const tokens = decoded.split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (target === undefined || tokens.length !== 3 || tokens[0] !== '' || tokens[1] !== 'definitions') {
    return { error: `unsupported $ref ${JSON.stringify(ref)} (expected <file>.json#/definitions/<name>)` };
  }
  return { file: target, key: tokens[2] as string };
}
