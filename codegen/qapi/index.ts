/**
 * The QAPI source reader: loads QEMU's `qapi/*.json` (folder, file or source tarball), parses doc
 * comments, and recovers QAPI names and docs for the masked types of `query-qmp-schema`.
 */
export type {
  QapiDefinition,
  QapiDoc,
  QapiLocation,
  QapiNames,
  QapiSource,
  QapiWarning,
  LoadQapiSource,
  RecoverQapiNames,
} from './types.js';
export { loadQapiSource } from './load.js';
export { recoverQapiNames, type QapiUnnamedReason } from './recover.js';
export { QapiSyntaxError, QapiSourceError, isQapiSyntaxError, isQapiSourceError } from './errors.js';
export { parseDocBlock, type ParsedDocBlock } from './doc.js';
export { parseQapiFile, type QapiItem, type QapiValue } from './parser.js';
export { summarizeQapiNames, type QapiNamesSummary } from './summary.js';
