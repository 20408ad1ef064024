/**
 * The guest agent's runtime entry (`qmp-sdk/runtime/qga`): the untyped `QgaClient` the generated
 * guest agent targets (`qmp-sdk/qga`, `qmp-sdk/qga-7.2`, …) extend, its errors and option types.
 * Kept apart from the QMP entry (`qmp-sdk/runtime`) so that a QMP user's process never loads the
 * guest agent's session and helpers (module count is most of a Node process's import time).
 */
export { QgaClient, type QgaClientClass } from './client.js';
export { QgaNoAgentError, isQgaNoAgentError } from './errors.js';
export { QgaFileError, QgaFsfreezeError, isQgaFileError, isQgaFsfreezeError } from './helpers/index.js';
export type { QgaExecOptions, QgaExecResult, QgaFileOptions, QgaFileStep, QgaFsfreezeOptions, QgaFsfreezeStep } from './helpers/index.js';
export type { QgaClientInit, QgaClientOptions, QgaClientStats, QgaConnectOptions, QgaErrorListener, QgaTargetBinding } from './types.js';
