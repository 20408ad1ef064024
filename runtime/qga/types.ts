/**
 * The types of the guest agent layer (`runtime/qga/`): options, statistics, the target binding of a
 * generated guest agent target. Types only.
 */
import type { TargetBinding } from '../target.js';
import type { TransportOptions } from '../core/transport.js';

/** Options of a guest agent client, beside the transport. */
export interface QgaClientOptions {
  /** Limit for opening the transport (socket connect), in ms (default 10 000). */
  connectTimeoutMs?: number;
  /**
   * Limit for each synchronisation (`guest-sync-delimited`: on connect and on every
   * resynchronisation), in ms (default 5000). No answer in time: {@link QgaNoAgentError}.
   */
  syncTimeoutMs?: number;
  /** Aborts `connect()`. */
  signal?: AbortSignal;
  /** Largest accepted message in bytes (default 16 MiB); a bigger one is a framing error (the channel is resynchronised). */
  maxMessageBytes?: number;
  /** Deepest accepted nesting of a message (default 1024). */
  maxMessageDepth?: number;
  /** Most structural tokens (`{ [ , :` outside strings) in a message (default 1 Mi). */
  maxMessageTokens?: number;
  /** Default time limit of every command in ms (default: none); `ExecuteOptions.timeoutMs` overrides it. A timeout resynchronises the channel. */
  commandTimeoutMs?: number;
  /** With a bound target: validate arguments before sending (default `true`). */
  validateArguments?: boolean;
  /** With a bound target: validate every reply (default `false`); a bad one rejects its call. */
  validateReturns?: boolean;
  /** Called with every parsed message received and every message sent (the 0xFF byte is not a message). */
  trace?: (direction: 'in' | 'out', message: unknown) => void;
}

/** Options of `QgaClient.connect()`: a transport (`{ path }`, `{ host, port }` or `{ stream }`) plus {@link QgaClientOptions}. */
export type QgaConnectOptions = TransportOptions & QgaClientOptions;

/** Counters of one guest agent client (a snapshot). */
export interface QgaClientStats {
  /** Messages sent (synchronisations included). */
  sent: number;
  /** Messages received. */
  received: number;
  /** Synchronisations answered (the one of `connect()` included). */
  syncs: number;
  /** Resynchronisations started after a time limit, a framing error, an error without id, or by `resync()`. */
  resyncs: number;
  /** Replies with an id that matched no command, and synchronisation replies that were not ours: stale, dropped. */
  staleReplies: number;
  /** Replies that arrived after their call timed out or was aborted (dropped). */
  lateReplies: number;
  /** Bytes dropped before a 0xFF (stale data of the channel, garbage). */
  discardedBytes: number;
  /** Errors without id the agent sent for our own 0xFF (expected, dropped). */
  delimiterErrors: number;
  /** Other errors without id (the agent could not parse an input: the channel is resynchronised). */
  errorsWithoutId: number;
  /** Protocol problems reported to error listeners. */
  protocolErrors: number;
  /** Replies that failed validation (their call rejected). */
  invalidReturns: number;
  /** Commands sent and not answered yet (calls given up included). */
  inFlight: number;
  /** Commands waiting for a synchronisation to finish. */
  queued: number;
}

/**
 * Listener of problems that belong to no call: protocol problems (`'protocol'`: a framing error, an
 * error without id, a malformed message) and exceptions thrown by the trace hook (`'trace'`).
 */
export type QgaErrorListener = (error: unknown, source: 'protocol' | 'trace') => void;

declare const qgaInitBrand: unique symbol;
/** Opaque constructor argument: guest agent clients are made by `connect()`, never with `new`. */
export interface QgaClientInit {
  readonly [qgaInitBrand]: true;
}

/** What a generated guest agent target gives the runtime: a {@link TargetBinding} plus the protocol facts of the agent. */
export interface QgaTargetBinding extends TargetBinding {
  /** Always `'qga'` (`schema/<target>/target.json` `"protocol"`). */
  readonly protocol: 'qga';
  /**
   * Commands that answer nothing on success (`'success-response': false` in `qga/qapi-schema.json`:
   * `guest-shutdown`, `guest-suspend-*`), sorted.
   */
  readonly noSuccessResponse: readonly string[];
}
