/**
 * `qmp-sdk/codegen`: the importer and the generator as functions (the `qmp-codegen` command is a
 * thin layer over these). Only `generateTarget` and `renderTarget` need the optional peer `ts-morph`;
 * they load it on their first call, so everything else here works in a runtime-only install.
 *
 * ```ts
 * import { importTarget, generateTarget } from 'qmp-sdk/codegen';
 * await importTarget({ source: { qemu: '/usr/bin/qemu-system-x86_64' }, qapiSource: './qemu/qapi', outDir: 'schema/my-qemu' });
 * await generateTarget({ schemaDir: 'schema/my-qemu', outDir: 'src/qmp' });
 * ```
 */
export { importTarget, importQga, ImportError, isImportError, importerVersion } from './import/index.js';
export type { ImportOptions, ImportResult, ImportSource, ImportSummary, QgaImportOptions, TargetMeta } from './import/index.js';
export { generateTarget, renderTarget } from './generator-on-demand.js';
export type { RenderedTarget } from './generator-on-demand.js';
export type { GenerateOptions, GenerateResult } from './generate/generate.js';
export { GenerateError, isGenerateError } from './generate/errors.js';
export { loadQapiSource, recoverQapiNames, QapiSyntaxError, QapiSourceError, isQapiSyntaxError, isQapiSourceError } from './qapi/index.js';
export type { QapiDoc, QapiNames, QapiSource, QapiWarning } from './qapi/index.js';
export { diffSchemas, diffModels, diffToMarkdown, diffBreakingExitCode, loadSchema, loadSchemaFolder, schemaFromDocuments, schemaModel, schemaSupports, DiffError, isDiffError } from './diff/index.js';
export type { DiffChange, DiffClass, DiffEntry, DiffReport, LoadedSchema, SchemaSource, SchemaDocuments } from './diff/index.js';
