/** The files of a target's schema folder (`schema/<target>/`, see `schema/FORMAT.md`) and of `schema/protocol/`. */

/** The four definition files of a target, by base name, in the order the generator reads them. */
export const schemaFiles = ['types', 'commands', 'returns', 'events'] as const;

/** One of {@link schemaFiles} (`types`, `commands`, `returns`, `events`). */
export type SchemaFile = (typeof schemaFiles)[number];

/** The file name of a definition file: `types` → `types.json`. */
export type SchemaFileName = `${SchemaFile}.json`;

/** `types` → `types.json`. */
export function schemaFileName(file: SchemaFile): SchemaFileName {
  return `${file}.json`;
}

/** The definition files by file name, sorted (the order the importer writes and the diff reads them). */
export const schemaFileNames: readonly SchemaFileName[] = schemaFiles.map(schemaFileName).sort();

/** The target's metadata file (not a schema). */
export const targetFileName = 'target.json';

/** The device models file, when the importer read them. */
export const devicesFileName = 'devices.json';

/** The protocol schema files (`schema/protocol/<name>.json`) the validators need. */
export const protocolFiles = ['command', 'success', 'error', 'event', 'greeting', 'server-message', 'message'] as const;
