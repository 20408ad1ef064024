/**
 * Schema diff (`qmp-codegen diff A B`) and feature probing over a schema without a connection, both
 * on the schema model read back from the importer's output (`model.ts`).
 */
export { diffSchemas } from './run.js';
export { diffModels } from './diff.js';
export type { DiffChange, DiffClass, DiffEntry, DiffReport } from './diff.js';
export { diffToMarkdown } from './markdown.js';
export { diffCli, diffBreakingExitCode } from './cli.js';
export { loadSchema, loadSchemaFolder, schemaFromDocuments } from './sources.js';
export type { LoadedSchema, SchemaSource } from './sources.js';
export { schemaModel } from './model.js';
export type { SchemaDocuments } from './model.js';
export { schemaSupports } from './supports.js';
export { DiffError, isDiffError } from './errors.js';
