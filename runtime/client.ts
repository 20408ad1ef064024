/**
 * The QMP client: negotiation, command dispatch (ids, pipelining, timeouts, aborts, out-of-band),
 * event delivery, and the optional binding to a generated target (typed maps, methods, validators).
 *
 * The client knows no QMP command by name except `qmp_capabilities`; a generated target plugs in
 * its types by subclassing:
 * ```ts
 * export class QmpClient extends RuntimeQmpClient<QmpCommandMap, QmpEventMap, QmpCommandMethods> {
 *   static override readonly target = target;
 * }
 * const qmp = await QmpClient.connect({ path }); // typed as the subclass
 * ```
 */
import type {
  AnyEventOf,
  CommandSpec,
  ExecuteArgs,
  ExecuteOptions,
  LooseCommandMap,
  LooseEventMap,
  QmpEvent,
  TargetBinding,
  TargetValidators,
  ValidationResult,
} from './target.js';
import {
  QmpAbortError,
  QmpCommandError,
  QmpConnectionError,
  QmpError,
  QmpNegotiationError,
  QmpProtocolError,
  QmpTimeoutError,
  QmpUsageError,
  QmpValidationError,
  type QmpVersionMismatchError,
} from './errors.js';
import { optionsProblem as shapeProblem } from './options.js';
import { connectOptionsShape, executeOptionsShape } from './option-shapes.js';
import { findVersionMismatch, serverArchHint, type VersionMismatchPolicy } from './version.js';
import { errorText, wireArguments } from './wire-arguments.js';
import { untypedHint } from './untyped.js';
import { Connection } from './connection.js';
import { openTransport, describeTransport, type TransportOptions } from './transport.js';
import {
  MAX_MESSAGES_BEFORE_GREETING,
  capabilitiesCommand,
  checkGreeting,
  chooseCapabilities,
  claimsToBeGreeting,
  type CapabilityOptions,
  type QmpGreeting,
} from './negotiation.js';
import type { LaunchOptions, LaunchedQemu } from './launcher.js';
import { timerDelayProblem } from './timers.js';
import { supportsQuery } from './supports.js';
import { preview, thrownMessage } from './preview.js';
import { nextCommandId } from './ids.js';
import {
  EventHub,
  type EventStream,
  type EventStreamOptions,
  type WaitForEventOptions,
} from './events.js';
import { Operations, type ClientSurface, type Devices, type Jobs, type Migration } from './operations/index.js';
import { Reconnector, reconnectOptionsProblem, type ReconnectOptions } from './reconnect.js';

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
  /** Reconnect when the connection drops (off by default): see `runtime/reconnect.ts`. */
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

/**
 * Constraint of a command map: every member is a `CommandSpec`. Written as a mapped type (not
 * `CommandMapBase`'s index signature) so that maps declared as `interface`s are accepted too.
 */
export type CommandMapOf<C> = { [K in keyof C]: CommandSpec };

/** Constraint of an event map (any object type, `interface`s included). */
export type EventMapOf<E> = { [K in keyof E]: unknown };

/** Internal hook a launcher installs so that `close()` also stops the process. @internal */
export const closeHook: unique symbol = Symbol('qmp-sdk.closeHook');

interface Call {
  readonly id: number;
  readonly command: string;
  readonly message: Record<string, unknown>;
  /** `message` as JSON, serialised once when the call was made. */
  readonly text: string;
  readonly oob: boolean;
  readonly validateReturn: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  queued: boolean;
}

/** A command on the wire: its live call, or `null` once the caller gave up (timeout/abort). */
interface Outstanding {
  call: Call | null;
  readonly oob: boolean;
}

type Phase = 'greeting' | 'negotiating' | 'negotiated' | 'ready' | 'closed';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const OOB_IN_BAND_LIMIT = 8;

/** Why the numeric client options are unusable (they would otherwise hang or misbehave later), if they are. */
function optionsProblem(o: ClientOptions): string | undefined {
  if (typeof o !== 'object' || o === null) return `the options must be an object, got ${preview(o, 60)}`;
  const shape = shapeProblem(o, connectOptionsShape);
  if (shape !== undefined) return shape;
  const timerProblem = timerDelayProblem('connectTimeoutMs', o.connectTimeoutMs) ?? timerDelayProblem('commandTimeoutMs', o.commandTimeoutMs);
  if (timerProblem !== undefined) return timerProblem;
  const reconnectProblem = reconnectOptionsProblem(o.reconnect);
  if (reconnectProblem !== undefined) return reconnectProblem;
  for (const key of ['maxMessageBytes', 'maxMessageDepth', 'maxMessageTokens', 'maxInBandInFlight'] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) return `${key} must be a positive integer, got ${preview(v, 60)}`;
  }
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Runs a validator on what the peer sent; a validator that throws (a stack overflow on a value
 * nested deeper than its recursion allows, with `maxMessageDepth` raised) counts as a failed check
 * instead of breaking the dispatch of the message (which would leave its call unsettled).
 */
function guarded(validate: () => ValidationResult): ValidationResult {
  try {
    return validate();
  } catch (e) {
    return { ok: false, errors: [{ path: '', message: `could not be checked: ${thrownMessage(e)}` }] };
  }
}

/** At most 200 characters describing `v` for an error message; never throws, whatever `v` is (see `preview`). */
function short(v: unknown): string {
  return preview(v, 200);
}

/**
 * A negotiated QMP connection.
 *
 * @typeParam C - command map (wire name → `{ args, returns }`), loose without a target
 * @typeParam E - event map (name → data type), loose without a target
 * @typeParam M - the `commands` object's methods (camelCase), from a generated target
 */
export class QmpClient<
  C extends CommandMapOf<C> = LooseCommandMap,
  E extends EventMapOf<E> = LooseEventMap,
  M extends object = {},
> {
  /** The generated target bound to this class; `undefined` in the runtime's own class. */
  static readonly target?: TargetBinding | undefined;

  /**
   * Connects, waits for the greeting, negotiates capabilities and resolves once `qmp_capabilities`
   * succeeded (and the target's validators are loaded). Returns an instance of the class it is
   * called on: `Generated.connect()` gives a `Generated`.
   */
  static async connect<T extends QmpClient<any, any, any>>(this: ClientClass<T>, options: ConnectOptions): Promise<T> {
    const client = new this({ options } as unknown as ClientInit);
    await (client as QmpClient<any, any, any>).#start(options, this.target);
    return client;
  }

  /**
   * Starts a QEMU (see `launchQemu`) and connects an instance of the class it is called on:
   * `const vm = await Generated.launch({ binary, args }); vm.qmp` is a `Generated`.
   */
  static async launch<T extends QmpClient<any, any, any>>(
    this: ClientClass<T>,
    options: Omit<LaunchOptions<T>, 'client'>,
  ): Promise<LaunchedQemu<T>> {
    const { launchQemu } = await import('./launcher.js');
    let withClient: LaunchOptions<T>;
    try {
      withClient = { ...options, client: this };
    } catch (e) {
      throw new QmpUsageError(`launchQemu: reading the options threw: ${errorText(e)}`);
    }
    return launchQemu<T>(withClient);
  }

  /** The server's greeting, as received. */
  greeting!: QmpGreeting;
  /** Capabilities enabled by negotiation. */
  capabilities: readonly string[] = [];
  /** Capabilities the server offered in its greeting. */
  offeredCapabilities: readonly string[] = [];
  /**
   * Set when the bound target was made for another QEMU than the server's (option
   * `versionMismatch`); `undefined` when they agree or no target is bound.
   */
  versionMismatch: QmpVersionMismatchError | undefined;
  /** Typed methods of the bound target (`qmp.commands.queryStatus()`); empty without a target. */
  readonly commands: M;
  /** Resolves (never rejects) when the connection has ended, with why (`reason: 'closed'` after `close()`). */
  readonly closed: Promise<QmpConnectionError>;

  readonly #options: ClientOptions;
  readonly #target: TargetBinding | undefined;
  #validators: TargetValidators | undefined;
  #targetEvents: ReadonlySet<string> | undefined;
  #conn: Connection | undefined;
  #phase: Phase = 'greeting';
  readonly #outstanding = new Map<number, Outstanding>();
  #queue: Call[] = [];
  #inBandInFlight = 0;
  #maxInBand = Infinity;
  #oobEnabled = false;
  readonly #hub: EventHub;
  readonly #errorListeners: ClientErrorListener[] = [];
  #closeReason: QmpConnectionError | undefined;
  #resolveClosed!: (e: QmpConnectionError) => void;
  #operations: Operations | undefined;
  /** Set with the `reconnect` option once connected; `#reconnecting` while the connection is down. */
  #reconnector: Reconnector | undefined;
  #reconnecting = false;
  /** Messages skipped before the greeting on the current connection (bounded per connection, not per client: a reconnect starts again at 0). */
  #skippedThisConnection = 0;
  /** The summary of the version mismatch last reported under `versionMismatch: 'warn'`. */
  #reportedMismatch: string | undefined;
  /** Set by {@link expectClose}. */
  #expectingClose = false;
  #closing: Promise<void> | undefined;
  #negotiation: { id: number; resolve(): void; reject(e: unknown): void } | undefined;
  readonly #stats = {
    sent: 0,
    received: 0,
    events: 0,
    eventsBeforeReady: 0,
    skippedBeforeGreeting: 0,
    lateReplies: 0,
    unknownIds: 0,
    errorsWithoutId: 0,
    protocolErrors: 0,
    handlerErrors: 0,
    invalidEvents: 0,
    invalidReturns: 0,
  };
  /** Set by a launcher: `close()` stops the process too. @internal */
  [closeHook]: (() => Promise<void>) | undefined;

  /** Use `connect()` (or `launchQemu`) instead. @internal */
  constructor(init: ClientInit) {
    const { options } = init as unknown as { options: ConnectOptions };
    this.#options = options;
    this.#target = (this.constructor as ClientClass<unknown>).target;
    this.#hub = new EventHub((e, source) => this.#report(e, source));
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    const commands: Record<string, unknown> = {};
    if (this.#target) {
      for (const [wire, info] of Object.entries(this.#target.commands)) {
        Object.defineProperty(commands, info.method, {
          value: (args?: unknown, opts?: ExecuteOptions) => this.#execute(wire, args, opts, true),
          enumerable: true,
        });
      }
      this.#targetEvents = new Set(this.#target.events);
    }
    this.commands = commands as M;
  }

  /** True from `connect()` until the connection ends. */
  get isOpen(): boolean {
    return this.#phase === 'ready';
  }

  /** Counters: sent, received, late replies, unknown ids… (a snapshot). */
  get stats(): ClientStats {
    return { ...this.#stats, inFlight: this.#outstanding.size, queued: this.#queue.length };
  }

  /** Background jobs (backup, mirror, commit, stream, create, snapshot…): `runtime/operations/jobs.ts`. */
  get jobs(): Jobs<C> {
    return (this.#operations ??= new Operations(this as unknown as ClientSurface)).jobs as unknown as Jobs<C>;
  }

  /** Outgoing migration with progress and cancel: `runtime/operations/migration.ts`. */
  get migration(): Migration<C> {
    return (this.#operations ??= new Operations(this as unknown as ClientSurface)).migration as unknown as Migration<C>;
  }

  /** Device unplug that waits for `DEVICE_DELETED`: `runtime/operations/unplug.ts`. */
  get devices(): Devices {
    return (this.#operations ??= new Operations(this as unknown as ClientSurface)).devices;
  }

  /** The bound target, if any. */
  get target(): TargetBinding | undefined {
    return this.#target;
  }

  /**
   * Runs a command: sends `{"execute": name, "arguments": args, "id": <unique>}` and resolves with
   * its `return` value, or rejects with a {@link QmpCommandError} (error reply),
   * {@link QmpValidationError} (arguments; nothing sent), {@link QmpTimeoutError},
   * {@link QmpAbortError}, {@link QmpUsageError} or {@link QmpConnectionError}.
   */
  execute<K extends keyof C & string>(name: K, ...rest: ExecuteArgs<C[K]>): Promise<C[K]['returns']> {
    const [args, options] = rest as unknown as [unknown, ExecuteOptions | undefined];
    return this.#execute(name, args, options, true) as Promise<C[K]['returns']>;
  }

  /**
   * Runs any command as is, typed or not by the target (a command of a newer QEMU, a vendor
   * command): neither its arguments nor its reply are validated. Same ids, pipelining, timeouts,
   * aborts, out-of-band rules and errors as {@link execute}. Resolves with the `return` value.
   */
  executeUntyped(name: string, args?: Record<string, unknown>, options?: ExecuteOptions): Promise<unknown> {
    return this.#execute(name, args, options, false);
  }

  /** Adds a listener for event `name` (any string; unknown names are delivered too). Returns a remover. */
  on<K extends EventName<E>>(name: K, handler: (event: EventOf<E, K>) => void): () => void {
    return this.#hub.on(name, handler as (ev: QmpEvent) => void);
  }

  /** Removes a listener added with {@link on}. */
  off<K extends EventName<E>>(name: K, handler: (event: EventOf<E, K>) => void): void {
    this.#hub.off(name, handler as (ev: QmpEvent) => void);
  }

  /** Calls `handler` for the next `name` event only. Returns a remover. */
  once<K extends EventName<E>>(name: K, handler: (event: EventOf<E, K>) => void): () => void {
    return this.#hub.once(name, handler as (ev: QmpEvent) => void);
  }

  /**
   * Adds a listener of every event, known or not: the event is the target's union
   * ({@link AnyEventOf}: `ev.event === 'STOP'` narrows `ev.data`) plus an open branch. Returns a remover.
   */
  onAny(handler: (event: AnyEventOf<E>) => void): () => void {
    return this.#hub.onAny(handler as (ev: QmpEvent) => void);
  }

  /** Removes a listener added with {@link onAny}. */
  offAny(handler: (event: AnyEventOf<E>) => void): void {
    this.#hub.offAny(handler as (ev: QmpEvent) => void);
  }

  /**
   * Resolves with the next `name` event (passing `filter`). Registered at once, so
   * `const p = qmp.waitForEvent('STOP'); await qmp.execute('stop'); await p;` never misses it.
   * Rejects with {@link QmpTimeoutError}, {@link QmpAbortError} or {@link QmpConnectionError};
   * the promise is marked handled, so leaving it unawaited (e.g. because the command failed)
   * is never an unhandled rejection.
   */
  waitForEvent<K extends EventName<E>>(name: K, options?: WaitForEventOptions<EventOf<E, K>>): Promise<EventOf<E, K>> {
    return this.#hub.waitFor(name, options as WaitForEventOptions) as Promise<EventOf<E, K>>;
  }

  /**
   * An async iterator over events (all, or `names`) with a bounded buffer (default 1000; on overflow
   * the oldest is dropped by default, counted in `dropped`). It starts collecting at once.
   * With `names`, the events are typed by name; without, they are the target's union plus an open
   * branch ({@link AnyEventOf}); either way `ev.event === 'STOP'` narrows `ev.data`. Options are
   * checked (an unknown key or a bad value throws a {@link QmpUsageError}).
   */
  events<K extends EventName<E>>(options: EventStreamOptions & { names: readonly K[] }): EventStream<EventOf<E, K>>;
  events(options?: EventStreamOptions): EventStream<AnyEventOf<E>>;
  events(options?: EventStreamOptions): EventStream<AnyEventOf<E>> {
    return this.#hub.stream(options) as unknown as EventStream<AnyEventOf<E>>;
  }

  /** Adds a listener of problems that belong to no call (see {@link ClientErrorListener}). Returns a remover. */
  onError(listener: ClientErrorListener): () => void {
    this.#errorListeners.push(listener);
    return () => this.offError(listener);
  }

  /** Removes a listener added with {@link onError}. */
  offError(listener: ClientErrorListener): void {
    const i = this.#errorListeners.lastIndexOf(listener);
    if (i >= 0) this.#errorListeners.splice(i, 1);
  }

  /**
   * Whether this QEMU has what a libvirt-style query names (`'blockdev-add/arg-type/+file/aio/^io_uring'`,
   * grammar in `runtime/schema-query.ts`), over its `query-qmp-schema`, fetched once per connection.
   * Rejects with {@link QmpUsageError} naming the step of a malformed query (nothing sent).
   */
  supports(query: string): Promise<boolean> {
    return supportsQuery(this, () => this.#execute('query-qmp-schema', undefined, undefined, false), query);
  }

  /**
   * Closes the connection: calls still pending or queued reject with a {@link QmpConnectionError}
   * (`reason: 'closed'`; await your calls first if you need their results), waits end, iterators
   * finish. Idempotent. A client made by `launchQemu` also stops its QEMU.
   */
  close(): Promise<void> {
    const hook = this[closeHook];
    return hook ? hook() : this.shutdownConnection();
  }

  /** Closes only the connection (a launcher's `close()` uses it after `quit`). @internal */
  shutdownConnection(): Promise<void> {
    if (this.#closing) return this.#closing;
    if (this.#phase === 'closed') return Promise.resolve();
    const error = new QmpConnectionError('closed', 'the QMP connection was closed by the client');
    this.#reconnecting = false;
    this.#negotiation?.reject(error); // a reconnect attempt in progress ends now
    this.#negotiation = undefined;
    this.#teardown(error, true);
    const conn = this.#conn;
    this.#closing = (conn ? conn.end() : Promise.resolve()).then(() => {
      this.#resolveClosed(error);
    });
    return this.#closing;
  }

  /**
   * The launcher's `close()` is about to send `quit`: the end of the connection that follows is
   * this client's own close (reason `'closed'`, no reconnection, no `reconnect` notifications). @internal
   */
  expectClose(): void {
    this.#expectingClose = true;
  }

  /** `await using qmp = await QmpClient.connect(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- connect & negotiation -------------------------------------------------------------

  /** Connects and negotiates; `again` for a reconnect attempt (then a failure leaves the client to the reconnector). */
  async #start(options: ConnectOptions, target: TargetBinding | undefined, again = false): Promise<void> {
    const problem = optionsProblem(options);
    const timeoutMs = problem === undefined ? (options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) : 0;
    const where = problem === undefined ? describeTransport(options) : 'the given transport';
    const signal = problem === undefined && !again ? options.signal : undefined;
    const validators = target && !again ? target.loadValidators() : undefined;
    validators?.catch(() => {}); // awaited below; must not be unhandled if connect fails first

    let failConnect!: (e: unknown) => void;
    const failed = new Promise<never>((_, reject) => (failConnect = reject));
    failed.catch(() => {});
    let phaseName = 'connecting';
    const timer = setTimeout(() => {
      failConnect(new QmpTimeoutError('connect', timeoutMs, `connect ${where}: ${phaseName} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = (): void => failConnect(new QmpAbortError(`connect ${where}`, signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    let abandoned = false;
    const stillWanted = (): void => {
      if (again && !this.#reconnecting) throw new QmpConnectionError('closed', 'the QMP connection was closed by the client');
    };
    try {
      if (problem !== undefined) throw new QmpUsageError(`connect: ${problem}`);
      if (signal?.aborted) throw new QmpAbortError(`connect ${where}`, signal.reason);
      const streamPromise = openTransport(options, signal);
      streamPromise.then(
        (s) => {
          // connect() already failed (timeout): do not leak the socket.
          if (abandoned || (this.#phase === 'closed' && !this.#conn)) s.destroy();
        },
        () => {},
      );
      const stream = await Promise.race([streamPromise, failed]);
      if (again && !this.#reconnecting) stream.destroy();
      stillWanted();
      phaseName = 'waiting for the greeting';
      const negotiated = new Promise<void>((resolve, reject) => {
        this.#negotiation = { id: -1, resolve, reject };
      });
      negotiated.catch(() => {});
      const { maxMessageBytes, maxMessageDepth, maxMessageTokens } = options;
      this.#skippedThisConnection = 0;
      this.#conn = new Connection(stream, { maxMessageBytes, maxMessageDepth, maxMessageTokens }, {
        onMessage: this.#onMessage,
        onClose: this.#onConnectionClose,
      });
      await Promise.race([negotiated, failed]);
      stillWanted();
      phaseName = 'loading the validators';
      this.#phase = 'negotiated';
      if (validators) this.#validators = await Promise.race([validators, failed]);
      this.#phase = 'ready';
      this.#closeReason = undefined;
      this.#reconnecting = false;
      if (options.reconnect && !this.#reconnector) {
        this.#reconnector = new Reconnector(options.reconnect, {
          attempt: () => this.#start(options, target, true),
          giveUp: (error) => {
            this.#reconnecting = false;
            this.#teardown(error, false);
            this.#resolveClosed(error);
          },
          report: (error) => this.#report(error, 'handler'),
        });
      }
      const mismatch = this.versionMismatch;
      if (mismatch && (options.versionMismatch ?? 'warn') === 'warn' && mismatch.summary !== this.#reportedMismatch) {
        // After connect() resolved, so that listeners added right after `await connect()` get it. Once per
        // mismatch: a reconnect reports again only when it found another server (QEMU replaced meanwhile).
        this.#reportedMismatch = mismatch.summary;
        setImmediate(() => {
          if (this.#errorListeners.length > 0) this.#report(mismatch, 'version');
          else process.emitWarning(mismatch.message, { type: 'QmpVersionMismatchWarning' });
        });
      }
    } catch (e) {
      abandoned = true;
      const error =
        e instanceof QmpError ? e : new QmpNegotiationError(`connect ${where} failed: ${(e as Error)?.message ?? e}`, { cause: e });
      const closeError = isConnErr(error)
        ? error
        : new QmpConnectionError('closed', `connect failed: ${error.message}`, { cause: error });
      if (again) {
        // A failed reconnect attempt: drop its socket, stay down; the reconnector decides what follows.
        this.#negotiation = undefined;
        this.#conn?.destroy(closeError);
        this.#conn = undefined;
        if (this.#phase !== 'closed') this.#phase = 'greeting';
        throw error;
      }
      this.#teardown(closeError, true);
      this.#conn?.destroy(closeError);
      this.#resolveClosed(closeError);
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  readonly #onMessage = (message: unknown, bytes = 0): void => {
    this.#stats.received++;
    this.#trace('in', message);
    if (!isPlainObject(message)) {
      this.#protocolProblem(
        new QmpProtocolError('unexpected-message', `QMP peer sent a message that is not an object: ${short(message)}`, { received: message }),
      );
      if (this.#phase === 'greeting') {
        const neg = this.#negotiation;
        this.#negotiation = undefined;
        neg?.reject(new QmpNegotiationError(`expected the QMP greeting, got ${short(message)}`));
      }
      return;
    }
    switch (this.#phase) {
      case 'ready':
        if (typeof message['event'] === 'string') this.#onEvent(message, bytes);
        else if ('return' in message || 'error' in message) this.#onReply(message);
        else this.#protocolProblem(new QmpProtocolError('unexpected-message', `QMP peer sent an unexpected message: ${short(message)}`, { received: message }));
        return;
      case 'greeting':
        this.#onGreeting(message);
        return;
      case 'negotiating':
        this.#onNegotiationReply(message);
        return;
      case 'negotiated':
        if (typeof message['event'] === 'string') this.#stats.eventsBeforeReady++;
        else this.#protocolProblem(new QmpProtocolError('unexpected-message', `QMP peer sent an unexpected message: ${short(message)}`, { received: message }));
        return;
      case 'closed':
        return;
    }
  };

  #onGreeting(message: Record<string, unknown>): void {
    const neg = this.#negotiation;
    if (!neg) return;
    if (!claimsToBeGreeting(message)) {
      // Seen on real QEMU 10.0: events and late replies meant for an earlier client of the monitor
      // arrive before the greeting. Skip them (a bounded number; the connect timeout bounds the time).
      if (typeof message['event'] === 'string') this.#stats.eventsBeforeReady++;
      else this.#stats.skippedBeforeGreeting++;
      if (++this.#skippedThisConnection > MAX_MESSAGES_BEFORE_GREETING) {
        this.#negotiation = undefined;
        neg.reject(new QmpNegotiationError(`no QMP greeting: more than ${MAX_MESSAGES_BEFORE_GREETING} messages before the greeting (the last: ${short(message)})`));
      }
      return;
    }
    try {
      this.greeting = checkGreeting(message);
      this.offeredCapabilities = [...this.greeting.QMP.capabilities];
      this.versionMismatch = findVersionMismatch(this.#target, this.greeting, (this.#options as { [serverArchHint]?: string })[serverArchHint]);
      if (this.versionMismatch && this.#options.versionMismatch === 'error') {
        const m = this.versionMismatch;
        throw new QmpNegotiationError(`${m.summary} (versionMismatch: 'error'; nothing was sent: use a target made for this QEMU, see the README)`, { cause: m });
      }
      const enabled = chooseCapabilities(this.offeredCapabilities, this.#options.capabilities);
      this.capabilities = enabled;
      this.#oobEnabled = enabled.includes('oob');
      this.#maxInBand = this.#oobEnabled ? (this.#options.maxInBandInFlight ?? OOB_IN_BAND_LIMIT) : Infinity;
      neg.id = nextCommandId();
      this.#phase = 'negotiating';
      this.#sendRaw(capabilitiesCommand(enabled, neg.id));
    } catch (e) {
      // Failed: ignore whatever follows (e.g. another greeting in the same read); nothing more is sent.
      this.#negotiation = undefined;
      neg.reject(e);
    }
  }

  #onNegotiationReply(message: Record<string, unknown>): void {
    const neg = this.#negotiation;
    if (!neg) return;
    if (typeof message['event'] === 'string') {
      this.#stats.eventsBeforeReady++;
      return;
    }
    if (!('return' in message) && !('error' in message)) {
      this.#negotiation = undefined;
      neg.reject(new QmpNegotiationError(`unexpected message during negotiation: ${short(message)}`));
      return;
    }
    if (message['id'] !== neg.id && message['id'] !== undefined) {
      this.#stats.unknownIds++;
      this.#protocolProblem(new QmpProtocolError('unknown-id', `reply with unknown id ${short(message['id'])} during negotiation`, { received: message }));
      return;
    }
    if ('error' in message) {
      const err = message['error'];
      const cls = isPlainObject(err) && typeof err['class'] === 'string' ? err['class'] : 'unknown';
      const desc = isPlainObject(err) && typeof err['desc'] === 'string' ? err['desc'] : short(err);
      this.#negotiation = undefined;
      neg.reject(
        new QmpNegotiationError(`qmp_capabilities failed: ${cls}: ${desc}`, {
          cause: new QmpCommandError({ errorClass: cls, desc, command: 'qmp_capabilities', id: message['id'] }),
        }),
      );
      return;
    }
    this.#negotiation = undefined;
    neg.resolve();
  }

  // ---- commands ---------------------------------------------------------------------------

  /**
   * `typed`: `execute` and `commands.*` (arguments and replies validated as configured);
   * `executeUntyped` sends as is. Never throws: whatever a caller's value does (a throwing getter,
   * a Proxy) becomes a rejection.
   */
  #execute(name: string, args: unknown, options: ExecuteOptions | undefined, typed: boolean): Promise<unknown> {
    try {
      return this.#call(name, args, options, typed);
    } catch (e) {
      return Promise.reject(
        new QmpUsageError(`${typeof name === 'string' ? name : 'execute'}: reading the arguments or options threw: ${errorText(e)}`),
      );
    }
  }

  #call(name: string, args: unknown, options: ExecuteOptions | undefined, typed: boolean): Promise<unknown> {
    if (this.#phase !== 'ready') {
      return Promise.reject(
        this.#closeReason
          ? new QmpConnectionError(this.#closeReason.reason, `${String(name)}: ${this.#closeReason.message}`, { cause: this.#closeReason })
          : new QmpConnectionError('closed', `${String(name)}: the QMP connection is not open`),
      );
    }
    const method = typed ? 'execute' : 'executeUntyped';
    if (typeof name !== 'string' || name.length === 0) {
      return Promise.reject(new QmpUsageError(`${method}: the command name must be a non-empty string, got ${short(name)}`));
    }
    if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
      return Promise.reject(new QmpUsageError(`${name}: arguments must be an object or undefined, got ${short(args)}`));
    }
    if (options !== undefined) {
      const problem = shapeProblem(options, executeOptionsShape);
      if (problem !== undefined) return Promise.reject(new QmpUsageError(`${name}: ${problem}`));
    }
    const opts = options ?? {};
    const timeoutMs = opts.timeoutMs ?? this.#options.commandTimeoutMs;
    const timeoutProblem = timerDelayProblem('timeoutMs', timeoutMs);
    if (timeoutProblem !== undefined) return Promise.reject(new QmpUsageError(`${name}: ${timeoutProblem}`));
    const oob = opts.oob === true;
    const target = this.#target;
    if (oob) {
      if (!this.#oobEnabled) {
        return Promise.reject(
          new QmpUsageError(
            `${name}: out-of-band execution needs the 'oob' capability, which was not enabled (connect with capabilities: { enable: ['oob'] }; the server offers: ${this.offeredCapabilities.join(', ') || 'none'})`,
          ),
        );
      }
      const info = target?.commands[name];
      if (target && !(info && Object.hasOwn(target.commands, name) && info.allowOob)) {
        return Promise.reject(new QmpUsageError(`${name}: the command does not allow out-of-band execution ("allow-oob" is not set in target ${target.name})`));
      }
    }
    const validators = typed ? this.#validators : undefined;
    const validate = validators !== undefined && (opts.validateArguments ?? this.#options.validateArguments ?? true);
    // Serialised once; the validator sees exactly what is sent: plain data as is, anything else
    // parsed back from the text (runtime/wire-arguments.ts, runtime/plain-data.ts).
    const wire = wireArguments(args, validate || this.#options.trace !== undefined);
    if (typeof wire === 'string') return Promise.reject(new QmpUsageError(`${name}: ${wire}`));
    if (validate) {
      const result = validators.validateArguments(name, wire.value ?? {});
      if (!result.ok) {
        const known = target !== undefined && Object.hasOwn(target.commands, name);
        return Promise.reject(new QmpValidationError('arguments', name, known ? result.errors : untypedHint(result.errors, name, target)));
      }
    }
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(new QmpAbortError(name, signal.reason));

    const id = nextCommandId();
    const message: Record<string, unknown> = oob ? { 'exec-oob': name } : { execute: name };
    if (wire.text !== undefined) message['arguments'] = wire.value ?? args;
    message['id'] = id;
    // The same bytes as JSON.stringify(message), with the arguments serialised once above.
    const text = `${oob ? '{"exec-oob":' : '{"execute":'}${JSON.stringify(name)}${wire.text === undefined ? '' : `,"arguments":${wire.text}`},"id":${id}}`;
    const validateReturn =
      validators !== undefined &&
      (this.#options.validateReturns ?? false) &&
      target !== undefined &&
      Object.hasOwn(target.commands, name);

    return new Promise<unknown>((resolve, reject) => {
      const call: Call = {
        id,
        command: name,
        message,
        text,
        oob,
        validateReturn,
        resolve,
        reject,
        timer: undefined,
        signal,
        onAbort: undefined,
        queued: false,
      };
      if (timeoutMs !== undefined) {
        call.timer = setTimeout(() => this.#giveUp(call, new QmpTimeoutError(name, timeoutMs)), timeoutMs);
      }
      if (signal) {
        call.onAbort = () => this.#giveUp(call, new QmpAbortError(name, signal.reason));
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
      if (!oob && this.#inBandInFlight >= this.#maxInBand) {
        call.queued = true;
        this.#queue.push(call);
      } else {
        this.#send(call);
      }
    });
  }

  #send(call: Call): void {
    call.queued = false;
    this.#outstanding.set(call.id, { call, oob: call.oob });
    if (!call.oob) this.#inBandInFlight++;
    this.#sendRaw(call.message, call.text);
  }

  #sendRaw(message: Record<string, unknown>, text?: string): void {
    this.#stats.sent++;
    this.#trace('out', message);
    this.#conn?.send(message, text);
  }

  /** Timeout or abort: the call rejects now; a queued one is never sent, a sent one's reply will be dropped. */
  #giveUp(call: Call, error: QmpError): void {
    if (call.queued) {
      const i = this.#queue.indexOf(call);
      if (i >= 0) this.#queue.splice(i, 1);
      call.queued = false;
    } else {
      const entry = this.#outstanding.get(call.id);
      if (!entry || entry.call !== call) return; // already settled
      entry.call = null;
    }
    this.#settle(call);
    call.reject(error);
  }

  #settle(call: Call): void {
    if (call.timer) clearTimeout(call.timer);
    if (call.onAbort) call.signal?.removeEventListener('abort', call.onAbort);
  }

  #onReply(message: Record<string, unknown>): void {
    const id = message['id'];
    if (id === undefined && 'error' in message) {
      this.#onErrorWithoutId(message);
      return;
    }
    const entry = typeof id === 'number' ? this.#outstanding.get(id) : undefined;
    if (!entry) {
      this.#stats.unknownIds++;
      this.#protocolProblem(new QmpProtocolError('unknown-id', `QMP reply with unknown id ${short(id)} dropped`, { received: message }));
      return;
    }
    this.#outstanding.delete(id as number);
    this.#releaseSlot(entry);
    const call = entry.call;
    if (!call) {
      this.#stats.lateReplies++;
      return;
    }
    this.#settle(call);
    if ('error' in message) {
      const err = message['error'];
      if (!isPlainObject(err) || typeof err['class'] !== 'string' || typeof err['desc'] !== 'string') {
        const e = new QmpProtocolError('unexpected-message', `${call.command}: malformed error reply: ${short(message)}`, { received: message });
        this.#stats.protocolErrors++;
        call.reject(e);
        return;
      }
      call.reject(new QmpCommandError({ errorClass: err['class'], desc: err['desc'], command: call.command, id }));
      return;
    }
    const value = message['return'];
    if (call.validateReturn && this.#validators) {
      const result = guarded(() => this.#validators!.validateReturn(call.command, value));
      if (!result.ok) {
        this.#stats.invalidReturns++;
        call.reject(new QmpValidationError('return', call.command, result.errors, this.versionMismatch));
        return;
      }
    }
    call.resolve(value);
  }

  /**
   * An error without id means QEMU could not parse an input. QEMU handles in-band input strictly
   * in order (unparsable input takes its place in the in-band queue), so it belongs to the oldest
   * in-band command still unanswered: that call rejects with a QmpProtocolError (or, if its caller
   * already gave up, it counts as a late reply). With nothing in flight it is only reported.
   */
  #onErrorWithoutId(message: Record<string, unknown>): void {
    this.#stats.errorsWithoutId++;
    const err = message['error'];
    const cls = isPlainObject(err) && typeof err['class'] === 'string' ? err['class'] : 'unknown';
    const desc = isPlainObject(err) && typeof err['desc'] === 'string' ? err['desc'] : short(err);
    let victim: [number, Outstanding] | undefined;
    for (const entry of this.#outstanding) {
      if (!entry[1].oob) {
        victim = entry;
        break;
      }
    }
    const base = `QMP error reply without id (the server could not parse an input): ${cls}: ${desc}`;
    if (!victim) {
      this.#protocolProblem(new QmpProtocolError('error-without-id', `${base}; no command was pending`, { received: message }));
      return;
    }
    const [id, entry] = victim;
    this.#outstanding.delete(id);
    this.#releaseSlot(entry);
    const error = new QmpProtocolError('error-without-id', `${base}; attributed to the oldest pending in-band command (id ${id})`, {
      received: message,
    });
    this.#protocolProblem(error);
    if (!entry.call) {
      this.#stats.lateReplies++;
      return;
    }
    this.#settle(entry.call);
    entry.call.reject(
      new QmpProtocolError('error-without-id', `${entry.call.command}: ${base}`, { received: message }),
    );
  }

  #releaseSlot(entry: Outstanding): void {
    if (entry.oob) return;
    this.#inBandInFlight--;
    while (this.#queue.length > 0 && this.#inBandInFlight < this.#maxInBand && this.#phase === 'ready') {
      this.#send(this.#queue.shift()!);
    }
  }

  // ---- events -----------------------------------------------------------------------------

  #onEvent(message: Record<string, unknown>, bytes: number): void {
    const name = message['event'] as string;
    const ts = message['timestamp'];
    if (!isPlainObject(ts) || typeof ts['seconds'] !== 'number' || typeof ts['microseconds'] !== 'number') {
      this.#protocolProblem(new QmpProtocolError('unexpected-message', `QMP event ${name} without a valid timestamp dropped: ${short(message)}`, { received: message }));
      return;
    }
    if (this.#options.validateEvents && this.#validators && this.#targetEvents?.has(name)) {
      const result = guarded(() => this.#validators!.validateEvent(name, message['data']));
      if (!result.ok) {
        this.#stats.invalidEvents++;
        this.#report(new QmpValidationError('event', name, result.errors, this.versionMismatch), 'validation');
        return;
      }
    }
    this.#stats.events++;
    this.#hub.emit(message as unknown as QmpEvent, bytes);
  }

  // ---- errors & teardown ------------------------------------------------------------------

  #protocolProblem(error: QmpProtocolError): void {
    this.#stats.protocolErrors++;
    this.#report(error, 'protocol');
  }

  #report(error: unknown, source: ClientErrorSource): void {
    if (source === 'handler' || source === 'trace') this.#stats.handlerErrors++;
    for (const l of [...this.#errorListeners]) {
      try {
        l(error, source);
      } catch {
        // An error listener that throws has nowhere left to report to.
      }
    }
  }

  #trace(direction: 'in' | 'out', message: unknown): void {
    const t = this.#options.trace;
    if (!t) return;
    try {
      t(direction, message);
    } catch (e) {
      this.#report(e, 'trace');
    }
  }

  readonly #onConnectionClose = (error: QmpConnectionError, protocolError: QmpProtocolError | undefined): void => {
    if (protocolError) this.#protocolProblem(protocolError);
    if (this.#phase === 'closed') return;
    if (this.#expectingClose) error = new QmpConnectionError('closed', 'the QMP connection was closed by the client', { cause: error });
    const neg = this.#negotiation;
    if (neg) {
      const during = this.greeting ? 'during negotiation' : 'before its greeting';
      neg.reject(new QmpConnectionError(error.reason, `${error.message} (${during})`, { cause: error.cause ?? error }));
    }
    if (this.#reconnecting) return; // a reconnect attempt failed: its #start reports to the reconnector
    if (this.#reconnector && this.#phase === 'ready' && error.reason !== 'closed') {
      this.#drop(error);
      return;
    }
    this.#teardown(error, error.reason === 'closed');
    this.#resolveClosed(error);
  };

  /**
   * The reconnect seam (`runtime/reconnect.ts`): the connection dropped, calls in flight and queued
   * fail with `error` (never re-sent), listeners stay registered, the reconnector takes over.
   */
  #drop(error: QmpConnectionError): void {
    this.#reconnecting = true;
    this.#phase = 'greeting';
    this.#conn = undefined;
    this.#closeReason = new QmpConnectionError(error.reason, `${error.message} (reconnecting)`, { cause: error.cause ?? error });
    this.#failCalls(error);
    this.#operations?.connectionLost(error); // jobs, migration, unplug follow events: those of the down time are lost
    this.#reconnector!.dropped(error);
  }

  /** Rejects every pending and queued call with `error`, ends event delivery. */
  #teardown(error: QmpConnectionError, graceful: boolean): void {
    if (this.#phase === 'closed') return;
    this.#phase = 'closed';
    this.#closeReason = error;
    this.#reconnector?.stop();
    this.#failCalls(error);
    this.#hub.close(error, graceful);
  }

  #failCalls(error: QmpConnectionError): void {
    const queued = this.#queue;
    this.#queue = [];
    const live: Call[] = [];
    for (const entry of this.#outstanding.values()) if (entry.call) live.push(entry.call);
    this.#outstanding.clear();
    this.#inBandInFlight = 0;
    for (const call of [...live, ...queued]) {
      this.#settle(call);
      call.reject(new QmpConnectionError(error.reason, `${call.command}: ${error.message}`, { cause: error.cause ?? error }));
    }
  }
}

function isConnErr(e: unknown): e is QmpConnectionError {
  return e instanceof QmpConnectionError;
}
