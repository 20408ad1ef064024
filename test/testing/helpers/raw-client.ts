/**
 * A raw line client for protocol tests of the server: sends text, collects parsed messages.
 * (Tests of the protocol itself must not depend on the SDK client's own checks.)
 */
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** A raw QMP peer over a socket or stream. */
export class RawClient {
  readonly messages: Record<string, unknown>[] = [];
  private buf = '';
  private waiters: (() => void)[] = [];
  ended = false;
  readonly endedPromise: Promise<void>;

  constructor(readonly stream: Duplex) {
    let markEnd!: () => void;
    this.endedPromise = new Promise((r) => (markEnd = r));
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      this.buf += d;
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i).trim();
        this.buf = this.buf.slice(i + 1);
        if (line) this.messages.push(JSON.parse(line) as Record<string, unknown>);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    const end = () => {
      this.ended = true;
      markEnd();
      for (const w of this.waiters.splice(0)) w();
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', () => undefined);
  }

  /** Connects to a socket address. */
  static async connect(address: { path: string } | { host: string; port: number }): Promise<RawClient> {
    const s: Socket = 'path' in address ? connect(address.path) : connect(address.port, address.host);
    await new Promise<void>((res, rej) => {
      s.once('connect', res);
      s.once('error', rej);
    });
    return new RawClient(s);
  }

  /** Text received but not yet a whole line. */
  get partial(): string {
    return this.buf;
  }

  send(text: string | object): void {
    this.stream.write(typeof text === 'string' ? text : `${JSON.stringify(text)}\n`);
  }

  /** Waits until `n` messages in total were received (or the stream ended). */
  async waitFor(n: number): Promise<Record<string, unknown>[]> {
    while (this.messages.length < n && !this.ended) await new Promise<void>((r) => this.waiters.push(r));
    return this.messages;
  }

  /** Sends and waits for the next message. */
  async request(text: string | object): Promise<Record<string, unknown>> {
    const n = this.messages.length + 1;
    this.send(text);
    await this.waitFor(n);
    const m = this.messages[n - 1];
    if (!m) throw new Error(`no answer to ${JSON.stringify(text)} (stream ended)`);
    return m;
  }

  close(): void {
    this.stream.destroy();
  }
}
