/**
 * Hostile peer, connection closes: before the greeting, in the middle of the greeting, during
 * negotiation, in the middle of a reply, after K commands. Outcome required: connect() rejects
 * with a typed error saying when it happened; pending calls reject with QmpConnectionError;
 * calls answered before the close keep their results; `closed` resolves; nothing hangs.
 */
import { describe, expect, it } from 'vitest';
import { QmpClient, isQmpConnectionError, type QmpConnectionError } from '../../runtime/index.js';
import type { QmpFaults } from '../../testing/index.js';
import { closePair, connectPair, makeServer } from './helpers/peer.js';

async function connectFails(faults: QmpFaults, tcp = false): Promise<QmpConnectionError> {
  const server = makeServer(faults);
  let err: unknown;
  try {
    if (tcp) {
      const address = (await server.listen({ port: 0 })) as { host: string; port: number };
      await QmpClient.connect({ ...address, connectTimeoutMs: 5000 });
    } else {
      await QmpClient.connect({ stream: server.connectStream(), connectTimeoutMs: 5000 });
    }
  } catch (e) {
    err = e;
  }
  await server.close();
  expect(isQmpConnectionError(err), String(err)).toBe(true);
  return err as QmpConnectionError;
}

describe('closed during connect', () => {
  it('before the greeting (stream and TCP)', async () => {
    for (const tcp of [false, true]) {
      const err = await connectFails({ closeBeforeGreeting: true }, tcp);
      expect(err.message).toMatch(/before its greeting/);
    }
  });

  it('in the middle of the greeting', async () => {
    const err = await connectFails({ closeMidMessage: 'greeting' });
    expect(err.reason).toBe('peer-closed');
    expect(err.message).toMatch(/before its greeting/);
  });

  it('during negotiation (qmp_capabilities never answered)', async () => {
    const err = await connectFails({ closeDuringNegotiation: true });
    expect(err.message).toMatch(/during negotiation/);
  });
});

describe('closed after negotiation', () => {
  it('in the middle of the reply to the 3rd command: replies before it stand, the rest reject', async () => {
    const p = await connectPair(makeServer({ closeMidMessage: 3 }));
    const calls = Array.from({ length: 6 }, (_, i) =>
      p.client.execute('human-monitor-command', { 'command-line': `${i}` }).then(
        (v) => ({ ok: true, v }),
        (e: unknown) => ({ ok: false, e }),
      ),
    );
    const r = await Promise.all(calls);
    expect(r.slice(0, 2)).toEqual([
      { ok: true, v: 'echo:0' },
      { ok: true, v: 'echo:1' },
    ]);
    for (const x of r.slice(2)) {
      expect(x.ok).toBe(false);
      expect(isQmpConnectionError((x as { e: unknown }).e)).toBe(true);
      expect(((x as { e: QmpConnectionError }).e).reason).toBe('peer-closed');
    }
    expect((await p.client.closed).reason).toBe('peer-closed');
    await closePair(p);
  });

  it('right after answering K commands: K results, then QmpConnectionError for the rest and for new calls', async () => {
    const p = await connectPair(makeServer({ closeAfterCommands: 4 }), { tcp: true });
    const r = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => p.client.execute('human-monitor-command', { 'command-line': `${i}` })),
    );
    expect(r.slice(0, 4).map((x) => (x as PromiseFulfilledResult<unknown>).value)).toEqual(['echo:0', 'echo:1', 'echo:2', 'echo:3']);
    for (const x of r.slice(4)) {
      expect(x.status).toBe('rejected');
      expect(isQmpConnectionError((x as PromiseRejectedResult).reason)).toBe(true);
    }
    await p.client.closed;
    await expect(p.client.execute('query-name')).rejects.toSatisfy(isQmpConnectionError);
    await closePair(p);
  });

  it('a waitForEvent and an event iterator pending when the peer goes away settle too', async () => {
    const p = await connectPair(makeServer({ closeAfterCommands: 1 }));
    const wait = p.client.waitForEvent('SHUTDOWN');
    const it = p.client.events();
    const next = it.next();
    await p.client.execute('query-name');
    await expect(wait).rejects.toSatisfy(isQmpConnectionError);
    await expect(next).rejects.toSatisfy(isQmpConnectionError);
    await closePair(p);
  });
});
