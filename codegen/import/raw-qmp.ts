/**
 * A minimal QMP session for the importer's bulk queries: one unix socket, every command written at
 * once (pipelined), replies read line by line with {@link parseLossless} so that integers above 2^53
 * stay exact. It tolerates the peer dying: {@link RawQmpSession.batch} then returns the replies that
 * arrived, in order, and says the connection ended. Events are ignored.
 */
import { createConnection, type Socket } from 'node:net';
import { ImportError } from './errors.js';
import { parseLossless, type LosslessJson } from './lossless-json.js';
import { isRecord } from '../guards.js';

/** One command of a batch. */
export interface RawCommand {
  readonly execute: string;
  readonly arguments?: Record<string, unknown>;
}

/** One reply: `return` or `error` (QMP spec, "Commands Responses"). */
export type RawReply = { readonly ok: true; readonly value: LosslessJson } | { readonly ok: false; readonly class: string; readonly desc: string };

/** What a batch got: a reply per command answered (in order); `ended` when the peer closed first. */
export interface RawBatch {
  readonly replies: readonly RawReply[];
  readonly ended: boolean;
}

/** A negotiated raw session (see the module doc). */
export class RawQmpSession {
  readonly #socket: Socket;
  readonly #where: string;
  #buffer = '';
  #closed = false;
  #waiters: Array<() => void> = [];
  #messages: LosslessJson[] = [];
  #error: Error | undefined;

  private constructor(socket: Socket, where: string) {
    this.#socket = socket;
    this.#where = where;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', () => this.#end());
    socket.on('close', () => this.#end());
  }

  /** Connects to `path`, reads the greeting and negotiates (no capability enabled). */
  static async connect(path: string, timeoutMs: number): Promise<RawQmpSession> {
    const socket = createConnection({ path });
    const session = new RawQmpSession(socket, `QMP socket ${path}`);
    await session.#next(timeoutMs, 'the greeting');
    const cap = await session.batch([{ execute: 'qmp_capabilities' }], timeoutMs);
    if (cap.replies[0]?.ok !== true) {
      session.close();
      throw new ImportError('qmp_capabilities failed', session.#where);
    }
    return session;
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let nl: number;
    while ((nl = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, nl).trim();
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line === '') continue;
      try {
        this.#messages.push(parseLossless(line));
      } catch (err) {
        this.#error = new ImportError(`QEMU sent malformed JSON: ${(err as Error).message}`, this.#where, { cause: err });
        this.#socket.destroy();
      }
    }
    this.#wake();
  }

  #end(): void {
    this.#closed = true;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** The next message, or undefined when the connection ended. */
  async #next(timeoutMs: number, what: string): Promise<LosslessJson | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#error !== undefined) throw this.#error;
      const m = this.#messages.shift();
      if (m !== undefined) return m;
      if (this.#closed) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.close();
        throw new ImportError(`no answer within ${timeoutMs} ms while waiting for ${what}`, this.#where);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /**
   * Sends every command at once and collects the replies in order. Stops early (with `ended`) when
   * QEMU closes the connection; throws {@link ImportError} when nothing arrives for `timeoutMs`.
   */
  async batch(commands: readonly RawCommand[], timeoutMs: number): Promise<RawBatch> {
    try {
      return await this.#batch(commands, timeoutMs);
    } catch (err) {
      this.close(); // nothing more is read from a peer that broke the protocol
      throw err;
    }
  }

  async #batch(commands: readonly RawCommand[], timeoutMs: number): Promise<RawBatch> {
    if (!this.#closed) this.#socket.write(commands.map((c, i) => JSON.stringify({ ...c, id: i })).join('\n') + '\n');
    const replies: RawReply[] = [];
    while (replies.length < commands.length) {
      const m = await this.#next(timeoutMs, `the reply to ${commands[replies.length]?.execute ?? '?'}`);
      if (m === undefined) return { replies, ended: true };
      if (!isRecord<LosslessJson>(m) || 'event' in m) continue;
      if (m['id'] !== replies.length) throw new ImportError(`reply out of order (id ${JSON.stringify(String(m['id']))}, expected ${replies.length})`, this.#where);
      const err = m['error'];
      if ('return' in m) replies.push({ ok: true, value: m['return'] as LosslessJson });
      else if (isRecord<LosslessJson>(err)) replies.push({ ok: false, class: String(err['class']), desc: String(err['desc']) });
      else throw new ImportError('reply with neither "return" nor "error"', this.#where);
    }
    return { replies, ended: false };
  }

  /** Closes the connection (idempotent). */
  close(): void {
    this.#socket.destroy();
  }
}
