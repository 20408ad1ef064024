/**
 * Issue 10 item 5: the test server is bounded. Backpressure on a client that never reads, a capped
 * `received` log, limits on connections, buffered input and idle time, closed connections dropped
 * from `server.connections`, and a unix socket only its owner can use whatever the umask. Memory
 * cases assert bounds with generous room for noise; nothing here is a timing.
 */
import { connect, type Socket } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { QmpClient } from '../../runtime/index.js';
import { QmpTestServerUsageError, createQmpServer } from '../../testing/index.js';
import { defaultServerLimits } from '../../testing/limits.js';

const MiB = 1024 * 1024;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qmp-limits-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A raw client on a unix socket; resolves once connected. */
async function raw(path: string): Promise<Socket> {
  const s = connect(path);
  s.on('error', () => undefined);
  await once(s, 'connect');
  return s;
}

/** Resolves on 'drain' or 'close' (never rejects: `events.once` would on the EPIPE of a closed peer). */
const drainedOrClosed = (s: Socket): Promise<void> =>
  new Promise((resolve) => {
    s.once('drain', () => resolve());
    s.once('close', () => resolve());
  });

const closed = (s: Socket): Promise<unknown> => (s.destroyed ? Promise.resolve() : once(s, 'close'));

describe('test server limits', () => {
  it('the defaults are what the README says', () => {
    expect(defaultServerLimits).toEqual({ maxConnections: 256, maxMessageBytes: 64 * MiB, maxBufferedBytes: 128 * MiB, idleTimeoutMs: 300_000, receivedLog: 10_000 });
  });

  it('received keeps the most recent receivedLog commands (server and connection); receivedCount counts all', async () => {
    const server = createQmpServer({ handlers: { 'query-x': () => ({}) }, limits: { receivedLog: 100 } });
    const q = await QmpClient.connect({ stream: server.connectStream() });
    await Promise.all(Array.from({ length: 1000 }, () => q.execute('query-x')));
    expect(server.receivedCount).toBe(1001); // with qmp_capabilities
    expect(server.received).toHaveLength(100);
    expect(server.connections[0]!.commands).toHaveLength(100);
    expect(server.received.at(-1)).toBe(server.connections[0]!.commands.at(-1));
    const none = createQmpServer({ handlers: { 'query-x': () => ({}) }, limits: { receivedLog: 0 } });
    const q2 = await QmpClient.connect({ stream: none.connectStream() });
    await q2.execute('query-x');
    expect(none.received).toEqual([]);
    expect(none.receivedCount).toBe(2);
    await Promise.all([q.close(), q2.close()]);
    await Promise.all([server.close(), none.close()]);
  });

  it('closed connections leave server.connections', async () => {
    const server = createQmpServer();
    const clients = await Promise.all([0, 1, 2].map(() => QmpClient.connect({ stream: server.connectStream() })));
    const conns = await Promise.all([0, 1, 2].map((i) => server.nextConnection(i)));
    await clients[0]!.close();
    await clients[2]!.close();
    await Promise.all([conns[0]!.closed, conns[2]!.closed]);
    expect(server.connections.map((c) => c.index)).toEqual([1]);
    await expect(server.nextConnection(0)).rejects.toThrow(/connection 0 has closed/);
    await clients[1]!.close();
    await server.close();
  });

  it('maxConnections: one more socket is closed at accept, one more accept() throws', async () => {
    const dir = tempDir();
    const server = createQmpServer({ limits: { maxConnections: 2 } });
    const { path } = (await server.listen({ path: join(dir, 's') })) as { path: string };
    const a = await QmpClient.connect({ path });
    const b = await QmpClient.connect({ path });
    await expect(QmpClient.connect({ path, connectTimeoutMs: 10_000 })).rejects.toThrow(/before its greeting/);
    expect(server.connections).toHaveLength(2);
    let err: unknown;
    try {
      server.connectStream();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QmpTestServerUsageError);
    expect(String(err)).toMatch(/limits\.maxConnections is 2/);
    await Promise.all([a.close(), b.close()]);
    await server.close();
  });

  it('idleTimeoutMs: a connection that sends nothing is closed', async () => {
    const dir = tempDir();
    const server = createQmpServer({ limits: { idleTimeoutMs: 200 } });
    const { path } = (await server.listen({ path: join(dir, 's') })) as { path: string };
    const s = await raw(path);
    const conn = await server.nextConnection(0);
    s.resume();
    await closed(s);
    await conn.closed;
    expect(conn.state).toBe('closed');
    expect(server.connections).toHaveLength(0);
    await server.close();
  });

  it('maxBufferedBytes: 8 clients × 48 MiB of unfinished input stay under the total (16 MiB here); memory bounded; all freed', async () => {
    const dir = tempDir();
    const server = createQmpServer({ limits: { maxBufferedBytes: 16 * MiB, maxMessageBytes: 64 * MiB } });
    const { path } = (await server.listen({ path: join(dir, 's') })) as { path: string };
    const rss0 = process.memoryUsage().rss;
    let highest = 0;
    const chunk = Buffer.alloc(MiB, '[');
    const clients = await Promise.all(Array.from({ length: 8 }, () => raw(path)));
    await Promise.all(
      clients.map(async (s) => {
        s.resume(); // take the greeting
        for (let i = 0; i < 48 && !s.destroyed; i++) {
          if (!s.write(chunk)) await drainedOrClosed(s);
          highest = Math.max(highest, server.bufferedBytes);
        }
      }),
    );
    expect(highest).toBeLessThanOrEqual(16 * MiB);
    expect(server.bufferedBytes).toBeLessThanOrEqual(16 * MiB);
    // 384 MiB were sent; what stays is bounded by the limit (room for GC noise and socket buffers)
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * MiB);
    expect(clients.some((s) => s.destroyed)).toBe(true);
    for (const s of clients) s.destroy();
    await Promise.all(clients.map(closed));
    await server.close();
    expect(server.bufferedBytes).toBe(0);
  });

  it('backpressure: a client pipelining commands and never reading stops being read; replies then all arrive', async () => {
    const dir = tempDir();
    const reply = 'x'.repeat(1000);
    const server = createQmpServer({ handlers: { 'query-x': () => reply } });
    const { path } = (await server.listen({ path: join(dir, 's') })) as { path: string };
    const s = await raw(path);
    s.pause(); // never read
    const conn = await server.nextConnection(0);
    const total = 20_000;
    const cmd = '{"execute":"query-x"}';
    s.write('{"execute":"qmp_capabilities"}');
    let sent = 0;
    // Write until the server stops taking input (its socket paused): the kernel buffers fill up.
    while (sent < total) {
      sent++;
      if (!s.write(cmd)) {
        const drained = await Promise.race([drainedOrClosed(s).then(() => true), waitPaused(conn.stream)]);
        if (!drained) break;
      }
    }
    expect(conn.stream.isPaused()).toBe(true);
    expect(server.receivedCount).toBeLessThan(total);
    // What the server holds for this client is bounded (replies not yet taken, with room)
    expect(conn.stream.writableLength).toBeLessThan(4 * MiB);
    // Now read: every command sent gets its reply
    let lines = 0;
    let rest = '';
    s.setEncoding('utf8');
    const done = new Promise<void>((resolve) => {
      s.on('data', (d: string) => {
        const parts = (rest + d).split('\n');
        rest = parts.pop()!;
        lines += parts.length;
        if (lines >= sent + 2) resolve(); // greeting + capabilities + every query-x
      });
    });
    s.resume();
    if (sent < total) {
      const more = cmd.repeat(total - sent);
      s.write(more);
      sent = total;
    }
    await done;
    expect(server.receivedCount).toBe(total + 1);
    s.destroy();
    await server.close();
  });

  it('a unix socket is 0600 even under umask 000 (bound in a private folder, then linked); an existing path is refused', async () => {
    const dir = tempDir();
    const old = process.umask(0);
    let mode: number;
    try {
      const server = createQmpServer();
      const path = join(dir, 'qmp.sock');
      await server.listen({ path });
      mode = statSync(path).mode & 0o777;
      expect(readdirSync(dir)).toEqual(['qmp.sock']); // no leftover private folder
      const q = await QmpClient.connect({ path });
      await q.close();
      await server.close();
      expect(existsSync(path)).toBe(false);
    } finally {
      process.umask(old);
    }
    expect(mode.toString(8)).toBe('600');
    const taken = join(dir, 'taken');
    writeFileSync(taken, 'not a socket\n');
    const server = createQmpServer();
    await expect(server.listen({ path: taken })).rejects.toThrow(/EEXIST/);
    expect(readdirSync(dir)).toEqual(['taken']);
    await server.close();
  });
});

/** Resolves false once the server side has stopped reading for good: paused while its replies are not drained. */
async function waitPaused(stream: { isPaused(): boolean; writableNeedDrain: boolean }): Promise<false> {
  while (!(stream.isPaused() && stream.writableNeedDrain)) await new Promise((r) => setTimeout(r, 10));
  return false;
}
