/**
 * The public runtime API (`qmp-sdk/runtime`): the client, the launcher, errors and their guards,
 * and the types generated targets build on. Imports only `node:*` modules. Every name is listed
 * (no `export *`): a module's internals never leak into the package by being exported for a neighbour.
 */
export { QmpClient } from './qmp/client.js';
export type {
  ClientClass,
  ClientErrorListener,
  ClientErrorSource,
  ClientInit,
  ClientOptions,
  ClientStats,
  ConnectOptions,
  EventName,
  EventOf,
} from './qmp/client-types.js';
export type { ReconnectNotification, ReconnectOptions } from './qmp/reconnect.js';
export type { VersionMismatchPolicy } from './qmp/version.js';
export { launchQemu } from './qmp/launch.js';
export type { LaunchOptions, LaunchedQemu, QemuExit } from './qmp/launcher.js';
export type { TransportOptions, UnixTransport, TcpTransport, StreamTransport } from './core/transport.js';
export type { CapabilityOptions, QmpGreeting } from './qmp/negotiation.js';
export { checkGreeting, chooseCapabilities } from './qmp/negotiation.js';
export type { EventHandler, EventStream, EventStreamOptions, EventOverflowPolicy, WaitForEventOptions } from './qmp/events.js';
export { JsonFramer, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_DEPTH, DEFAULT_MAX_MESSAGE_TOKENS } from './core/json-framer.js';
export type { FramerOptions } from './core/json-framer.js';
export type { QapiInt } from './qapi-int.js';
export type { BigintShape, BigintTable } from './bigint-table.js';
export { parseSchemaQuery, indexIntrospection, evaluateSchemaQuery, querySchema } from './schema-query.js';
export type { IntrospectionEntry, IntrospectionIndex, SchemaQueryStep, SchemaQueryStepKind } from './schema-query.js';
/**
 * The errors (and their guards) are documented with the runtime, though `qmp-sdk` re-exports them.
 * @primaryExport
 */
export {
  QmpError,
  QmpCommandError,
  QmpConnectionError,
  QmpProtocolError,
  QmpNegotiationError,
  QmpTimeoutError,
  QmpValidationError,
  QmpAbortError,
  QmpUsageError,
  QmpLaunchError,
  QmpVersionMismatchError,
  isQmpError,
  isQmpCommandError,
  isQmpConnectionError,
  isQmpProtocolError,
  isQmpNegotiationError,
  isQmpTimeoutError,
  isQmpValidationError,
  isQmpAbortError,
  isQmpUsageError,
  isQmpLaunchError,
  isQmpVersionMismatchError,
} from './errors.js';
/** @primaryExport */
export type { KnownQmpErrorClass, QmpErrorCode, QmpConnectionReason, QmpProtocolViolation, QmpValidationSide } from './errors.js';
/**
 * The contract with generated targets, documented with the runtime, though `qmp-sdk` re-exports part of it.
 * @primaryExport
 */
export type {
  ValidationIssue,
  ValidationResult,
  TargetValidators,
  CommandInfo,
  QemuVersion,
  TargetBinding,
  CommandSpec,
  CommandMapBase,
  LooseCommandMap,
  LooseEventMap,
  QmpTimestamp,
  QmpEvent,
  OtherEventName,
  OtherEvent,
  AnyEventOf,
  ExecuteOptions,
  ExecuteArgs,
} from './target.js';
export type { Job, JobArguments, JobCommand, JobOptions, JobProgress, JobResult, Jobs } from './operations/index.js';
export type { Devices, UnplugOptions, UnplugResult } from './operations/index.js';
export type { Migration, MigrationCapabilityName, MigrationChannels, MigrationOptions, MigrationProgress, MigrationResult } from './operations/index.js';
export { QmpJobError, QmpMigrationError, QmpUnplugError, isQmpJobError, isQmpMigrationError, isQmpUnplugError } from './operations/index.js';
