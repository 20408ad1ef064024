/**
 * `qmp-sdk/testing`: a QMP server for tests. It follows the protocol as QEMU 7.2/10.0 do
 * (greeting, negotiation mode, QEMU's error classes and messages), checks arguments, handler
 * returns and events against a generated target's schema, records what clients sent, replays
 * recorded conversations with real QEMU, and injects faults on demand. `createQgaServer` plays a
 * QEMU guest agent (its own dialect: `guest-sync-delimited`, stale bytes, no-response commands).
 */
export { createQmpServer, QmpTestServer } from './server.js';
export type {
  QmpFaultsOption,
  QmpListenOptions,
  QmpServerAddress,
  QmpServerCommonOptions,
  QmpServerOptions,
} from './server.js';
export { QmpServerConnection } from './connection.js';
export type { ConnectionState, ReceivedCommand, ReplyBody } from './connection.js';
export type { CommandMapLike, HandlerArgs, QmpCommandHandler, QmpHandlerContext, QmpHandlers } from './engine.js';
export { QmpServerError, QmpTestServerFailuresError, QmpTestServerUsageError } from './errors.js';
export type { QmpTestFailure, QmpTestFailureKind } from './errors.js';
export { rawPayloads } from './faults.js';
export type { CommandSelector, QmpFaults } from './faults.js';
export type { QemuVersionTriple, QmpGreetingOption } from './greeting.js';
export { nowTimestamp } from './event-message.js';
export { recordConversation, parseRecording, loadRecording } from './recording.js';
export type { ConversationRecorder, RecordedMessage } from './recording.js';
export { createReplayServer, QmpReplayServer } from './replay.js';
export type { QmpReplayOptions } from './replay.js';
export { defaultServerLimits } from './limits.js';
export type { QmpServerLimits } from './limits.js';
export { createQgaServer, QgaTestServer, noReply } from './qga-server.js';
export type { QgaCommandHandler, QgaHandlerContext, QgaReceivedCommand, QgaServerAddress, QgaServerOptions } from './qga-server.js';
