/**
 * The guest agent helpers: `exec`, `readFile`/`writeFile`, `fsfreeze`, each a function of a {@link QgaExecutor}
 * (the `QgaClient`, or anything with an `execute(name, args, { signal })`), also offered as methods of the client.
 */
export { CLEANUP_AFTER_ABORT_MS, type QgaCallOptions, type QgaExecutor } from './executor.js';
export { exec, type QgaExecOptions, type QgaExecResult } from './exec.js';
export { readFile, writeFile, type QgaFileOptions } from './files.js';
export { fsfreeze, type QgaFsfreezeOptions } from './fsfreeze.js';
export { QgaFileError, QgaFsfreezeError, isQgaFileError, isQgaFsfreezeError, type QgaFileStep, type QgaFsfreezeStep } from './errors.js';
export { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES } from './transfer-limits.js';
