/**
 * Hostile peer during connect: an event before the greeting, a malformed greeting, a capability
 * offered then refused, a negotiation never answered, a negotiation reply with a wrong id.
 * Outcome required: connect() settles with a typed error (or succeeds, skipping the stray event),
 * nothing but qmp_capabilities is ever sent, and the socket is closed on failure.
 */
import { describe, expect, it } from 'vitest';
import {
  QmpClient,
  isQmpCommandError,
  isQmpNegotiationError,
  isQmpTimeoutError,
  type QmpNegotiationError,
} from '../../runtime/index.js';
import { createQmpServer, nowTimestamp } from '../../testing/index.js';
import { makeServer } from './helpers/peer.js';

describe('negotiation', () => {
  it('an event before the greeting is skipped, not delivered, and connect succeeds', async () => {
    const stray = `${JSON.stringify({ event: 'RESUME', timestamp: nowTimestamp() })}\r\n`;
    const server = makeServer({ injectBeforeGreeting: stray });
    const qmp = await QmpClient.connect({ stream: server.connectStream() });
    const seen: string[] = [];
    qmp.onAny((e) => seen.push(e.event));
    expect(await qmp.execute('query-name')).toEqual({ name: 'vm0' });
    expect(seen).toEqual([]);
    expect(qmp.stats.eventsBeforeReady).toBe(1);
    await qmp.close();
    await server.close();
  });

  it('a malformed greeting: QmpNegotiationError, nothing sent', async () => {
    const server = createQmpServer({ greeting: { QMP: { version: 'ten', capabilities: ['oob'] } } });
    const err = await QmpClient.connect({ stream: server.connectStream(), connectTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(isQmpNegotiationError(err), String(err)).toBe(true);
    await server.connections[0]!.closed;
    expect(server.received).toEqual([]);
    await server.close();
  });

  it('a malformed greeting followed by a valid one in the same read: connect fails and nothing is sent', async () => {
    // Found with this test: the client went on with the second greeting and sent qmp_capabilities
    // after it had failed the connection (fixed in runtime/qmp/session.ts: a failed negotiation ignores the rest).
    const server = makeServer({ injectBeforeGreeting: '{"QMP": {"version": "ten", "capabilities": []}}\r\n' });
    const err = await QmpClient.connect({ stream: server.connectStream(), connectTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(isQmpNegotiationError(err), String(err)).toBe(true);
    await server.connections[0]!.closed;
    expect(server.received).toEqual([]);
    await server.close();
  });

  it('a capability offered in the greeting but refused by qmp_capabilities: QmpNegotiationError carrying the server error', async () => {
    const greeting = { QMP: { version: { qemu: { major: 10, minor: 0, micro: 0 }, package: '' }, capabilities: ['oob'] } };
    const server = createQmpServer({ greeting, capabilities: [] });
    const err = (await QmpClient.connect({ stream: server.connectStream(), capabilities: { enable: ['oob'] }, connectTimeoutMs: 5000 }).catch(
      (e: unknown) => e,
    )) as QmpNegotiationError;
    expect(isQmpNegotiationError(err), String(err)).toBe(true);
    expect(err.message).toContain('Capability oob not available');
    expect(isQmpCommandError(err.cause)).toBe(true);
    await server.connections[0]!.closed;
    expect(server.received.map((c) => c.name)).toEqual(['qmp_capabilities']);
    await server.close();
  });

  it('qmp_capabilities never answered: connect times out and closes the socket', async () => {
    const server = makeServer({ neverAnswer: ['qmp_capabilities'] });
    const err = await QmpClient.connect({ stream: server.connectStream(), connectTimeoutMs: 100 }).catch((e: unknown) => e);
    expect(isQmpTimeoutError(err), String(err)).toBe(true);
    await server.connections[0]!.closed;
    await server.close();
  });

  it('a reply to qmp_capabilities with an unknown id is not taken as the answer', async () => {
    const server = makeServer({ replyWithUnknownId: ['qmp_capabilities'] });
    const err = await QmpClient.connect({ stream: server.connectStream(), connectTimeoutMs: 100 }).catch((e: unknown) => e);
    expect(isQmpTimeoutError(err), String(err)).toBe(true);
    await server.connections[0]!.closed;
    await server.close();
  });

  it('the greeting byte by byte and the negotiation reply delayed: connect still succeeds', async () => {
    const server = makeServer({ chunkSize: 1, replyDelayMs: 20 });
    const qmp = await QmpClient.connect({ stream: server.connectStream(), capabilities: { enable: ['oob'] } });
    expect(qmp.capabilities).toEqual(['oob']);
    expect(server.connections[0]!.capabilities).toEqual(['oob']);
    await qmp.close();
    await server.close();
  });
});
