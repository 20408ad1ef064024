/**
 * The public face of a QMP session: `QmpClient`, typed by the command map, the event map and the
 * methods of a bound generated target. Every call goes to the session (`session.ts`), which sits
 * on the dialect-neutral request core (`runtime/core/`).
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
import { commandMethods } from '../command-methods.js';
import type {
  AnyEventOf,
  CommandMapOf,
  EventMapOf,
  ExecuteArgs,
  ExecuteOptions,
  LooseCommandMap,
  LooseEventMap,
  QmpEvent,
  TargetBinding,
} from '../target.js';
import { QmpUsageError, type QmpConnectionError, type QmpVersionMismatchError } from '../errors.js';
import { errorText } from '../wire-arguments.js';
import { Operations, type ClientSurface, type Devices, type Jobs, type Migration } from '../operations/index.js';
import type { QmpGreeting } from './negotiation.js';
import type { EventStream, EventStreamOptions, WaitForEventOptions } from './events.js';
import { supportsQuery } from './supports.js';
import { launchWith, type LaunchConnector, type LaunchOptions, type LaunchedQemu } from './launcher.js';
import { QmpSession } from './session.js';
import { startSession } from './connect.js';
import type {
  ClientClass,
  ClientErrorListener,
  ClientInit,
  ClientStats,
  ConnectOptions,
  EventName,
  EventOf,
} from './client-types.js';

/** What `connect()` puts in a {@link ClientInit}. */
interface Init {
  options: ConnectOptions;
  /** Set by a launcher: `close()` stops the process too. */
  close?: () => Promise<void>;
}

/** The session behind a client (set in a static block: module-private, no public member). */
let sessionOf!: (client: QmpClient<any, any, any>) => QmpSession;

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
  static {
    sessionOf = (client) => client.#session;
  }

  /** The generated target bound to this class; `undefined` in the runtime's own class. */
  static readonly target?: TargetBinding | undefined;

  /**
   * Connects, waits for the greeting, negotiates capabilities and resolves once `qmp_capabilities`
   * succeeded (and the target's validators are loaded). Returns an instance of the class it is
   * called on: `Generated.connect()` gives a `Generated`.
   */
  static async connect<T extends QmpClient<any, any, any>>(this: ClientClass<T>, options: ConnectOptions): Promise<T> {
    const client = new this({ options } satisfies Init as unknown as ClientInit);
    await startSession(sessionOf(client), options, this.target);
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
    let withClient: LaunchOptions<T>;
    try {
      withClient = { ...options, client: this };
    } catch (e) {
      throw new QmpUsageError(`launchQemu: reading the options threw: ${errorText(e)}`);
    }
    return launchWith<T>(withClient, launchConnector as unknown as LaunchConnector<T>);
  }

  /** Typed methods of the bound target (`qmp.commands.queryStatus()`); empty without a target. */
  readonly commands: M;

  readonly #session: QmpSession;
  readonly #close: (() => Promise<void>) | undefined;
  #operations: Operations | undefined;

  /** Use `connect()` (or `launchQemu`) instead. @internal */
  constructor(init: ClientInit) {
    const { options, close } = init as unknown as Init;
    const target = (this.constructor as ClientClass<unknown>).target;
    this.#session = new QmpSession(options, target, { connectionLost: (error) => this.#operations?.connectionLost(error) });
    this.#close = close;
    this.commands = commandMethods(target, (wire, args, opts) => this.#session.execute(wire, args, opts, true)) as M;
  }

  /** The server's greeting, as received. */
  get greeting(): QmpGreeting {
    return this.#session.greeting!;
  }

  /** Capabilities enabled by negotiation. */
  get capabilities(): readonly string[] {
    return this.#session.capabilities;
  }

  /** Capabilities the server offered in its greeting. */
  get offeredCapabilities(): readonly string[] {
    return this.#session.offeredCapabilities;
  }

  /**
   * Set when the bound target was made for another QEMU than the server's (option
   * `versionMismatch`); `undefined` when they agree or no target is bound.
   */
  get versionMismatch(): QmpVersionMismatchError | undefined {
    return this.#session.versionMismatch;
  }

  /** Resolves (never rejects) when the connection has ended, with why (`reason: 'closed'` after `close()`). */
  get closed(): Promise<QmpConnectionError> {
    return this.#session.closed;
  }

  /** True from `connect()` until the connection ends. */
  get isOpen(): boolean {
    return this.#session.phase === 'ready';
  }

  /** Counters: sent, received, late replies, unknown ids… (a snapshot). */
  get stats(): ClientStats {
    return this.#session.snapshot();
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
    return this.#session.target;
  }

  /**
   * Runs a command: sends `{"execute": name, "arguments": args, "id": <unique>}` and resolves with
   * its `return` value, or rejects with a {@link QmpCommandError} (error reply),
   * {@link QmpValidationError} (arguments; nothing sent), {@link QmpTimeoutError},
   * {@link QmpAbortError}, {@link QmpUsageError} or {@link QmpConnectionError}.
   */
  execute<K extends keyof C & string>(name: K, ...rest: ExecuteArgs<C[K]>): Promise<C[K]['returns']> {
    const [args, options] = rest as unknown as [unknown, ExecuteOptions | undefined];
    return this.#session.execute(name, args, options, true) as Promise<C[K]['returns']>;
  }

  /**
   * Runs any command as is, typed or not by the target (a command of a newer QEMU, a vendor
   * command): neither its arguments nor its reply are validated. Same ids, pipelining, timeouts,
   * aborts, out-of-band rules and errors as {@link execute}. Resolves with the `return` value.
   */
  executeUntyped(name: string, args?: Record<string, unknown>, options?: ExecuteOptions): Promise<unknown> {
    return this.#session.execute(name, args, options, false);
  }

  /** Adds a listener for event `name` (any string; unknown names are delivered too). Returns a remover. */
  on<K extends EventName<E>>(name: K, handler: (event: EventOf<E, K>) => void): () => void {
    return this.#session.hub.on(name, handler as (ev: QmpEvent) => void);
  }

  /** Removes a listener added with {@link on}. */
  off<K extends EventName<E>>(name: K, handler: (event: EventOf<E, K>) => void): void {
    this.#session.hub.off(name, handler as (ev: QmpEvent) => void);
  }

  /** Calls `handler` for the next `name` event only. Returns a remover. */
  once<K extends EventName<E>>(name: K, handler: (event: EventOf<E, K>) => void): () => void {
    return this.#session.hub.once(name, handler as (ev: QmpEvent) => void);
  }

  /**
   * Adds a listener of every event, known or not: the event is the target's union
   * ({@link AnyEventOf}: `ev.event === 'STOP'` narrows `ev.data`) plus an open branch. Returns a remover.
   */
  onAny(handler: (event: AnyEventOf<E>) => void): () => void {
    return this.#session.hub.onAny(handler as (ev: QmpEvent) => void);
  }

  /** Removes a listener added with {@link onAny}. */
  offAny(handler: (event: AnyEventOf<E>) => void): void {
    this.#session.hub.offAny(handler as (ev: QmpEvent) => void);
  }

  /**
   * Resolves with the next `name` event (passing `filter`). Registered at once, so
   * `const p = qmp.waitForEvent('STOP'); await qmp.execute('stop'); await p;` never misses it.
   * Rejects with {@link QmpTimeoutError}, {@link QmpAbortError} or {@link QmpConnectionError};
   * the promise is marked handled, so leaving it unawaited (e.g. because the command failed)
   * is never an unhandled rejection.
   */
  waitForEvent<K extends EventName<E>>(name: K, options?: WaitForEventOptions<EventOf<E, K>>): Promise<EventOf<E, K>> {
    return this.#session.hub.waitFor(name, options as WaitForEventOptions) as Promise<EventOf<E, K>>;
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
    return this.#session.hub.stream(options) as unknown as EventStream<AnyEventOf<E>>;
  }

  /** Adds a listener of problems that belong to no call (see {@link ClientErrorListener}). Returns a remover. */
  onError(listener: ClientErrorListener): () => void {
    this.#session.errorListeners.push(listener);
    return () => this.offError(listener);
  }

  /** Removes a listener added with {@link onError}. */
  offError(listener: ClientErrorListener): void {
    const i = this.#session.errorListeners.lastIndexOf(listener);
    if (i >= 0) this.#session.errorListeners.splice(i, 1);
  }

  /**
   * Whether this QEMU has what a libvirt-style query names (`'blockdev-add/arg-type/+file/aio/^io_uring'`,
   * grammar in `runtime/schema-query.ts`), over its `query-qmp-schema`, fetched once per connection.
   * Rejects with {@link QmpUsageError} naming the step of a malformed query (nothing sent).
   */
  supports(query: string): Promise<boolean> {
    return supportsQuery(this, () => this.#session.execute('query-qmp-schema', undefined, undefined, false), query);
  }

  /**
   * Closes the connection: calls still pending or queued reject with a {@link QmpConnectionError}
   * (`reason: 'closed'`; await your calls first if you need their results), waits end, iterators
   * finish. Idempotent. A client made by `launchQemu` also stops its QEMU.
   */
  close(): Promise<void> {
    return this.#close ? this.#close() : this.#session.shutdownConnection();
  }

  /** `await using qmp = await QmpClient.connect(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * The launcher's seam to the client layer (`launcher.ts` imports no client): connects an instance
 * of `Client` whose `close()` is the launcher's `stop`, and hands back the controls the launcher's
 * `close()` needs.
 */
export const launchConnector: LaunchConnector<QmpClient<any, any, any>> = async (Client, options, stop) => {
  const client = new Client({ options, close: stop } satisfies Init as unknown as ClientInit);
  const session = sessionOf(client);
  await startSession(session, options, Client.target);
  return {
    client,
    isOpen: () => session.phase === 'ready',
    expectClose: () => session.expectClose(),
    quit: (timeoutMs) => session.execute('quit', undefined, { timeoutMs, validateArguments: false }, true),
    closeConnection: () => session.shutdownConnection(),
  };
};

/**
 * Closes only the connection of `client`, not what a launcher attached to its `close()` (QEMU keeps
 * running): frees QEMU's single QMP socket for another client. Not exported by the package.
 */
export function closeConnectionOnly(client: QmpClient<any, any, any>): Promise<void> {
  return sessionOf(client).shutdownConnection();
}
