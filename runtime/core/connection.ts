/**
 * One open byte stream carrying JSON messages: reads through the {@link Framer} it is given, writes messages
 * (batched per microtask, so a burst of commands becomes one write), and reports exactly once
 * why it ended. Knows no QMP semantics.
 */
import type { Duplex } from 'node:stream';
import type { Framer } from './framing.js';
import { QmpConnectionError, isQmpProtocolError, type QmpProtocolError } from '../errors.js';

/** Callbacks of a {@link Connection}. */
export interface ConnectionHandlers {
  /** Every parsed message, in order, with its size on the wire in bytes. Must not throw. */
  onMessage(message: unknown, bytes: number): void;
  /** Called once when the connection ends, with why (`reason: 'closed'` after {@link Connection.end}). */
  onClose(error: QmpConnectionError, protocolError: QmpProtocolError | undefined): void;
}

/** A framed message stream over a Duplex. */
export class Connection {
  private outgoing: string[] = [];
  private flushScheduled = false;
  private ended: QmpConnectionError | undefined;
  private closing = false;

  constructor(
    private readonly stream: Duplex,
    /** Reads the stream's bytes into messages (given, so that a dialect chooses its framing mode). */
    private readonly framer: Framer,
    private readonly handlers: ConnectionHandlers,
    /** How errors name the connection and the peer: the dialect's name, given by its session. */
    private readonly dialect: string,
  ) {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('error', this.onError);
    stream.on('close', this.onStreamClose);
  }

  /** False once the connection ended for any reason. */
  get isOpen(): boolean {
    return this.ended === undefined && !this.closing;
  }

  /**
   * Queues one message (`text`: its JSON when the caller serialised it already); all messages
   * queued in the same tick go out in one write.
   */
  send(message: unknown, text: string = JSON.stringify(message)): void {
    if (!this.isOpen) return;
    this.outgoing.push(text);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flush);
    }
  }

  /**
   * Writes `bytes` as they are, after every message queued before it (a dialect's delimiter byte:
   * the guest agent's 0xFF, which resets its parser). Does nothing once the connection ended.
   */
  writeBytes(bytes: Uint8Array): void {
    if (!this.isOpen || this.stream.destroyed) return;
    this.flush();
    this.stream.write(bytes);
  }

  /**
   * Flushes, ends the write side, waits (at most `graceMs`) until the written data is handed to the
   * system, then destroys the stream. Does not wait for the peer to close its side.
   */
  async end(graceMs = 1000): Promise<void> {
    if (this.ended) return;
    this.flush();
    this.closing = true;
    const s = this.stream;
    const finished = new Promise<void>((resolve) => {
      if (s.destroyed || s.writableFinished) resolve();
      else {
        s.once('finish', () => resolve());
        s.once('close', () => resolve());
        s.once('error', () => resolve());
      }
    });
    s.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.finish(new QmpConnectionError('closed', `the ${this.dialect} connection was closed by the client`), undefined);
  }

  /** Ends the connection at once with `error`. */
  destroy(error: QmpConnectionError, protocolError?: QmpProtocolError): void {
    this.finish(error, protocolError);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.outgoing.length === 0 || this.ended || this.stream.destroyed) return;
    // Each message ends with a newline (QMP accepts any whitespace between messages).
    const data = this.outgoing.length === 1 ? `${this.outgoing[0]!}\n` : `${this.outgoing.join('\n')}\n`;
    this.outgoing = [];
    this.stream.write(data);
  };

  private readonly onData = (chunk: Buffer | string): void => {
    if (this.ended) return;
    try {
      this.framer.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk, this.handlers.onMessage);
    } catch (e) {
      if (isQmpProtocolError(e)) {
        this.finish(new QmpConnectionError('protocol', `${this.dialect} connection failed: ${e.message}`, { cause: e }), e);
      } else {
        this.finish(new QmpConnectionError('lost', `${this.dialect} connection failed: ${(e as Error).message}`, { cause: e }), undefined);
      }
    }
  };

  private readonly onEnd = (): void => {
    if (this.ended) return;
    if (this.closing) return; // our own end(): wait for 'close'
    try {
      this.framer.end();
    } catch (e) {
      if (isQmpProtocolError(e)) {
        this.finish(new QmpConnectionError('peer-closed', `the ${this.dialect} peer closed the connection in the middle of a message`, { cause: e }), e);
        return;
      }
    }
    this.finish(new QmpConnectionError('peer-closed', `the ${this.dialect} peer closed the connection`), undefined);
  };

  private readonly onError = (err: Error): void => {
    if (this.ended) return;
    if (this.closing) {
      this.finish(new QmpConnectionError('closed', `the ${this.dialect} connection was closed by the client`), undefined);
      return;
    }
    this.finish(new QmpConnectionError('lost', `${this.dialect} connection lost: ${err.message}`, { cause: err }), undefined);
  };

  private readonly onStreamClose = (): void => {
    if (this.ended) return;
    if (this.closing) {
      this.finish(new QmpConnectionError('closed', `the ${this.dialect} connection was closed by the client`), undefined);
      return;
    }
    this.onEnd();
  };

  private finish(error: QmpConnectionError, protocolError: QmpProtocolError | undefined): void {
    if (this.ended) return;
    this.ended = error;
    this.outgoing = [];
    this.stream.off('data', this.onData);
    // Keep an error listener: a late socket error must not become an uncaught exception.
    this.stream.off('error', this.onError);
    this.stream.on('error', () => {});
    const stream = this.stream;
    if (!stream.destroyed) {
      if (stream.writableEnded) stream.destroy();
      else {
        // End, then destroy once ended: a caller's Duplex whose destroy() does not reach its peer
        // (Node's duplexPair, many userland streams) still delivers an end-of-stream, so the peer
        // sees the close. A peer that never reads cannot hold the stream open: destroyed after 1 s.
        stream.end(() => stream.destroy());
        setTimeout(() => stream.destroy(), 1000).unref();
      }
    }
    this.handlers.onClose(error, protocolError);
  }
}

