/**
 * Hostile peer, replies: unknown ids, missing ids, delays, late replies, no reply at all, and
 * replies out of order. Outcome required: only the affected call sees an error (typed), every
 * other call gets its own reply, nothing hangs, the connection stays usable.
 */
import { describe, expect, it } from 'vitest';
import {
  isQmpConnectionError,
  isQmpProtocolError,
  isQmpTimeoutError,
  type QmpConnectionError,
  type QmpProtocolError,
} from '../../runtime/index.js';
import { createQmpServer, QmpServerError } from '../../testing/index.js';
import { miniTarget, type MiniCommandMap } from '../testing/helpers/mini-target.js';
import { closePair, connectPair, makeServer, violations } from './helpers/peer.js';

describe('ids', () => {
  it('a reply with an unknown id is dropped and reported; only its call is affected (it times out)', async () => {
    const p = await connectPair(makeServer({ replyWithUnknownId: ['query-status'] }));
    const bad = p.client.execute('query-status', undefined, { timeoutMs: 200 });
    const good = p.client.execute('query-name');
    expect(await good).toEqual({ name: 'vm0' });
    await expect(bad).rejects.toSatisfy(isQmpTimeoutError);
    expect(violations(p.problems)).toEqual(['unknown-id']);
    expect(p.client.stats.unknownIds).toBe(1);
    expect(await p.client.execute('human-monitor-command', { 'command-line': 'after' })).toBe('echo:after');
    await closePair(p);
  });

  it('an error reply without id fails the oldest pending in-band call with QmpProtocolError; the others are answered', async () => {
    const server = createQmpServer<MiniCommandMap>({
      target: miniTarget,
      faults: { replyWithoutId: ['device_del'] },
      handlers: {
        device_del: () => {
          throw new QmpServerError('GenericError', 'JSON parse error, expecting value');
        },
        'query-name': () => ({ name: 'vm0' }),
      },
    });
    const p = await connectPair(server);
    const first = p.client.execute('device_del', { id: 'x' });
    const second = p.client.execute('query-name');
    const err = (await first.catch((e: unknown) => e)) as QmpProtocolError;
    expect(isQmpProtocolError(err)).toBe(true);
    expect(err.violation).toBe('error-without-id');
    expect(await second).toEqual({ name: 'vm0' });
    expect(violations(p.problems)).toEqual(['error-without-id']);
    await closePair(p);
  });

  it('a success reply without id is dropped as unknown; only its call is affected', async () => {
    const p = await connectPair(makeServer({ replyWithoutId: ['query-status'] }));
    const bad = p.client.execute('query-status', undefined, { timeoutMs: 200 });
    expect(await p.client.execute('query-name')).toEqual({ name: 'vm0' });
    await expect(bad).rejects.toSatisfy(isQmpTimeoutError);
    expect(violations(p.problems)).toEqual(['unknown-id']);
    await closePair(p);
  });
});

describe('late and missing replies', () => {
  it('a reply after its call timed out is dropped and counted; the client stays usable', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const server = createQmpServer<MiniCommandMap>({
      target: miniTarget,
      handlers: {
        'query-status': async () => {
          await gate;
          return { status: 'running', running: true };
        },
        'query-name': () => ({ name: 'vm0' }),
      },
    });
    const p = await connectPair(server);
    const slow = p.client.execute('query-status', undefined, { timeoutMs: 20 });
    await expect(slow).rejects.toSatisfy(isQmpTimeoutError);
    release();
    // in-band commands are answered in order: once this reply is here, the late one was too
    expect(await p.client.execute('query-name')).toEqual({ name: 'vm0' });
    expect(p.client.stats.lateReplies).toBe(1);
    expect(p.problems).toEqual([]);
    await closePair(p);
  });

  it('a delay before every reply changes nothing but the timing', async () => {
    const p = await connectPair(makeServer({ replyDelayMs: 5 }));
    const r = await Promise.all(Array.from({ length: 20 }, (_, i) => p.client.execute('human-monitor-command', { 'command-line': `d${i}` })));
    expect(r).toEqual(Array.from({ length: 20 }, (_, i) => `echo:d${i}`));
    await closePair(p);
  });

  it('a command never answered: its call settles by its timeout, or by close() with QmpConnectionError; others go on', async () => {
    const p = await connectPair(makeServer({ neverAnswer: ['query-status'] }));
    const timed = p.client.execute('query-status', undefined, { timeoutMs: 30 });
    const forever = p.client.execute('query-status');
    const ac = new AbortController();
    const aborted = p.client.execute('query-status', undefined, { signal: ac.signal });
    expect(await p.client.execute('query-name')).toEqual({ name: 'vm0' });
    await expect(timed).rejects.toSatisfy(isQmpTimeoutError);
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(p.client.stats.inFlight).toBe(3);
    await p.client.close();
    const err = (await forever.catch((e: unknown) => e)) as QmpConnectionError;
    expect(isQmpConnectionError(err)).toBe(true);
    expect(err.reason).toBe('closed');
    await p.server.close();
  });

  it('the server closes with commands unanswered: every pending call rejects with QmpConnectionError (peer-closed)', async () => {
    const p = await connectPair(makeServer({ neverAnswer: true }));
    const calls = Array.from({ length: 50 }, (_, i) => p.client.execute('human-monitor-command', { 'command-line': `${i}` }).catch((e: unknown) => e));
    await p.server.connections[0]!.close();
    const errors = (await Promise.all(calls)) as QmpConnectionError[];
    expect(errors.every((e) => isQmpConnectionError(e) && e.reason === 'peer-closed')).toBe(true);
    await closePair(p);
  });
});

describe('out-of-band under a stalled in-band queue', () => {
  it('8 in-band commands never answered: the 9th waits in the client, an exec-oob still goes out and is answered', async () => {
    const p = await connectPair(makeServer({ neverAnswer: ['query-status'] }), { capabilities: { enable: ['oob'] } });
    const stuck = Array.from({ length: 8 }, () => p.client.execute('query-status').catch((e: unknown) => e));
    const queued = p.client.execute('query-name').catch((e: unknown) => e);
    expect(p.client.stats.queued).toBe(1);
    expect(await p.client.execute('migrate-pause', undefined, { oob: true })).toEqual({});
    // the server may still be working through the in-band ones (the oob command overtakes them)
    const names = p.server.received.map((c) => `${c.name}${c.oob ? ' (oob)' : ''}`);
    expect(names).toContain('migrate-pause (oob)');
    expect(names).not.toContain('query-name');
    await p.client.close();
    for (const e of [...(await Promise.all(stuck)), await queued]) expect(isQmpConnectionError(e)).toBe(true);
    await p.server.close();
  });
});

describe('replies out of order', () => {
  it('10,000 pipelined commands answered shuffled are each matched to their own reply', async () => {
    const order: number[] = [];
    const p = await connectPair(makeServer({ shuffleWindow: 97, shuffleSeed: 42 }), {
      trace: (dir, m) => {
        if (dir === 'in' && typeof (m as { id?: unknown }).id === 'number') order.push((m as { id: number }).id);
      },
    });
    const { client } = p;
    const n = 10_000;
    const calls = [];
    for (let i = 0; i < n; i++) calls.push(client.execute('human-monitor-command', { 'command-line': `cmd-${i}` }));
    const results = await Promise.all(calls);
    for (let i = 0; i < n; i++) if (results[i] !== `echo:cmd-${i}`) expect(results[i]).toBe(`echo:cmd-${i}`);
    // the server did answer out of order: its log is in order, the replies on the wire were not
    expect(p.server.receivedCount).toBe(n + 1); // (the log itself keeps the last limits.receivedLog = 10,000)
    expect(order.length).toBe(n + 1);
    expect(order.filter((id, i) => i > 0 && id < order[i - 1]!).length).toBeGreaterThan(n / 10);
    await closePair(p);
  });

  it('shuffled replies prove out of order on the wire (trace), with oob and 8 in flight', async () => {
    const server = makeServer({ shuffleWindow: 8, shuffleSeed: 7 });
    const ids: number[] = [];
    const p = await connectPair(server, {
      capabilities: { enable: ['oob'] },
      trace: (dir, m) => {
        if (dir === 'in' && typeof (m as { id?: unknown }).id === 'number') ids.push((m as { id: number }).id);
      },
    });
    expect(p.client.capabilities).toEqual(['oob']);
    const n = 1000;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => p.client.execute('human-monitor-command', { 'command-line': `o${i}` })),
    );
    expect(results).toEqual(Array.from({ length: n }, (_, i) => `echo:o${i}`));
    const sorted = [...ids].sort((a, b) => a - b);
    expect(ids).not.toEqual(sorted);
    expect(ids.length).toBe(n + 1);
    await closePair(p);
  });
});
