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
export type { VersionMismatchPolicy } from './version.js';
export { launchQemu } from './launcher.js';
export type { LaunchOptions, LaunchedQemu, QemuExit } from './launcher.js';
export type { TransportOptions, UnixTransport, TcpTransport, StreamTransport } from './transport.js';
export type { CapabilityOptions, QmpGreeting } from './negotiation.js';
export { checkGreeting, chooseCapabilities } from './negotiation.js';
export type { EventHandler, EventStream, EventStreamOptions, EventOverflowPolicy, WaitForEventOptions } from './events.js';
export { JsonFramer, DEFAULT_MAX_MESSAGE_BYTES } from './framer.js';
export type { FramerOptions } from './framer.js';
export * from './errors.js';
export type * from './target.js';
