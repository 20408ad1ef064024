/**
 * A scripted QMP peer over an in-memory duplex pair (Node 20 has no `stream.duplexPair`), for the
 * faults real QEMU does not produce. The test writes exact bytes and reads what the client sent.
 */
import { Duplex } from 'node:stream';

class End extends Duplex {
  other!: End;
  override _read(): void {}
  // Delivery is asynchronous (like a socket): what is written now is read in a later turn.
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    setImmediate(() => {
      if (!this.other.destroyed) this.other.push(chunk);
    });
    cb();
  }
  override _final(cb: (e?: Error | null) => void): void {
    setImmediate(() => {
      if (!this.other.destroyed) this.other.push(null);
    });
    cb();
  }
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    setImmediate(() => {
      if (!this.other.destroyed && !this.other.readableEnded) this.other.push(null);
    });
    cb(err);
  }
}

/** Two connected duplex streams: what one writes, the other reads. */
export function duplexPair(): [Duplex, Duplex] {
  const a = new End();
  const b = new End();
  a.other = b;
  b.other = a;
  return [a, b];
}

export const GREETING = {
  QMP: { version: { qemu: { micro: 0, minor: 0, major: 10 }, package: 'test-peer' }, capabilities: ['oob'] },
};

/** The peer side: raw writes, and the client's messages parsed one per line. */
export class ScriptedPeer {
  readonly received: Record<string, unknown>[] = [];
  private waiters: Array<() => void> = [];
  private buf = '';
  ended = false;
  constructor(readonly stream: Duplex) {
    stream.setEncoding('utf8');
    stream.on('data', (s: string) => {
      this.buf += s;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        if (line.trim()) this.received.push(JSON.parse(line) as Record<string, unknown>);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    stream.on('end', () => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w();
    });
    stream.on('error', () => {});
  }
  /** Writes raw text or bytes. */
  write(data: string | Buffer): void {
    this.stream.write(data);
  }
  /** Writes messages as JSON separated by CRLF, all in one chunk. */
  send(...messages: unknown[]): void {
    this.stream.write(messages.map((m) => `${JSON.stringify(m)}\r\n`).join(''));
  }
  greet(capabilities: string[] = ['oob']): void {
    this.send({ QMP: { ...GREETING.QMP, capabilities } });
  }
  /** Resolves once the client has sent at least `n` messages. */
  async waitFor(n: number): Promise<Record<string, unknown>[]> {
    while (this.received.length < n) {
      if (this.ended) throw new Error(`peer: stream ended after ${this.received.length} messages, wanted ${n}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
    return this.received;
  }
  /** Answers the client's qmp_capabilities (the n-th message, default the first). */
  async acceptNegotiation(): Promise<Record<string, unknown>> {
    const [cmd] = await this.waitFor(1);
    this.send({ return: {}, id: cmd!['id'] });
    return cmd!;
  }
  /** Waits for the client to end the stream. */
  async waitEnd(): Promise<void> {
    while (!this.ended) await new Promise<void>((r) => this.waiters.push(r));
  }
}

/** A client-side stream and its scripted peer. */
export function scriptedPeer(): { stream: Duplex; peer: ScriptedPeer } {
  const [client, server] = duplexPair();
  return { stream: client, peer: new ScriptedPeer(server) };
}
