/**
 * Hostile peer, write level: every message in tiny chunks, many messages per write, messages
 * with no separator. Outcome required: nothing changes for the user — same results, same events.
 */
import { describe, expect, it } from 'vitest';
import { createQmpServer, nowTimestamp } from '../../testing/index.js';
import { miniTarget, type MiniCommandMap } from '../testing/helpers/mini-target.js';
import { closePair, connectPair, makeServer } from './helpers/peer.js';

async function exercise(p: Awaited<ReturnType<typeof connectPair>>) {
  const { client } = p;
  const stop = client.waitForEvent('STOP');
  const results = await Promise.all([
    client.execute('query-status'),
    client.execute('human-monitor-command', { 'command-line': 'info ünïcödé ✓ 𝄞' }),
    client.execute('stop'),
    client.execute('query-name'),
  ]);
  expect(results).toEqual([{ status: 'running', running: true }, 'echo:info ünïcödé ✓ 𝄞', {}, { name: 'vm0' }]);
  expect((await stop).event).toBe('STOP');
}

describe('chunked writes', () => {
  it.each([1, 2, 7, 64])('every message in chunks of %i byte(s), in-memory stream', async (chunkSize) => {
    const p = await connectPair(makeServer({ chunkSize }));
    expect(p.client.greeting.QMP.capabilities).toEqual(['oob']);
    await exercise(p);
    expect(p.problems).toEqual([]);
    await closePair(p);
  });

  it('every message byte by byte over a real TCP socket', async () => {
    const p = await connectPair(makeServer({ chunkSize: 1 }), { tcp: true });
    await exercise(p);
    expect(p.problems).toEqual([]);
    await closePair(p);
  });

  it('a multi-byte UTF-8 character split between reads is decoded whole', async () => {
    const p = await connectPair(makeServer());
    p.server.connections[0]!.setFaults({ chunkSize: 1 });
    const ev = p.client.waitForEvent('DEVICE_DELETED');
    await p.server.emitEvent('DEVICE_DELETED', { path: '/machine/peripheral/dïsk-𝄞', device: 'é' });
    expect((await ev).data).toEqual({ path: '/machine/peripheral/dïsk-𝄞', device: 'é' });
    await closePair(p);
  });
});

describe('coalesced writes', () => {
  it('several replies and events in one write are all delivered, matched and in order', async () => {
    const p = await connectPair(makeServer({ coalesce: 16 }));
    const seen: string[] = [];
    p.client.onAny((e) => seen.push(e.event));
    const calls = [];
    for (let i = 0; i < 40; i++) {
      calls.push(p.client.execute('human-monitor-command', { 'command-line': `c${i}` }));
      if (i % 10 === 0) calls.push(p.client.execute(i % 20 === 0 ? 'stop' : 'cont'));
    }
    const results = await Promise.all(calls);
    expect(results.filter((r) => typeof r === 'string')).toEqual(Array.from({ length: 40 }, (_, i) => `echo:c${i}`));
    expect(seen).toEqual(['STOP', 'RESUME', 'STOP', 'RESUME']);
    await closePair(p);
  });

  it.each(['event-first', 'reply-first'] as const)(
    'the reply and the event it causes in ONE write (%s): a waitForEvent started before never misses it',
    async (order) => {
      const server = createQmpServer<MiniCommandMap>({
        target: miniTarget,
        faults: { neverAnswer: ['stop'] },
        handlers: {
          stop: (_a, ctx) => {
            const reply = JSON.stringify({ return: {}, id: ctx.command.id });
            const event = JSON.stringify({ event: 'STOP', timestamp: nowTimestamp() });
            ctx.connection.sendRaw(order === 'event-first' ? `${event}\r\n${reply}\r\n` : `${reply}\r\n${event}\r\n`);
            return {};
          },
        },
      });
      const p = await connectPair(server);
      const wait = p.client.waitForEvent('STOP');
      expect(await p.client.execute('stop')).toEqual({});
      expect((await wait).event).toBe('STOP');
      await closePair(p);
    },
  );

  it('messages with no separator at all between them', async () => {
    const p = await connectPair(makeServer());
    const conn = p.server.connections[0]!;
    const got: string[] = [];
    p.client.onAny((e) => got.push(e.event));
    const ts = '"timestamp": {"seconds": 1, "microseconds": 2}';
    conn.sendRaw(`{"event": "A", ${ts}}{"event": "B", ${ts}}[]{"event": "C", ${ts}}`);
    // `[]` is valid JSON but not a QMP message: reported, not fatal
    expect(await p.client.execute('query-name')).toEqual({ name: 'vm0' });
    expect(got).toEqual(['A', 'B', 'C']);
    await closePair(p);
  });
});
