/**
 * The public runtime API (`qmp-sdk/runtime`): the client, the launcher, errors and their guards,
 * and the types generated targets build on. Imports only `node:*` modules.
 */
export { QmpClient } from './client.js';
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
} from './client.js';
export type { ReconnectNotification, ReconnectOptions } from './reconnect.js';
export type { VersionMismatchPolicy } from './version.js';
export { launchQemu } from './launcher.js';
export type { LaunchOptions, LaunchedQemu, QemuExit } from './launcher.js';
export type { TransportOptions, UnixTransport, TcpTransport, StreamTransport } from './transport.js';
export type { CapabilityOptions, QmpGreeting } from './negotiation.js';
export { checkGreeting, chooseCapabilities } from './negotiation.js';
export type { EventHandler, EventStream, EventStreamOptions, EventOverflowPolicy, WaitForEventOptions } from './events.js';
export { JsonFramer, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_DEPTH, DEFAULT_MAX_MESSAGE_TOKENS } from './framer.js';
export type { FramerOptions } from './framer.js';
export { parseSchemaQuery, indexIntrospection, evaluateSchemaQuery, querySchema } from './schema-query.js';
export type { IntrospectionEntry, IntrospectionIndex, SchemaQueryStep, SchemaQueryStepKind } from './schema-query.js';
export * from './errors.js';
export type * from './target.js';
export type { Job, JobArguments, JobCommand, JobOptions, JobProgress, JobResult, Jobs } from './operations/index.js';
export type { Devices, UnplugOptions, UnplugResult } from './operations/index.js';
export type { Migration, MigrationCapabilityName, MigrationChannels, MigrationOptions, MigrationProgress, MigrationResult } from './operations/index.js';
export { QmpJobError, QmpMigrationError, QmpUnplugError, isQmpJobError, isQmpMigrationError, isQmpUnplugError } from './operations/index.js';
