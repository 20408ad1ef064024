/**
 * One client connection of the test server: its negotiation state, the log of the commands it
 * sent, its faults, and the ordered, fault-aware path of everything written to it.
 */
import type { Duplex } from 'node:stream';
import type { QmpTimestamp, TargetBinding, TargetValidators } from '../runtime/target.js';
import type { QmpTestFailure } from './errors.js';
import { buildEvent } from './event-message.js';
import { selects, type QmpFaults } from './faults.js';
import { JsonInputSplitter, type ClientInput } from './json-input.js';
import { OutputWriter } from './output.js';
import { MAX_QUEUED_INPUTS, RecentLog, type QmpServerLimits } from './limits.js';

/** A command as the server received it (after QEMU's envelope checks passed). */
export interface ReceivedCommand {
  /** Index of the connection it came on. */
  readonly connection: number;
  /** Wire name (`execute` or `exec-oob`). */
  readonly name: string;
  /** `arguments` as sent, `undefined` when absent. */
  readonly arguments: Record<string, unknown> | undefined;
  /** The `id` as sent (`undefined` when absent; see `hasId`). */
  readonly id: unknown;
  readonly hasId: boolean;
  /** Sent with `exec-oob`. */
  readonly oob: boolean;
  /** Whether capabilities negotiation was complete when it arrived. */
  readonly negotiated: boolean;
}

/** Negotiation state of a connection. */
export type ConnectionState = 'greeting' | 'negotiation' | 'command' | 'closed';

/** What a reply carries besides its id. */
export type ReplyBody = { return: unknown } | { error: { class: string; desc: string } };

/** Shared by the connections of one server (internal). */
export interface ServerCore {
  readonly target: TargetBinding | undefined;
  validators: TargetValidators | undefined;
  readonly received: RecentLog<ReceivedCommand>;
  readonly failures: QmpTestFailure[];
  readonly limits: Readonly<Required<QmpServerLimits>>;
  /** Unfinished input bytes held over all connections. */
  buffered: number;
  timestamp(): QmpTimestamp;
}

/** Decides what a connection answers (internal): the schema-driven engine or the replay engine. */
export interface ConnectionEngine {
  /** Called once the stream is attached; sends the greeting. */
  start(conn: QmpServerConnection): void;
  /** Called for each input, in order; in-band inputs wait for the previous one's promise. */
  handle(conn: QmpServerConnection, input: ClientInput): void | Promise<void>;
}

/** One accepted client. */
export class QmpServerConnection {
  /** 0-based, in accept order. */
  readonly index: number;
  /** Negotiation state. */
  state: ConnectionState = 'greeting';
  /** Capabilities this client enabled with `qmp_capabilities`. */
  capabilities: readonly string[] = [];
  /** The commands this client sent, in arrival order (the most recent `limits.receivedLog`). */
  get commands(): readonly ReceivedCommand[] {
    return this.log.view();
  }
  /** Resolves when the connection is closed (by either side). */
  readonly closed: Promise<void>;
  /** Active faults (see {@link QmpFaults}); change them with {@link setFaults}. */
  faults: QmpFaults;

  private readonly writer: OutputWriter;
  private readonly splitter: JsonInputSplitter;
  private readonly log: RecentLog<ReceivedCommand>;
  /** Unfinished input bytes of this connection counted in `core.buffered`. */
  private pending = 0;
  private paused = false;
  private idle: NodeJS.Timeout | undefined;
  private queue: ClientInput[] = [];
  private busy = false;
  private answered = 0;
  private unknownIds = 0;
  private resolveClosed!: () => void;

  /** @internal */
  constructor(
    readonly stream: Duplex,
    index: number,
    faults: QmpFaults,
    /** @internal */ readonly core: ServerCore,
    private readonly engine: ConnectionEngine,
  ) {
    this.index = index;
    this.faults = { ...faults };
    this.splitter = new JsonInputSplitter(core.limits.maxMessageBytes);
    this.log = new RecentLog(core.limits.receivedLog);
    this.closed = new Promise((r) => (this.resolveClosed = r));
    this.writer = new OutputWriter(stream, () => this.faults);
    stream.on('error', () => undefined);
    stream.on('close', () => this.markClosed());
    // Like QEMU: the client's end of stream closes the connection (nothing more is written).
    stream.on('end', () => {
      this.writer.destroy();
      this.markClosed();
    });
    if (this.faults.closeBeforeGreeting) {
      this.writer.destroy();
      this.markClosed();
      return;
    }
    stream.on('data', (chunk: Buffer | string) => this.onData(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    if (core.limits.idleTimeoutMs > 0) {
      this.idle = setTimeout(() => this.destroy(), core.limits.idleTimeoutMs);
      this.idle.unref();
    }
    engine.start(this);
  }

  /** `true` once `qmp_capabilities` succeeded with `oob` enabled. */
  get oobEnabled(): boolean {
    return this.capabilities.includes('oob');
  }

  /** Changes faults on the live connection (merged into the current ones). */
  setFaults(faults: QmpFaults): void {
    this.faults = { ...this.faults, ...faults };
  }

  /** Sends any JSON message as is (write-level faults apply). */
  send(message: unknown): void {
    this.writer.message(message, false);
  }

  /** Writes raw bytes (garbage, truncated or invalid UTF-8 input for the client), in order. */
  sendRaw(bytes: string | Uint8Array): void {
    this.writer.raw(bytes);
  }

  /**
   * Sends an event to this client (schema-checked when the server has a target). Like QEMU,
   * nothing is sent before negotiation is complete; returns whether it was sent.
   */
  emitEvent(name: string, data?: Record<string, unknown>): boolean {
    const msg = buildEvent(name, data, this.core.timestamp(), this.core.target, this.core.validators);
    if (this.state !== 'command') return false;
    this.writer.message(msg, false);
    return true;
  }

  /** Closes the connection gracefully (what was queued is written first). */
  close(): Promise<void> {
    this.writer.end();
    return this.closed;
  }

  /** Closes the connection at once, dropping anything not yet written. */
  destroy(): void {
    this.writer.destroy();
  }

  /** @internal Sends the greeting, or half of it then closes (fault `closeMidMessage: 'greeting'`). */
  sendGreeting(greeting: unknown): void {
    if (this.faults.injectBeforeGreeting !== undefined) this.writer.raw(this.faults.injectBeforeGreeting);
    if (this.faults.closeMidMessage === 'greeting') {
      this.writer.halfThenEnd(greeting);
      return;
    }
    this.writer.message(greeting, false);
    if (this.faults.injectAfterGreeting !== undefined) this.writer.raw(this.faults.injectAfterGreeting);
    if (this.state === 'greeting') this.state = 'negotiation';
  }

  /** @internal Logs a command that passed the envelope checks. */
  logCommand(cmd: Omit<ReceivedCommand, 'connection' | 'negotiated'>): ReceivedCommand {
    const full: ReceivedCommand = { ...cmd, connection: this.index, negotiated: this.state === 'command' };
    this.log.push(full);
    this.core.received.push(full);
    return full;
  }

  /**
   * @internal Answers a command (or an unparsable input when `command` is undefined), applying the
   * reply faults: delay, never answer, unknown id, no id, injected bytes, close mid-message/after K.
   */
  async reply(
    request: { readonly hasId: boolean; readonly id: unknown },
    body: ReplyBody,
    command?: ReceivedCommand,
  ): Promise<void> {
    const f = this.faults;
    if ((f.replyDelayMs ?? 0) > 0) await new Promise((r) => setTimeout(r, f.replyDelayMs));
    if (this.state === 'closed' || this.writer.isEnded) return;
    const name = command?.name;
    const counts = command !== undefined && command.negotiated;
    if (counts) this.answered++;
    if (name !== undefined && selects(f.neverAnswer, name)) return;
    const msg: Record<string, unknown> = { ...body };
    if (request.hasId) msg['id'] = request.id;
    if (name !== undefined && selects(f.replyWithUnknownId, name)) msg['id'] = `qmp-test-server-unknown-id-${++this.unknownIds}`;
    if (name !== undefined && selects(f.replyWithoutId, name)) delete msg['id'];
    if (name !== undefined && f.injectBeforeReply && selects(f.injectBeforeReply.commands ?? true, name)) {
      this.writer.raw(f.injectBeforeReply.bytes);
    }
    if (counts && f.closeMidMessage === this.answered) {
      this.writer.halfThenEnd(msg);
      return;
    }
    this.writer.message(msg, true);
    if (counts && f.closeAfterCommands === this.answered) this.writer.end();
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.idle?.refresh();
    const inputs = this.splitter.push(chunk);
    // Memory bound over all connections: unfinished input counts until its message completes.
    const now = this.splitter.pendingBytes;
    this.core.buffered += now - this.pending;
    this.pending = now;
    if (this.core.buffered > this.core.limits.maxBufferedBytes) {
      this.destroy();
      this.markClosed();
      return;
    }
    for (const input of inputs) {
      if (this.isOob(input)) void this.run(input);
      else this.queue.push(input);
    }
    // Backpressure: stop reading while much is queued or the client does not read our replies.
    if (this.queue.length >= MAX_QUEUED_INPUTS || this.stream.writableNeedDrain) this.pause();
    void this.drain();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.stream.pause();
  }

  /** Resolves once the stream has room again (or is gone). */
  private writable(): Promise<void> {
    if (!this.stream.writableNeedDrain || this.stream.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
  }

  private isOob(input: ClientInput): boolean {
    if (!input.ok || !this.oobEnabled) return false;
    const v = input.value;
    return typeof v === 'object' && v !== null && !Array.isArray(v) && 'exec-oob' in v && !('execute' in v);
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.state !== 'closed' && !this.stream.destroyed) {
        if (this.stream.writableNeedDrain) {
          this.pause();
          await this.writable();
          continue;
        }
        const input = this.queue.shift();
        if (input === undefined) break;
        await this.run(input);
      }
    } finally {
      this.busy = false;
    }
    if (this.paused && this.state !== 'closed') {
      this.paused = false;
      this.stream.resume();
    }
  }

  private async run(input: ClientInput): Promise<void> {
    try {
      await this.engine.handle(this, input);
    } catch (e) {
      // The engines catch handler errors themselves; anything here is a bug of the server.
      this.core.failures.push({
        kind: 'handler',
        connection: this.index,
        command: '(server)',
        message: `test server internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      });
    }
  }

  private markClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.queue = [];
    this.core.buffered -= this.pending;
    this.pending = 0;
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.resolveClosed();
  }
}
