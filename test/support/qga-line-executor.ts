/**
 * A minimal guest agent client for tests of the QGA helpers (`runtime/qga/helpers/`): 0xFF + `guest-sync-delimited`
 * on connect, then one JSON reply per line matched by `id`, errors as `QmpCommandError`, aborts as `QmpAbortError`.
 * It is the helpers' structural executor and nothing more; the SDK's own `QgaClient` is tested elsewhere.
 * It also records every command sent, so tests can see the handles and pids the helpers used.
 */
import { randomInt } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { QmpAbortError, QmpCommandError, QmpConnectionError } from '../../runtime/errors.js';
import type { QgaCallOptions, QgaExecutor } from '../../runtime/qga/helpers/index.js';

export class QgaLineExecutor implements QgaExecutor {
  /** Every command sent, in order. */
  readonly sent: Array<{ name: string; args: Record<string, unknown> | undefined }> = [];
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; name: string }>();
  private buffer = Buffer.alloc(0);
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      for (let nl = this.buffer.indexOf(0x0a); nl >= 0; nl = this.buffer.indexOf(0x0a)) {
        const line = this.buffer.subarray(0, nl).toString('utf8');
        this.buffer = this.buffer.subarray(nl + 1);
        const msg = JSON.parse(line) as { id?: number; return?: unknown; error?: { class: string; desc: string } };
        const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
        if (p === undefined) continue;
        this.pending.delete(msg.id!);
        if (msg.error) p.reject(new QmpCommandError({ errorClass: msg.error.class, desc: msg.error.desc, command: p.name, id: msg.id }));
        else p.resolve(msg.return);
      }
    });
    socket.on('close', () => {
      this.closed = true;
      for (const p of this.pending.values()) p.reject(new QmpConnectionError('peer-closed', 'the agent closed the connection'));
      this.pending.clear();
    });
    socket.on('error', () => undefined);
  }

  /** Connects to the agent's socket and synchronises (everything before the sync reply's 0xFF is dropped). */
  static async open(path: string): Promise<QgaLineExecutor> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    const id = randomInt(1, 2 ** 47);
    const reply = Buffer.from(`\xff{"return": ${id}}\n`, 'latin1');
    await new Promise<void>((resolve, reject) => {
      let got = Buffer.alloc(0);
      const onData = (d: Buffer): void => {
        got = Buffer.concat([got, d]);
        const at = got.indexOf(reply);
        if (at < 0) return;
        socket.off('data', onData);
        const rest = got.subarray(at + reply.length);
        resolve();
        if (rest.length > 0) socket.emit('data', rest);
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error('the agent closed before the sync reply')));
      socket.write(Buffer.concat([Buffer.from([0xff]), Buffer.from(JSON.stringify({ execute: 'guest-sync-delimited', arguments: { id } }))]));
    });
    socket.removeAllListeners('close');
    return new QgaLineExecutor(socket);
  }

  execute(name: string, args?: Record<string, unknown>, options?: QgaCallOptions): Promise<unknown> {
    this.sent.push({ name, args });
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(new QmpAbortError(name, signal.reason));
    if (this.closed) return Promise.reject(new QmpConnectionError('closed', 'closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(id);
        reject(new QmpAbortError(name, signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, { name, resolve: (v) => (done(), resolve(v)), reject: (e) => (done(), reject(e)) });
      this.socket.write(JSON.stringify(args === undefined ? { execute: name, id } : { execute: name, arguments: args, id }));
    });
  }

  /** Closes the connection (pending calls reject). */
  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }
}
