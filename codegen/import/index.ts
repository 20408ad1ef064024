/**
 * The introspection importer: `query-qmp-schema` of a real QEMU (+ optionally its QAPI source for
 * names and docs) → the JSON Schema files of a target (`schema/<target>/`, see `schema/FORMAT.md`).
 */
export { importTarget, buildTarget } from './import-target.js';
export type { ImportOptions, ImportResult, ImportSource, ImportSummary, TargetMeta } from './import-target.js';
export { ImportError, isImportError } from './errors.js';
export { checkIntrospection } from './check.js';
export type { Introspection } from './check.js';
export { nameTypes } from './naming.js';
export { pascalCase } from '../pascal-case.js';
export type { Naming, NamedType, Step } from './naming.js';
export { stringifyStable } from './json.js';
export { compileTarget, formatAjv } from './validate.js';
export { readIntrospectionFile } from './source-file.js';
export { fetchFromQemu, fetchFromSocket, importQemuArgs } from './source-live.js';
export { devicesDocument, fetchDevices } from './devices.js';
export type { DeviceArgumentMode, DeviceImport, DeviceModel, DeviceProperty } from './devices.js';
export { parseLossless } from './lossless-json.js';
export type { LosslessJson } from './lossless-json.js';
export type { Fetched } from './fetched.js';
export { importerVersion } from './version.js';
export { importCli } from './cli.js';
export { importQga, parseQemuVersion } from './qga-import.js';
export type { QgaImportOptions } from './qga-import.js';
export { qapiIntBounds, isQapiIntType } from './int-widths.js';
export type { QapiIntType, IntWidthCounts } from './int-widths.js';
export type * from '../qapi/introspection.js';
