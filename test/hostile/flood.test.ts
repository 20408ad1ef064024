/**
 * Hostile peer, memory: one million events into a slow consumer of the client's async event
 * iterator. Outcome required: the iterator's buffer never holds more than its bound, and every
 * event is accounted for: dropped = sent − delivered − buffered. The flood is built as a few big
 * writes of a pre-encoded block so the test stays fast.
 */
import { describe, expect, it } from 'vitest';
import { createQmpServer } from '../../testing/index.js';
import { miniTarget, type MiniCommandMap } from '../testing/helpers/mini-target.js';
import { closePair, connectPair } from './helpers/peer.js';

const TOTAL = 1_000_000;
const PER_BLOCK = 10_000;

describe('event flood', () => {
  it('1,000,000 events into a slow iterator consumer: buffer within bound, every event accounted for', async () => {
    const one = Buffer.from('{"event": "FLOOD", "timestamp": {"seconds": 1700000000, "microseconds": 1}}\r\n');
    const block = Buffer.concat(Array.from({ length: PER_BLOCK }, () => one));
    const server = createQmpServer<MiniCommandMap>({
      target: miniTarget,
      handlers: {
        // the flood goes out before this reply, in 100 writes of 10,000 events each
        'query-name': (_a, ctx) => {
          for (let i = 0; i < TOTAL / PER_BLOCK; i++) ctx.connection.sendRaw(block);
          return { name: 'flooded' };
        },
      },
    });
    const p = await connectPair(server);
    const bufferSize = 1000;
    const stream = p.client.events({ names: ['FLOOD'], bufferSize });
    let delivered = 0;
    let maxBuffered = 0;
    // registered after the iterator: runs after it took each event, so it sees the buffer at its fullest
    p.client.onAny(() => {
      if (stream.buffered > maxBuffered) maxBuffered = stream.buffered;
    });
    let paused = false;
    let resume!: () => void;
    const gate = new Promise<void>((r) => (resume = r));
    let atGate!: () => void;
    const reachedGate = new Promise<void>((r) => (atGate = r));
    // A slow consumer: one event per macrotask turn, while the flood arrives in big reads.
    const consumer = (async () => {
      for await (const ev of stream) {
        if (ev.event === 'FLOOD') delivered++;
        maxBuffered = Math.max(maxBuffered, stream.buffered);
        await new Promise((r) => setImmediate(r));
        if (paused) {
          atGate();
          await gate;
          break;
        }
      }
    })();
    expect(await p.client.execute('query-name')).toEqual({ name: 'flooded' });
    // Every event was dispatched before that reply (same stream, in order). Pause the consumer so
    // that no event is between the buffer and the counter while the numbers are read.
    paused = true;
    await reachedGate;
    maxBuffered = Math.max(maxBuffered, stream.buffered);
    const buffered = stream.buffered;
    const dropped = stream.dropped;
    expect(maxBuffered).toBe(bufferSize); // it filled up, and never went past its bound
    expect(buffered).toBeLessThanOrEqual(bufferSize);
    expect(dropped).toBe(TOTAL - delivered - buffered);
    expect(dropped).toBeGreaterThan(0);
    expect(p.client.stats.events).toBe(TOTAL);
    stream.close();
    resume();
    await consumer;
    expect(p.client.isOpen).toBe(true);
    await closePair(p);
  });
});
