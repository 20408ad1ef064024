/**
 * A QEMU guest agent for tests (`createQgaServer`): the agent's dialect as qemu-ga 7.2/10.0 speak it
 * (schema/FORMAT.md, "The guest agent's protocol") — no greeting; `guest-sync-delimited` answered
 * with 0xFF + `{"return": id}`; the byte 0xFF from the client answered with one error without id;
 * garbage answered with errors without id; commands without a success response answer nothing
 * when they succeed; errors as the agent words them. Plus what a real agent will not do on cue:
 * stale bytes and stale replies before the synchronisation, garbage mid-stream, a reply that never
 * comes, a channel with no agent behind it (`noAgent`), scripted command handlers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { duplexPair, type Duplex } from 'node:stream';
import type { TargetValidators } from '../runtime/target.js';
import type { QgaTargetBinding } from '../runtime/qga/types.js';
import { stringifyJson } from '../runtime/json-stringify.js';
import { QmpServerError, QmpTestServerUsageError } from './errors.js';
import { QgaInput } from './qga-input.js';

/** Returned by a handler: the command is never answered (an agent stuck in it). */
export const noReply: unique symbol = Symbol('qmp-sdk/testing: no reply');

/** What a guest agent handler gets besides the arguments. */
export interface QgaHandlerContext {
  /** Index of the connection (0-based, in accept order). */
  readonly connection: number;
  /** Writes `data` on this connection now, as it is (stale bytes, garbage, a fake reply); a string as latin1 bytes (`'\xff'` is 0xFF). */
  write(data: string | Uint8Array): void;
}

/**
 * A command handler: returns the `return` value (a promise is awaited; `bigint`s go on the wire
 * exactly), throws a `QmpServerError` to answer an error, or returns {@link noReply}.
 */
export type QgaCommandHandler = (args: Record<string, unknown> | undefined, context: QgaHandlerContext) => unknown;

/** Options of {@link createQgaServer}. */
export interface QgaServerOptions {
  /**
   * A generated guest agent target (`import { target } from 'qmp-sdk/qga'`): arguments are checked
   * with its validators (a failure is a `GenericError`), commands outside it are `CommandNotFound`,
   * and its `noSuccessResponse` commands answer nothing when their handler succeeds.
   */
  target?: QgaTargetBinding;
  /** Handlers by wire name. Built in (overridable): `guest-sync-delimited`, `guest-sync`, `guest-ping`. */
  handlers?: Readonly<Record<string, QgaCommandHandler>>;
  /** Commands that answer nothing on success (default: the target's `noSuccessResponse`). */
  noSuccessResponse?: readonly string[];
  /** Accept connections and never answer (a virtio-serial port with no agent in the guest). Settable later on the server. */
  noAgent?: boolean;
  /**
   * Written to every new connection before anything else: the stale bytes an earlier client left in
   * the channel (a string is written as latin1 bytes, so `'\xff'` is the byte 0xFF).
   */
  staleOnConnect?: string | Uint8Array;
}

/** One request the server received. */
export interface QgaReceivedCommand {
  readonly connection: number;
  readonly execute: string;
  readonly arguments: Record<string, unknown> | undefined;
  readonly id: unknown;
}

/** Where the server listens (spread it into `QgaClient.connect({...address})`). */
export type QgaServerAddress = { path: string } | { host: string; port: number };

const DELIMITER = Buffer.from([0xff]);

/** The guest agent test server. */
export class QgaTestServer {
  /** While true, nothing is answered (a channel with no agent). */
  noAgent: boolean;
  readonly #options: QgaServerOptions;
  readonly #received: QgaReceivedCommand[] = [];
  readonly #open = new Set<Duplex>();
  readonly #servers: Server[] = [];
  #accepted = 0;
  #validators: TargetValidators | undefined;
  readonly #ready: Promise<void>;
  readonly #noResponse: ReadonlySet<string>;

  /** @internal use {@link createQgaServer}. */
  constructor(options: QgaServerOptions) {
    this.#options = options;
    this.noAgent = options.noAgent ?? false;
    this.#noResponse = new Set(options.noSuccessResponse ?? options.target?.noSuccessResponse ?? []);
    this.#ready = (options.target ? options.target.loadValidators() : Promise.resolve(undefined)).then((v) => {
      this.#validators = v;
    });
    this.#ready.catch(() => undefined);
  }

  /** Resolves once the target's validators are loaded. */
  whenReady(): Promise<void> {
    return this.#ready;
  }

  /** Every request received, in arrival order (synchronisations included). */
  get received(): readonly QgaReceivedCommand[] {
    return this.#received;
  }

  /** How many connections are open now. */
  get openConnections(): number {
    return this.#open.size;
  }

  /** Listens on a unix socket path or a TCP port (`{ port: 0 }`: any). Resolves with the address. */
  async listen(where: { path: string } | { port: number; host?: string }): Promise<QgaServerAddress> {
    await this.#ready;
    const server = createServer((socket: Socket) => this.#accept(socket));
    this.#servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if ('path' in where) server.listen(where.path, () => resolve());
      else server.listen(where.port, where.host ?? '127.0.0.1', () => resolve());
    });
    if ('path' in where) return { path: where.path };
    const a = server.address();
    if (a === null || typeof a === 'string') throw new QmpTestServerUsageError('listen: no TCP address');
    return { host: a.address, port: a.port };
  }

  /** A connected stream for `QgaClient.connect({ stream })` (await {@link whenReady} first when a target is given). */
  connect(): Duplex {
    const [client, server] = duplexPair();
    this.#accept(server);
    return client;
  }

  /** Writes `data` as it is on every open connection now (garbage, a stale reply, an error without id); a string as latin1 bytes. */
  write(data: string | Uint8Array): void {
    for (const s of this.#open) s.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Ends every open connection (the agent went away). */
  dropConnections(): void {
    for (const s of this.#open) {
      // End first: a stream from `connect()` (a duplex pair) sees the peer go only by its end-of-stream.
      s.end(() => s.destroy());
      setTimeout(() => s.destroy(), 100).unref();
    }
    this.#open.clear();
  }

  /** Drops every connection and stops listening (a unix socket file is removed). */
  async close(): Promise<void> {
    this.dropConnections();
    await Promise.all(this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.#servers.length = 0;
  }

  #accept(stream: Duplex): void {
    const index = this.#accepted++;
    this.#open.add(stream);
    const input = new QgaInput();
    const write = (data: string | Uint8Array): void => {
      if (!stream.destroyed) stream.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    };
    const context: QgaHandlerContext = { connection: index, write };
    let queue = Promise.resolve();
    stream.on('error', () => undefined);
    stream.on('close', () => this.#open.delete(stream));
    stream.on('end', () => stream.end());
    if (this.#options.staleOnConnect !== undefined) write(this.#options.staleOnConnect);
    stream.on('data', (chunk: Buffer) => {
      if (this.noAgent) return;
      for (const item of input.push(chunk)) {
        queue = queue.then(() => this.#serve(item, context, (text) => write(typeof text === 'string' ? Buffer.from(text, 'utf8') : text)));
      }
    });
  }

  async #serve(item: { request: unknown } | { parseError: string }, context: QgaHandlerContext, send: (text: string | Uint8Array) => void): Promise<void> {
    if (this.noAgent) return;
    const line = (message: Record<string, unknown>): string => `${stringifyJson(message) ?? '{}'}\n`;
    const error = (cls: string, desc: string, id: unknown): string => line(id === undefined ? { error: { class: cls, desc } } : { id, error: { class: cls, desc } });
    if ('parseError' in item) {
      send(error('GenericError', item.parseError, undefined));
      return;
    }
    const request = item.request;
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      send(error('GenericError', 'QMP input must be a JSON object', undefined));
      return;
    }
    const r = request as Record<string, unknown>;
    const id = r['id'];
    const name = r['execute'];
    if (typeof name !== 'string') {
      send(error('GenericError', "QMP input lacks member 'execute'", id));
      return;
    }
    const args = r['arguments'] as Record<string, unknown> | undefined;
    this.#received.push({ connection: context.connection, execute: name, arguments: args, id });
    const reply = (value: unknown, delimited = false): void => {
      const text = line(id === undefined ? { return: value } : { return: value, id });
      send(delimited ? Buffer.concat([DELIMITER, Buffer.from(text, 'utf8')]) : text);
    };
    const handler = this.#options.handlers?.[name];
    if (handler === undefined && (name === 'guest-sync-delimited' || name === 'guest-sync')) {
      const n = args?.['id'];
      if (typeof n !== 'number' && typeof n !== 'bigint') {
        send(error('GenericError', "Invalid parameter type for 'id', expected: integer", id));
        return;
      }
      reply(n, name === 'guest-sync-delimited');
      return;
    }
    const target = this.#options.target;
    if ((handler === undefined && name !== 'guest-ping') || (target !== undefined && !Object.hasOwn(target.commands, name))) {
      send(error('CommandNotFound', `The command ${name} has not been found`, id));
      return;
    }
    const validators = this.#validators;
    if (validators) {
      const checked = validators.validateArguments(name, args);
      if (!checked.ok) {
        const first = checked.errors[0];
        send(error('GenericError', `Invalid parameter ${first?.path ?? ''}: ${first?.message ?? 'invalid'}`, id));
        return;
      }
    }
    let value: unknown;
    try {
      value = handler === undefined ? {} : await handler(args, context);
    } catch (e) {
      if (e instanceof QmpServerError) send(error(e.errorClass, e.desc, id));
      else send(error('GenericError', e instanceof Error ? e.message : String(e), id));
      return;
    }
    if (value === noReply || this.#noResponse.has(name)) return;
    reply(value === undefined ? {} : value);
  }
}

/** A guest agent for tests (see {@link QgaTestServer}). */
export function createQgaServer(options: QgaServerOptions = {}): QgaTestServer {
  if (typeof options !== 'object' || options === null) throw new QmpTestServerUsageError('createQgaServer: the options must be an object');
  return new QgaTestServer(options);
}
