/**
 * Hostile peer, memory: a big message trickled one byte per read. Outcome required: the client
 * holds about the message's size in memory while it waits for the end (not a Buffer object per
 * byte), and the message is delivered once complete.
 *
 * Found with this test: the framer kept every 1-byte chunk as its own Buffer (~130 bytes of memory
 * per buffered byte: a peer trickling a 64 MiB message would have cost ~8 GB before the size limit
 * applied). Fixed in runtime/core/json-framer.ts (`keep()`: small tails are copied into 16 KiB blocks).
 */
import { duplexPair } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { QmpClient } from '../../runtime/index.js';
import { makeServer } from './helpers/peer.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function liveBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('a message trickled byte by byte', () => {
  it('1 MiB, one byte per read: memory stays near the message size, and it is delivered', async () => {
    const server = makeServer();
    const [ours, theirs] = duplexPair();
    const conn = server.accept(ours);
    const qmp = await QmpClient.connect({ stream: theirs });
    const size = 1024 * 1024;
    const head = Buffer.from('{"event": "BIG", "data": {"s": "');
    const tail = Buffer.from('"}, "timestamp": {"seconds": 1, "microseconds": 2}}\r\n');
    const body = Buffer.alloc(size, 0x61);
    const big = qmp.waitForEvent('BIG');
    const before = liveBytes();
    ours.write(head);
    for (let i = 0; i < size; i += 10_000) {
      for (let j = i; j < Math.min(size, i + 10_000); j++) ours.write(body.subarray(j, j + 1));
      await new Promise((r) => setImmediate(r)); // let the client read: one byte per read
    }
    const growth = liveBytes() - before;
    // ~1 MiB of message plus slack; before the fix this was ~130 MiB
    expect(growth).toBeLessThan(16 * 1024 * 1024);
    ours.write(tail);
    expect(((await big).data as { s: string }).s.length).toBe(size);
    expect(await qmp.execute('query-name')).toEqual({ name: 'vm0' });
    void conn;
    await qmp.close();
    await server.close();
  });
});
