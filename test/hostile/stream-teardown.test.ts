/**
 * Client teardown over a caller-supplied Duplex (`{ stream }` transport). A peer on the other end
 * of an in-memory pair learns that the client went away only through an end-of-stream: Node's
 * `duplexPair` (like many userland duplexes) does not pass `destroy()` on to the other side.
 *
 * Found with these tests: when the client gave up on a connection (failed connect, protocol
 * error) it called `stream.destroy()` without `stream.end()`, so such a peer never saw the close
 * (a graceful `client.close()` did end the stream). Fixed in runtime/core/connection.ts `finish()`,
 * which now ends the stream and destroys it once ended (or after 1 s if the peer never reads).
 */
import { duplexPair } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { QmpClient } from '../../runtime/index.js';
import { rawPayloads } from '../../testing/index.js';
import { makeServer } from './helpers/peer.js';

/** Resolves true when `stream` ends or closes within a few macrotask turns. */
async function sawClose(conn: { closed: Promise<void> }): Promise<boolean> {
  let closed = false;
  void conn.closed.then(() => (closed = true));
  for (let i = 0; i < 20 && !closed; i++) await new Promise((r) => setTimeout(r, 5));
  return closed;
}

describe('teardown over a plain in-memory Duplex pair', () => {
  it('a graceful client.close() reaches the peer', async () => {
    const server = makeServer();
    const [ours, theirs] = duplexPair();
    const conn = server.accept(ours);
    const qmp = await QmpClient.connect({ stream: theirs });
    await qmp.close();
    expect(await sawClose(conn)).toBe(true);
    await server.close();
  });

  it('a failed connect (malformed greeting) reaches the peer', async () => {
    const server = makeServer();
    const [ours, theirs] = duplexPair();
    server.accept(ours, { faults: { injectBeforeGreeting: '{"QMP": {"version": "ten", "capabilities": []}}\r\n' } });
    const conn = server.connections[0]!;
    await expect(QmpClient.connect({ stream: theirs, connectTimeoutMs: 2000 })).rejects.toThrow(/greeting/);
    const seen = await sawClose(conn);
    await server.close();
    expect(seen).toBe(true);
  });

  it('a connection failed by a protocol error reaches the peer', async () => {
    const server = makeServer({ injectBeforeReply: { commands: ['query-status'], bytes: rawPayloads.garbage } });
    const [ours, theirs] = duplexPair();
    const conn = server.accept(ours);
    const qmp = await QmpClient.connect({ stream: theirs });
    await expect(qmp.execute('query-status')).rejects.toThrow(/cannot start a JSON message/);
    const seen = await sawClose(conn);
    await server.close();
    expect(seen).toBe(true);
  });
});
