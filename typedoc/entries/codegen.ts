/**
 * The importer (QEMU introspection + QAPI source → JSON Schema) and the generator (JSON Schema →
 * typed SDK + validators) as functions; `qmp-codegen` is a thin layer over them. Needs the optional
 * peer dependencies `ts-morph` and `ajv`.
 *
 * @module qmp-sdk/codegen
 */
export * from '../../codegen/index.js';
