/**
 * Hostile peer, raw bytes: garbage, a truncated object, invalid UTF-8, a huge message.
 * Outcome required: a byte stream that cannot be read any more fails the connection once, with a
 * typed error: every pending call rejects with QmpConnectionError (reason 'protocol', cause the
 * QmpProtocolError naming the violation), the error listener gets the QmpProtocolError, later
 * calls reject at once, and nothing hangs. A big message under the limit is just delivered.
 */
import { describe, expect, it } from 'vitest';
import { isQmpConnectionError, isQmpProtocolError, type QmpConnectionError, type QmpProtocolError } from '../../runtime/index.js';
import { rawPayloads } from '../../testing/index.js';
import { closePair, connectPair, makeServer, violations } from './helpers/peer.js';

async function expectProtocolFailure(p: Awaited<ReturnType<typeof connectPair>>, pending: Promise<unknown>, violation: string) {
  const err = (await pending.then(
    () => {
      throw new Error('the call should have failed');
    },
    (e: unknown) => e,
  )) as QmpConnectionError;
  expect(isQmpConnectionError(err)).toBe(true);
  expect(err.reason).toBe('protocol');
  expect(isQmpProtocolError(err.cause)).toBe(true);
  expect((err.cause as QmpProtocolError).violation).toBe(violation);
  expect(violations(p.problems)).toContain(violation);
  const closed = await p.client.closed;
  expect(closed.reason).toBe('protocol');
  expect(p.client.isOpen).toBe(false);
  await expect(p.client.execute('query-name')).rejects.toSatisfy(isQmpConnectionError);
}

describe('raw bytes from the peer', () => {
  it('garbage while a command is pending', async () => {
    const p = await connectPair(makeServer({ injectBeforeReply: { commands: ['query-status'], bytes: rawPayloads.garbage } }));
    expect(await p.client.execute('query-name')).toEqual({ name: 'vm0' }); // unaffected before
    await expectProtocolFailure(p, p.client.execute('query-status'), 'garbage');
    await closePair(p);
  });

  it('invalid UTF-8 inside a message', async () => {
    const p = await connectPair(makeServer({ injectBeforeReply: { commands: ['query-status'], bytes: rawPayloads.invalidUtf8 } }));
    await expectProtocolFailure(p, p.client.execute('query-status'), 'invalid-utf8');
    await closePair(p);
  });

  it('a message over the client limit (maxMessageBytes) fails the connection as oversized', async () => {
    const p = await connectPair(
      makeServer({ injectBeforeReply: { commands: ['query-status'], bytes: rawPayloads.huge(2 * 1024 * 1024) } }),
      { maxMessageBytes: 1024 * 1024 },
    );
    await expectProtocolFailure(p, p.client.execute('query-status'), 'oversized');
    await closePair(p);
  });

  it('a huge message under the limit (8 MiB) is delivered, and the connection goes on', async () => {
    const p = await connectPair(makeServer({ injectBeforeReply: { commands: ['query-status'], bytes: rawPayloads.huge(8 * 1024 * 1024) } }));
    const huge = p.client.waitForEvent('HUGE');
    expect(await p.client.execute('query-status')).toEqual({ status: 'running', running: true });
    expect(((await huge).data as { s: string }).s.length).toBeGreaterThan(8 * 1024 * 1024 - 100);
    expect(await p.client.execute('query-name')).toEqual({ name: 'vm0' });
    await closePair(p);
  });

  it('a truncated object followed by the end of the stream: pending calls reject, naming the truncation', async () => {
    const p = await connectPair(makeServer({ neverAnswer: ['query-status'] }));
    const pending = p.client.execute('query-status');
    const other = p.client.execute('human-monitor-command', { 'command-line': 'x' });
    expect(await other).toBe('echo:x');
    const conn = p.server.connections[0]!;
    conn.sendRaw(rawPayloads.truncatedObject);
    await conn.close();
    const err = (await pending.catch((e: unknown) => e)) as QmpConnectionError;
    expect(isQmpConnectionError(err)).toBe(true);
    expect(err.reason).toBe('peer-closed');
    expect((err.cause as QmpProtocolError).violation).toBe('truncated');
    expect(violations(p.problems)).toEqual(['truncated']);
    await closePair(p);
  });

  it('valid JSON that is not a QMP message (an array, a string) is reported and skipped; calls go on', async () => {
    const p = await connectPair(makeServer({ injectBeforeReply: { commands: ['query-status'], bytes: '[1, 2]\r\n{"neither": "reply nor event"}\r\n' } }));
    expect(await p.client.execute('query-status')).toEqual({ status: 'running', running: true });
    expect(violations(p.problems)).toEqual(['unexpected-message', 'unexpected-message']);
    expect(p.client.isOpen).toBe(true);
    await closePair(p);
  });
});
