/**
 * The types of the QMP client layer that its neighbours (the launcher, the session, the public face)
 * share: options, statistics, the error listener, the class seam. Types only.
 */
import type { QmpEvent, TargetBinding } from '../target.js';
import type { TransportOptions } from '../core/transport.js';
import type { CapabilityOptions } from './negotiation.js';
import type { ReconnectOptions } from './reconnect.js';
import type { VersionMismatchPolicy } from './version.js';

/** Options of a client, beside the transport. */
export interface ClientOptions {
  /** Capabilities to enable (default: none). */
  capabilities?: CapabilityOptions;
  /** Limit for the whole of `connect()`: socket, greeting, negotiation, validators (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** Aborts `connect()`. */
  signal?: AbortSignal;
  /** Largest accepted message in bytes (default 16 MiB); a bigger one fails the connection (see `FramerOptions`). */
  maxMessageBytes?: number;
  /** Deepest accepted nesting of a message (default 1024, QEMU's own limit); a deeper one fails the connection. */
  maxMessageDepth?: number;
  /** Most structural tokens (`{ [ , :` outside strings) in a message (default 1 Mi); more fails the connection. */
  maxMessageTokens?: number;
  /** Default time limit of every command (default: none). `ExecuteOptions.timeoutMs` overrides it. */
  commandTimeoutMs?: number;
  /** With a bound target: validate arguments before sending (default `true`). */
  validateArguments?: boolean;
  /** With a bound target: validate every reply (default `false`); a bad one rejects its call. */
  validateReturns?: boolean;
  /** With a bound target: validate events of known names (default `false`); a bad one is reported, not delivered. */
  validateEvents?: boolean;
  /**
   * With `oob` enabled, the most in-band commands in flight; the rest wait in the client so an
   * `exec-oob` is always read at once (default and spec: 8). Without `oob` there is no limit.
   */
  maxInBandInFlight?: number;
  /** Called with every parsed message received (greeting and events included) and every message sent. */
  trace?: (direction: 'in' | 'out', message: unknown) => void;
  /** Reconnect when the connection drops (off by default): see `runtime/qmp/reconnect.ts`. */
  reconnect?: ReconnectOptions;
  /**
   * With a bound target: what to do when it was made for another QEMU (major.minor) than the
   * server's greeting announces — `'warn'` (default), `'error'` or `'ignore'`; see {@link VersionMismatchPolicy}.
   */
  versionMismatch?: VersionMismatchPolicy;
}

/** Options of `connect()`: a transport plus {@link ClientOptions}. */
export type ConnectOptions = TransportOptions & ClientOptions;

/** Where a reported problem came from. */
export type ClientErrorSource = 'protocol' | 'validation' | 'handler' | 'trace' | 'version';

/**
 * Listener of problems that belong to no call: protocol violations (unknown ids, id-less errors,
 * malformed messages), invalid events, exceptions thrown by event handlers or the trace hook.
 */
export type ClientErrorListener = (error: unknown, source: ClientErrorSource) => void;

/** Counters of one client (a snapshot). */
export interface ClientStats {
  /** Messages sent (`qmp_capabilities` included). */
  sent: number;
  /** Messages received (greeting included). */
  received: number;
  /** Events delivered to listeners. */
  events: number;
  /** Events received before negotiation ended (never delivered). */
  eventsBeforeReady: number;
  /** Other messages skipped before the greeting: late replies meant for an earlier client (QEMU 10.0 sends them). */
  skippedBeforeGreeting: number;
  /** Replies that arrived after their call timed out or was aborted (dropped). */
  lateReplies: number;
  /** Replies whose id matched no command (dropped). */
  unknownIds: number;
  /** Error replies without id (QEMU could not parse an input). */
  errorsWithoutId: number;
  /** Protocol problems reported to error listeners. */
  protocolErrors: number;
  /** Exceptions thrown by event handlers / the trace hook. */
  handlerErrors: number;
  /** Events that failed validation (not delivered). */
  invalidEvents: number;
  /** Replies that failed validation (their call rejected). */
  invalidReturns: number;
  /** Commands sent and not answered yet (calls given up included). */
  inFlight: number;
  /** Commands waiting in the client for an in-band slot (only with `oob`). */
  queued: number;
}

declare const initBrand: unique symbol;
/** Opaque constructor argument: clients are made by `connect()` (or `launchQemu`), never with `new`. */
export interface ClientInit {
  readonly [initBrand]: true;
}

/** A client class (the runtime's or a generated subclass), as `connect()` and `launchQemu` need it. */
export interface ClientClass<T> {
  new (init: ClientInit): T;
  /** The generated target bound to this class, if any. */
  readonly target?: TargetBinding | undefined;
}

/** The event type of name `K` in map `E`; names the map does not know get `unknown` data. */
export type EventOf<E, K extends string> = K extends keyof E ? QmpEvent<K, E[K]> : QmpEvent<K, unknown>;

/** Names accepted by event methods: the map's names (autocompleted) or any other string. */
export type EventName<E> = (keyof E & string) | (string & {});
