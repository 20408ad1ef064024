/**
 * The guest agent session against the project's test server (`qmp-sdk/testing` `createQgaServer`),
 * for what a real agent does not do on cue: stale replies before the 0xFF, garbage mid-stream, an
 * error without id, a reply that never comes, no agent at all, commands without a success response.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { QgaClient, target } from '../../generated/qga-10.0/index.js';
import { createQgaServer, noReply, QmpServerError, type QgaTestServer } from '../../testing/index.js';
import { isQmpCommandError, isQmpConnectionError, isQmpProtocolError, isQmpTimeoutError, isQmpUsageError, isQmpValidationError } from '../../runtime/index.js';
import { QgaClient as UntypedQgaClient, isQgaNoAgentError } from '../../runtime/qga/index.js';

let server: QgaTestServer | undefined;
let client: QgaClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function start(options: Parameters<typeof createQgaServer>[0] = {}, clientOptions: { syncTimeoutMs?: number; commandTimeoutMs?: number } = {}): Promise<QgaClient> {
  server = createQgaServer({ target, ...options });
  await server.whenReady();
  client = await QgaClient.connect({ stream: server.connect(), validateReturns: true, ...clientOptions });
  return client;
}

describe('QgaClient on the test server', () => {
  it('discards stale bytes, stale replies and an earlier client\'s sync reply before its own 0xFF', async () => {
    const stale = '{"return": {}, "id": 7}\n{"execute":"guest-pi' + '\xff{"return": 4242}\n' + '{"id": 1, "error": {"class": "GenericError", "desc": "old"}}\n';
    const qga = await start({ staleOnConnect: stale, handlers: { 'guest-get-time': () => 1795979482353939000n } });
    expect(await qga.commands.guestGetTime()).toBe(1795979482353939000n);
    const stats = qga.stats;
    expect(stats.syncs).toBe(1);
    // before the first 0xFF: discarded as bytes; after it, the earlier client's sync reply and a reply with an unknown id: stale
    expect(stats.discardedBytes).toBeGreaterThan(0);
    expect(stats.staleReplies).toBe(2);
    expect(stats.protocolErrors).toBe(0);
    // the sync id is a fresh random int64, sent exactly
    const sync = server!.received.find((r) => r.execute === 'guest-sync-delimited')!;
    expect(typeof sync.arguments!['id'] === 'bigint' || Number.isSafeInteger(sync.arguments!['id'])).toBe(true);
  });

  it('a channel with no agent: connect rejects with QgaNoAgentError naming where and how long', async () => {
    server = createQgaServer({ noAgent: true });
    const e = await QgaClient.connect({ stream: server.connect(), syncTimeoutMs: 200 }).catch((x: unknown) => x);
    expect(isQgaNoAgentError(e)).toBe(true);
    expect((e as Error).message).toBe('no guest agent answered on stream within 200 ms (connecting)');
    await expect.poll(() => server!.openConnections).toBe(0); // nothing left open
  });

  it('garbage mid-stream: the pending call fails as reply-lost, the channel resynchronises, later calls work', async () => {
    const qga = await start({
      handlers: {
        'guest-get-time': (_args, ctx) => {
          ctx.write('{"return": \x01garbage}}}\n');
          return noReply;
        },
      },
    });
    const problems: unknown[] = [];
    qga.onError((e) => problems.push(e));
    const lost = await qga.commands.guestGetTime().catch((x: unknown) => x);
    expect(isQmpProtocolError(lost)).toBe(true);
    expect(lost).toMatchObject({ violation: 'reply-lost' });
    expect(await qga.commands.guestPing()).toEqual({});
    expect(qga.stats).toMatchObject({ syncs: 2, resyncs: 1 });
    expect(problems.length).toBe(1);
    expect(isQmpProtocolError(problems[0])).toBe(true);
  });

  it('an error without id resynchronises; the 0xFF of the resync costs one expected error, not another resync', async () => {
    // (the error for connect's own 0xFF comes before the first 0xFF of the reply: discarded as bytes)
    const qga = await start();
    server!.write('{"error": {"class": "GenericError", "desc": "JSON parse error, invalid keyword \'foo\'"}}\n');
    await expect.poll(() => qga.stats.syncs).toBe(2);
    expect(await qga.commands.guestPing()).toEqual({});
    expect(qga.stats).toMatchObject({ errorsWithoutId: 1, resyncs: 1, delimiterErrors: 1, protocolErrors: 1 });
  });

  it('a command timeout rejects with QmpTimeoutError and resynchronises; calls made meanwhile wait and then run', async () => {
    const qga = await start({ handlers: { 'guest-get-time': () => noReply } });
    const slow = qga.commands.guestGetTime(undefined, { timeoutMs: 50 });
    expect(isQmpTimeoutError(await slow.catch((x: unknown) => x))).toBe(true);
    const after = qga.commands.guestPing();
    expect(await after).toEqual({});
    expect(qga.stats.resyncs).toBe(1);
  });

  it('a resync nobody answers: pending and waiting calls reject with QgaNoAgentError; the next call synchronises again', async () => {
    const qga = await start({ handlers: { 'guest-get-time': () => noReply } }, { syncTimeoutMs: 200 });
    server!.noAgent = true;
    const waiting = qga.resync();
    const queued = qga.commands.guestPing();
    expect(isQgaNoAgentError(await waiting.catch((x: unknown) => x))).toBe(true);
    expect(isQgaNoAgentError(await queued.catch((x: unknown) => x))).toBe(true);
    server!.noAgent = false;
    expect(await qga.commands.guestPing()).toEqual({});
    expect(qga.isOpen).toBe(true);
  });

  it('a command without a success response resolves with undefined once the sync after it is answered', async () => {
    let asked: unknown;
    const qga = await start({ handlers: { 'guest-shutdown': (args) => void (asked = args) } });
    expect(await qga.commands.guestShutdown({ mode: 'powerdown' })).toBeUndefined();
    expect(asked).toEqual({ mode: 'powerdown' });
    const names = server!.received.map((r) => r.execute);
    expect(names.slice(-2)).toEqual(['guest-shutdown', 'guest-sync-delimited']);
  });

  it('a command without a success response that fails rejects with the typed error', async () => {
    const qga = await start({ handlers: { 'guest-suspend-ram': () => { throw new QmpServerError('GenericError', 'suspend-to-ram not supported by OS'); } } });
    const e = await qga.commands.guestSuspendRam().catch((x: unknown) => x);
    expect(isQmpCommandError(e)).toBe(true);
    expect(e).toMatchObject({ errorClass: 'GenericError', desc: 'suspend-to-ram not supported by OS', command: 'guest-suspend-ram' });
    expect(await qga.commands.guestPing()).toEqual({}); // the sync that followed it is not mistaken for anything
    expect(qga.stats.staleReplies).toBe(1);
  });

  it('a command without a success response resolves when the channel closes after it was sent (the guest went down)', async () => {
    const qga = await start({
      handlers: {
        'guest-shutdown': () => {
          const s = server!;
          setImmediate(() => s.dropConnections());
          return noReply;
        },
      },
    });
    const down = qga.commands.guestShutdown();
    expect(await down).toBeUndefined();
    const closed = await qga.closed;
    expect(closed.reason).toBe('peer-closed');
    expect(isQmpConnectionError(await qga.commands.guestPing().catch((x: unknown) => x))).toBe(true);
  });

  it('close(): pending calls reject typed, no timer is left, the stream is destroyed', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const qga = await start({ handlers: { 'guest-get-time': () => noReply } });
    const idle = timers();
    const pending = qga.commands.guestGetTime(undefined, { timeoutMs: 60_000 });
    await new Promise((r) => setImmediate(r));
    server!.noAgent = true;
    const resync = qga.resync(); // its own time limit runs now too
    const waiting = qga.commands.guestPing(undefined, { timeoutMs: 60_000 });
    expect(timers()).toBe(idle + 3);
    await qga.close();
    for (const p of [pending, resync, waiting]) {
      const e = await p.catch((x: unknown) => x);
      expect(isQmpConnectionError(e)).toBe(true);
      expect(e).toMatchObject({ reason: 'closed' });
    }
    expect(timers()).toBe(idle);
    const late = await qga.resync().catch((x: unknown) => x); // after close: rejects at once, starts no timer
    expect(isQmpConnectionError(late)).toBe(true);
    expect(timers()).toBe(idle);
    expect((await qga.closed).reason).toBe('closed');
    expect(qga.isOpen).toBe(false);
    await expect.poll(() => server!.openConnections).toBe(0);
  });

  it('bad options and arguments: typed errors, nothing sent; oob is refused (the agent has none)', async () => {
    server = createQgaServer({ target });
    await server.whenReady();
    const e1 = await QgaClient.connect({ stream: server.connect(), timeout: 5 } as never).catch((x: unknown) => x);
    expect(isQmpUsageError(e1)).toBe(true);
    expect((e1 as Error).message).toMatch(/timeout/);
    const qga = (client = await QgaClient.connect({ stream: server.connect() }));
    const before = server.received.length;
    expect(isQmpUsageError(await qga.commands.guestPing(undefined, { oob: true }).catch((x: unknown) => x))).toBe(true);
    const invalid = await qga.execute('guest-exec', {} as never).catch((x: unknown) => x);
    expect(isQmpValidationError(invalid)).toBe(true);
    expect((invalid as Error).message).toMatch(/path/);
    expect(server.received.length).toBe(before);
  });

  it('without a target (the runtime\'s own QgaClient): untyped calls, a trace of every message with the sync id exact', async () => {
    server = createQgaServer({ handlers: { 'guest-get-time': () => 1795979482353939000n } });
    const seen: [string, unknown][] = [];
    const qga = await UntypedQgaClient.connect({ stream: server.connect(), trace: (d, m) => seen.push([d, m]) });
    try {
      expect(await qga.execute('guest-get-time')).toBe(1795979482353939000n);
      const out = seen.filter(([d]) => d === 'out').map(([, m]) => m as { execute: string; arguments?: { id?: unknown } });
      expect(out.map((m) => m.execute)).toEqual(['guest-sync-delimited', 'guest-get-time']);
      const syncId = out[0]!.arguments!.id;
      expect(typeof syncId).toBe('bigint');
      expect(server.received[0]!.arguments!['id']).toBe(syncId);
      expect(seen.filter(([d]) => d === 'in').map(([, m]) => m)).toContainEqual({ return: syncId });
    } finally {
      await qga.close();
    }
  });
});
