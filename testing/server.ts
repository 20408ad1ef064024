/**
 * The test server: listens on a unix socket or TCP port, or takes any Duplex stream, and runs one
 * engine (schema-driven handlers, or a recording's replay) for every client.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { listenPrivate, type PrivateSocket } from './private-socket.js';
import { duplexPair, type Duplex } from 'node:stream';
import type { LooseCommandMap, QmpTimestamp, TargetBinding, TargetValidators } from '../runtime/target.js';
import { QmpServerConnection, type ConnectionEngine, type ReceivedCommand, type ServerCore } from './connection.js';
import { SchemaEngine, type CommandMapLike, type QmpHandlers } from './engine.js';
import { QmpTestServerFailuresError, QmpTestServerUsageError, type QmpTestFailure } from './errors.js';
import { buildEvent, nowTimestamp } from './event-message.js';
import type { QmpFaults } from './faults.js';
import { buildGreeting, type QmpGreetingOption } from './greeting.js';
import { RecentLog, resolveLimits, type QmpServerLimits } from './limits.js';
import { acceptOptionsShape, checkServerOptions, serverOptionsShape } from './option-shapes.js';

/** Where to listen: a unix socket path, a TCP port (0 = any; host defaults to 127.0.0.1), or `{}` for TCP on any port. */
export type QmpListenOptions = { path: string } | { port: number; host?: string } | Record<string, never>;

/** Where the server listens; spread it into `QmpClient.connect({...address})`. */
export type QmpServerAddress = { path: string } | { host: string; port: number };

/** Faults for every connection, or a function choosing them per connection (by accept index). */
export type QmpFaultsOption = QmpFaults | ((connectionIndex: number) => QmpFaults | undefined);

/** Options shared by the schema-driven server and the replay server. */
export interface QmpServerCommonOptions {
  /** Fault injection (see {@link QmpFaults}). */
  faults?: QmpFaultsOption;
  /** Clock for event timestamps (default: the wall clock with microseconds). */
  clock?: () => QmpTimestamp;
  /** What one client may cost at most (connections, buffered bytes, idle time, log size); see {@link QmpServerLimits}. */
  limits?: QmpServerLimits;
}

/** Options of {@link createQmpServer}. */
export interface QmpServerOptions<C extends CommandMapLike<C> = LooseCommandMap> extends QmpServerCommonOptions {
  /**
   * The generated target (`import { target } from 'qmp-sdk/qemu-10.0-x86_64'`): its validators check
   * arguments, handler returns and events; commands outside it are CommandNotFound. Without a
   * target nothing is schema-checked and any command may run out-of-band.
   */
  target?: TargetBinding;
  /** The greeting: a whole greeting sent verbatim, or the version to announce (default: the target's). */
  greeting?: QmpGreetingOption;
  /**
   * Capabilities offered in the greeting and accepted by `qmp_capabilities` (default `['oob']`). With a
   * verbatim greeting, only what `qmp_capabilities` accepts (default: what that greeting announces).
   */
  capabilities?: readonly string[];
  /** Command handlers keyed by wire name; a command without a handler gets CommandNotFound. */
  handlers?: NoInfer<QmpHandlers<C>>;
}

/** The test server. */
export class QmpTestServer {
  private readonly core: ServerCore;
  private readonly conns: QmpServerConnection[] = [];
  private accepted = 0;
  private readonly listeners: Server[] = [];
  private readonly privateSockets: PrivateSocket[] = [];
  private readonly waiting: ((c: QmpServerConnection) => void)[] = [];
  private readonly ready: Promise<void>;

  /** @internal use {@link createQmpServer} or `createReplayServer`. */
  constructor(
    private readonly engine: ConnectionEngine,
    private readonly options: QmpServerCommonOptions,
    target: TargetBinding | undefined,
    ready: Promise<TargetValidators | undefined>,
  ) {
    const limits = resolveLimits(options.limits);
    const core: ServerCore = {
      target,
      validators: undefined,
      received: new RecentLog<ReceivedCommand>(limits.receivedLog),
      failures: [],
      limits,
      buffered: 0,
      timestamp: options.clock ?? nowTimestamp,
    };
    this.core = core;
    this.ready = ready.then((v) => {
      core.validators = v;
    });
    this.ready.catch(() => undefined);
  }

  /** Resolves once the target's validators are loaded (rejects if they cannot be). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** The connections open now, in accept order (a closed connection leaves this list). */
  get connections(): readonly QmpServerConnection[] {
    return this.conns;
  }

  /** The commands received on any connection, in arrival order: the most recent `limits.receivedLog` (default 10 000). */
  get received(): readonly ReceivedCommand[] {
    return this.core.received.view();
  }

  /** How many commands were received in all (also those no longer kept in {@link received}). */
  get receivedCount(): number {
    return this.core.received.count;
  }

  /** Unfinished input bytes held now over all connections (bounded by `limits.maxBufferedBytes`). */
  get bufferedBytes(): number {
    return this.core.buffered;
  }

  /** Failures recorded so far (bad handler returns, handler crashes, departures from a recording). */
  get failures(): readonly QmpTestFailure[] {
    return this.core.failures;
  }

  /** Throws a {@link QmpTestServerFailuresError} listing every recorded failure, if any. */
  assertNoFailures(): void {
    if (this.core.failures.length > 0) throw new QmpTestServerFailuresError([...this.core.failures]);
  }

  /** Starts listening; resolves with the address to connect to. */
  async listen(options: QmpListenOptions = {}): Promise<QmpServerAddress> {
    await this.ready;
    const server = createServer((socket: Socket) => {
      if (this.conns.length >= this.core.limits.maxConnections) {
        socket.destroy(); // over limits.maxConnections: refused at accept
        return;
      }
      this.accept(socket);
    });
    this.listeners.push(server);
    if ('path' in options && typeof options.path === 'string') {
      // A unix socket only this user can connect to, whatever the umask (see private-socket.ts).
      this.privateSockets.push(await listenPrivate(server, options.path));
      return { path: options.path };
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      const o = options as { port?: number; host?: string };
      server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve);
    });
    const addr = server.address();
    if (typeof addr === 'string') return { path: addr };
    if (addr === null) throw new QmpTestServerUsageError('listen: the server has no address');
    return { host: addr.address, port: addr.port };
  }

  /** Serves one client over any Duplex stream; `faults` override the server's for this connection. */
  accept(stream: Duplex, options: { faults?: QmpFaults } = {}): QmpServerConnection {
    checkServerOptions('accept', options, acceptOptionsShape);
    if (this.conns.length >= this.core.limits.maxConnections) {
      stream.destroy();
      throw new QmpTestServerUsageError(`accept: ${this.conns.length} connections are open, limits.maxConnections is ${this.core.limits.maxConnections}`);
    }
    const index = this.accepted++;
    const base = typeof this.options.faults === 'function' ? this.options.faults(index) : this.options.faults;
    const conn = new QmpServerConnection(stream, index, { ...base, ...options.faults }, this.core, this.engine);
    this.conns.push(conn);
    void conn.closed.then(() => {
      const at = this.conns.indexOf(conn);
      if (at >= 0) this.conns.splice(at, 1);
    });
    for (const w of this.waiting.splice(0)) w(conn);
    return conn;
  }

  /**
   * A connected in-memory stream for a client (`QmpClient.connect({ stream: server.connectStream() })`).
   * It behaves like a socket: destroying either end closes the other (Node's `duplexPair` alone does not).
   */
  connectStream(options: { faults?: QmpFaults } = {}): Duplex {
    const [ours, theirs] = duplexPair();
    theirs.once('close', () => ours.destroy());
    ours.once('close', () => theirs.destroy());
    this.accept(ours, options);
    return theirs;
  }

  /**
   * Resolves with the next accepted connection, or the one with that index while it is open;
   * rejects for an index whose connection has already closed (closed connections are not kept).
   */
  nextConnection(index = this.accepted): Promise<QmpServerConnection> {
    const have = this.conns.find((c) => c.index === index);
    if (have) return Promise.resolve(have);
    if (index < this.accepted) return Promise.reject(new QmpTestServerUsageError(`nextConnection: connection ${index} has closed and is no longer kept`));
    return new Promise((resolve) => {
      const check = (c: QmpServerConnection): void => {
        if (c.index === index) resolve(c);
        else this.waiting.push(check);
      };
      this.waiting.push(check);
    });
  }

  /**
   * Sends an event to every negotiated connection (schema-checked against the target; a wrong
   * name or data rejects with a {@link QmpTestServerUsageError} naming the path). Resolves with
   * how many connections it was sent to.
   */
  async emitEvent(name: string, data?: Record<string, unknown>): Promise<number> {
    await this.ready;
    const msg = buildEvent(name, data, this.core.timestamp(), this.core.target, this.core.validators);
    let n = 0;
    for (const c of this.conns) {
      if (c.state === 'command') {
        c.send(msg);
        n++;
      }
    }
    return n;
  }

  /**
   * Drops every open connection at once, on cue — what a client sees when QEMU crashes or a
   * management daemon restarts (for tests of reconnection). With `stopListening`, new connections
   * are refused from now on too (a reconnecting client then gives up) and its unix socket files are
   * removed, so that `listen()` on the same path works again (a restarted QEMU). Resolves, once
   * they are closed, with how many were dropped.
   */
  async dropConnections(options: { stopListening?: boolean } = {}): Promise<number> {
    // A net.Server's close() calls back once its connections ended: start it, then drop them.
    const stopped = options.stopListening
      ? this.listeners.map((l) => new Promise<void>((r) => (l.listening ? l.close(() => r()) : r())))
      : [];
    const open = this.conns.filter((c) => c.state !== 'closed');
    for (const c of open) c.destroy();
    await Promise.all([...stopped, ...open.map((c) => c.closed)]);
    // Not listening any more: its socket files go too, so that this server (or another, as a
    // restarted QEMU would) can listen on the same path again.
    if (options.stopListening) for (const p of this.privateSockets.splice(0)) p.remove();
    return open.length;
  }

  /**
   * Stops listening, closes every connection, and throws a {@link QmpTestServerFailuresError}
   * when failures were recorded, so that a forgotten check still fails the test.
   */
  async close(): Promise<void> {
    // Stop accepting first, then close the open connections (a listener's close waits for them).
    const stopped = this.listeners.map((l) => new Promise<void>((r) => (l.listening ? l.close(() => r()) : r())));
    const open = [...this.conns];
    for (const c of open) c.destroy();
    await Promise.all([...stopped, ...open.map((c) => c.closed)]);
    for (const p of this.privateSockets.splice(0)) p.remove();
    this.assertNoFailures();
  }

  /** `await using server = createQmpServer(...)` closes it (and reports failures). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Creates the schema-driven test server. */
export function createQmpServer<C extends CommandMapLike<C> = LooseCommandMap>(
  options: QmpServerOptions<C> = {},
): QmpTestServer {
  checkServerOptions('createQmpServer', options, serverOptionsShape);
  const { target } = options;
  const handlers = (options.handlers ?? {}) as Record<string, never>;
  for (const name of Object.keys(handlers)) {
    if (name === 'qmp_capabilities') {
      throw new QmpTestServerUsageError('createQmpServer: qmp_capabilities is built in and cannot have a handler');
    }
    if (target && !Object.prototype.hasOwnProperty.call(target.commands, name)) {
      throw new QmpTestServerUsageError(`createQmpServer: handler for '${name}', a command target ${target.name} does not have`);
    }
    if (typeof handlers[name] !== 'function') {
      throw new QmpTestServerUsageError(`createQmpServer: the handler for '${name}' is not a function`);
    }
  }
  const { greeting, offered } = buildGreeting(options.greeting, options.capabilities, target);
  const ready = target ? target.loadValidators() : Promise.resolve(undefined);
  const readyVoid = ready.then(() => undefined);
  readyVoid.catch(() => undefined);
  const engine = new SchemaEngine(greeting, offered, handlers, readyVoid);
  return new QmpTestServer(engine, options, target, ready);
}
