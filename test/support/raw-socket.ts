/**
 * A raw unix-socket client for protocol tests: writes exact bytes and waits (on data events, never on a
 * clock) until the bytes received satisfy a condition. Used to measure what a real peer (the guest agent)
 * sends, byte for byte, without any client library in between.
 */
import { connect, type Socket } from 'node:net';

export class RawSocket {
  private received = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private ended = false;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.received = Buffer.concat([this.received, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', (e) => {
      this.failure = e;
      this.wake();
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Connects to `path`. */
  static open(path: string): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(new RawSocket(s));
      });
      s.once('error', reject);
    });
  }

  /** Everything received so far (not consumed). */
  get bytes(): Buffer {
    return this.received;
  }

  /** True once the peer closed the connection. */
  get closed(): boolean {
    return this.ended;
  }

  /** Writes bytes (a string is written as UTF-8). */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (e) => (e ? reject(e) : resolve())));
  }

  /** Resolves when `done(bytes)` holds, checked on every arrival; rejects when the peer closes before. */
  async until(done: (bytes: Buffer) => boolean, what = 'the expected bytes'): Promise<Buffer> {
    for (;;) {
      if (done(this.received)) return this.received;
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) throw new Error(`the peer closed before ${what}; received ${JSON.stringify(this.received.toString('latin1'))}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Waits for `n` complete lines (each ending in `\n`), removes them from the buffer and returns them (latin1). */
  async lines(n: number): Promise<string[]> {
    const count = (b: Buffer): number => b.reduce((k, c) => k + (c === 0x0a ? 1 : 0), 0);
    await this.until((b) => count(b) >= n, `${n} lines`);
    const out: string[] = [];
    let start = 0;
    for (let i = 0; i < n; i++) {
      const end = this.received.indexOf(0x0a, start);
      out.push(this.received.subarray(start, end + 1).toString('latin1'));
      start = end + 1;
    }
    this.received = this.received.subarray(start);
    return out;
  }

  /** Ends the connection and waits until it is closed. */
  async close(): Promise<void> {
    if (this.ended) return;
    const closed = new Promise<void>((r) => this.socket.once('close', () => r()));
    this.socket.end();
    this.socket.destroySoon();
    await closed;
  }
}
