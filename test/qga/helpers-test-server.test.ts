/**
 * The guest agent helpers against the project's test server (`createQgaServer`), for what must not be done to
 * a real agent on this host (`fsfreeze` would freeze this machine's file systems: it is blocked on the real agents,
 * test/support/qemu-ga.ts) and for replies a real agent does not send (wrong shapes, counts that do not add up).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { QgaClient, target } from '../../generated/qga-10.0/index.js';
import { isQmpAbortError, isQmpCommandError, isQmpProtocolError, isQmpTimeoutError, isQmpUsageError } from '../../runtime/index.js';
import { isQgaFileError, isQgaFsfreezeError } from '../../runtime/qga/index.js';
import { CLEANUP_AFTER_ABORT_MS } from '../../runtime/qga/helpers/index.js';
import { createQgaServer, noReply, QmpServerError, type QgaCommandHandler, type QgaTestServer } from '../../testing/index.js';

let server: QgaTestServer | undefined;
let client: QgaClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function start(handlers: Record<string, QgaCommandHandler>, validateReturns = true): Promise<QgaClient> {
  server = createQgaServer({ target, handlers });
  await server.whenReady();
  client = await QgaClient.connect({ stream: server.connect(), validateReturns });
  return client;
}

/** The commands the server received, synchronisations left out. */
const received = (): string[] => server!.received.map((r) => r.execute).filter((n) => n !== 'guest-sync-delimited');

/** A guest whose freeze state the handlers keep, as the agent does (`guest-fsfreeze-status`). */
function freezable(overrides: Record<string, QgaCommandHandler> = {}): { handlers: Record<string, QgaCommandHandler>; state: () => string } {
  let frozen = 0;
  return {
    state: () => (frozen > 0 ? 'frozen' : 'thawed'),
    handlers: {
      'guest-fsfreeze-freeze': () => (frozen = 3),
      'guest-fsfreeze-freeze-list': (args) => (frozen = (args?.['mountpoints'] as string[] | undefined)?.length ?? 3),
      'guest-fsfreeze-thaw': () => {
        const n = frozen;
        frozen = 0;
        return n;
      },
      'guest-fsfreeze-status': () => (frozen > 0 ? 'frozen' : 'thawed'),
      ...overrides,
    },
  };
}

describe('fsfreeze on the test server', () => {
  it('freezes, runs the callback while frozen, thaws, and resolves with the callback\'s value', async () => {
    const g = freezable();
    const qga = await start(g.handlers);
    const seen: unknown[] = [];
    const value = await qga.fsfreeze(async (frozen) => {
      seen.push(frozen, g.state(), await qga.execute('guest-fsfreeze-status'));
      return 'snapshot-id';
    });
    expect(value).toBe('snapshot-id');
    expect(seen).toEqual([3, 'frozen', 'frozen']);
    expect(g.state()).toBe('thawed');
    expect(received()).toEqual(['guest-fsfreeze-freeze', 'guest-fsfreeze-status', 'guest-fsfreeze-thaw']);
  });

  it('mountpoints: guest-fsfreeze-freeze-list with them', async () => {
    const g = freezable();
    const qga = await start(g.handlers);
    expect(await qga.fsfreeze((n) => n, { mountpoints: ['/', '/var'] })).toBe(2);
    expect(server!.received.find((r) => r.execute === 'guest-fsfreeze-freeze-list')!.arguments).toEqual({ mountpoints: ['/', '/var'] });
    expect(received()).toEqual(['guest-fsfreeze-freeze-list', 'guest-fsfreeze-thaw']);
  });

  it('the callback throws: thawed all the same, and its error comes back unchanged', async () => {
    const g = freezable();
    const qga = await start(g.handlers);
    const boom = new Error('snapshot failed');
    expect(await qga.fsfreeze(() => Promise.reject(boom)).catch((x: unknown) => x)).toBe(boom);
    expect(g.state()).toBe('thawed');
    expect(received()).toEqual(['guest-fsfreeze-freeze', 'guest-fsfreeze-thaw']);
  });

  it('the thaw fails: QgaFsfreezeError at step thaw with the agent\'s error as cause', async () => {
    const g = freezable({ 'guest-fsfreeze-thaw': () => { throw new QmpServerError('GenericError', 'failed to thaw /: Device or resource busy'); } });
    const qga = await start(g.handlers);
    const e = await qga.fsfreeze(() => 'ok').catch((x: unknown) => x);
    expect(isQgaFsfreezeError(e)).toBe(true);
    if (!isQgaFsfreezeError(e)) return;
    expect(e.step).toBe('thaw');
    expect(e.callbackFailed).toBe(false);
    expect(isQmpCommandError(e.cause)).toBe(true);
    expect(e.message).toBe('fsfreeze: thawing the guest file systems failed (they may still be frozen): guest-fsfreeze-thaw: GenericError: failed to thaw /: Device or resource busy');
  });

  it('the callback and the thaw both fail: both errors reported', async () => {
    const g = freezable({ 'guest-fsfreeze-thaw': () => { throw new QmpServerError('GenericError', 'thaw failed'); } });
    const qga = await start(g.handlers);
    const boom = new Error('snapshot failed');
    const e = await qga.fsfreeze(() => { throw boom; }).catch((x: unknown) => x);
    expect(isQgaFsfreezeError(e)).toBe(true);
    if (!isQgaFsfreezeError(e)) return;
    expect(e.step).toBe('thaw');
    expect(e.callbackFailed).toBe(true);
    expect(e.callbackError).toBe(boom);
    expect(e.message).toContain('thaw failed');
    expect(e.message).toContain('the callback had failed too: snapshot failed');
  });

  it('the freeze fails with an agent error: no callback, no thaw (the agent thawed already)', async () => {
    const g = freezable({ 'guest-fsfreeze-freeze': () => { throw new QmpServerError('GenericError', 'failed to freeze /: Operation not supported'); } });
    const qga = await start(g.handlers);
    let ran = false;
    const e = await qga.fsfreeze(() => (ran = true)).catch((x: unknown) => x);
    expect(isQgaFsfreezeError(e) && e.step === 'freeze' && isQmpCommandError(e.cause)).toBe(true);
    expect(ran).toBe(false);
    expect(received()).toEqual(['guest-fsfreeze-freeze']);
  });

  it('the freeze gets no answer (aborted while the agent is stuck in it): a thaw is sent anyway, no callback', async () => {
    const ac = new AbortController();
    const g = freezable({ 'guest-fsfreeze-freeze': () => { queueMicrotask(() => ac.abort('too slow')); return noReply; } });
    const qga = await start(g.handlers);
    let ran = false;
    const e = await qga.fsfreeze(() => (ran = true), { signal: ac.signal }).catch((x: unknown) => x);
    expect(isQgaFsfreezeError(e)).toBe(true);
    if (!isQgaFsfreezeError(e)) return;
    expect(e.step).toBe('freeze');
    expect(isQmpAbortError(e.cause)).toBe(true);
    expect(ran).toBe(false);
    expect(received()).toEqual(['guest-fsfreeze-freeze', 'guest-fsfreeze-thaw']);
  });

  it('a freeze reply of another shape (validation off): the helper\'s own check, then a thaw', async () => {
    const g = freezable({ 'guest-fsfreeze-freeze': () => 'three' });
    const qga = await start(g.handlers, false);
    const e = await qga.fsfreeze(() => 1).catch((x: unknown) => x);
    expect(isQgaFsfreezeError(e) && e.step === 'freeze' && isQmpProtocolError(e.cause)).toBe(true);
    expect((e as Error).message).toContain('guest-fsfreeze-freeze: the agent\'s reply has return = "three", expected a count');
    expect(received()).toEqual(['guest-fsfreeze-freeze', 'guest-fsfreeze-thaw']);
  });

  it('an aborted freeze on an agent that answers nothing more: the thaw is bounded, the call settles with both errors', async () => {
    const ac = new AbortController();
    const stuck = (): typeof noReply => noReply;
    const qga = await start(freezable({ 'guest-fsfreeze-freeze': () => { queueMicrotask(() => ac.abort('too slow')); return noReply; }, 'guest-fsfreeze-thaw': stuck }).handlers);
    const e = await qga.fsfreeze(() => 1, { signal: ac.signal }).catch((x: unknown) => x);
    expect(isQgaFsfreezeError(e)).toBe(true);
    if (!isQgaFsfreezeError(e)) return;
    expect(e.step).toBe('thaw');
    expect(isQmpTimeoutError(e.cause) && e.cause.timeoutMs === CLEANUP_AFTER_ABORT_MS).toBe(true);
    expect(isQmpAbortError(e.freezeError)).toBe(true);
    expect(e.message).toMatch(/thawing the guest file systems failed .*; it was sent after the freeze failed: guest-fsfreeze-freeze: aborted/);
  });

  it('bad arguments: QmpUsageError, nothing sent', async () => {
    const qga = await start(freezable().handlers);
    expect(isQmpUsageError(await qga.fsfreeze('x' as never).catch((x: unknown) => x))).toBe(true);
    expect(isQmpUsageError(await qga.fsfreeze(() => 1, { mountPoints: ['/'] } as never).catch((x: unknown) => x))).toBe(true);
    expect(received()).toEqual([]);
  });
});

describe('reply shapes a real agent does not send (validation off: the helpers check what they use)', () => {
  it('exec: a pid that is not an integer, and output that is not base64, are QmpProtocolError naming the member', async () => {
    const qga = await start({ 'guest-exec': () => ({ pid: 'x' }) }, false);
    const e = await qga.exec('/bin/true').catch((x: unknown) => x);
    expect(isQmpProtocolError(e)).toBe(true);
    expect((e as Error).message).toBe('guest-exec: the agent\'s reply has pid = "x", expected an integer');
    await client!.close();
    await server!.close();
    await start({ 'guest-exec': () => ({ pid: 7 }), 'guest-exec-status': () => ({ exited: true, exitcode: 0, 'out-data': 'not base64!' }) }, false);
    const f = await client!.exec('/bin/true').catch((x: unknown) => x);
    expect(isQmpProtocolError(f) && /out-data = "not base64!", expected base64 text/.test((f as Error).message)).toBe(true);
  });

  it('readFile: a count that does not match the data is a QgaFileError at step read, and the handle is closed', async () => {
    const qga = await start(
      {
        'guest-file-open': () => 1000,
        'guest-file-read': () => ({ count: 5, 'buf-b64': Buffer.from('abc').toString('base64'), eof: true }),
        'guest-file-close': () => ({}),
      },
      false,
    );
    const e = await qga.readFile('/x').catch((x: unknown) => x);
    expect(isQgaFileError(e)).toBe(true);
    if (!isQgaFileError(e)) return;
    expect([e.step, e.handle, e.path]).toEqual(['read', 1000, '/x']);
    expect(e.message).toBe('guest file "/x": read failed: the agent said count 5 but sent 3 bytes');
    expect(received()).toEqual(['guest-file-open', 'guest-file-read', 'guest-file-close']);
    expect(server!.received.at(-1)!.arguments).toEqual({ handle: 1000 });
  });

  it('writeFile: an agent that writes nothing is an error, never an endless loop; a failing close after it is reported too', async () => {
    const qga = await start(
      {
        'guest-file-open': () => 1001,
        'guest-file-write': () => ({ count: 0, eof: false }),
        'guest-file-close': () => { throw new QmpServerError('GenericError', 'failed to close handle'); },
      },
      false,
    );
    const e = await qga.writeFile('/y', 'data').catch((x: unknown) => x);
    expect(isQgaFileError(e)).toBe(true);
    if (!isQgaFileError(e)) return;
    expect(e.step).toBe('write');
    expect(isQmpCommandError(e.closeError)).toBe(true);
    expect(e.message).toBe('guest file "/y": write failed: the agent wrote 0 of 4 bytes at offset 0; closing handle 1001 failed too: guest-file-close: GenericError: failed to close handle');
    expect(received()).toEqual(['guest-file-open', 'guest-file-write', 'guest-file-close']);
  });

  it('readFile aborted while the agent is stuck: the close is still sent; answered, the abort comes back as it is', async () => {
    const ac = new AbortController();
    const qga = await start({
      'guest-file-open': () => 1003,
      'guest-file-read': () => { queueMicrotask(() => ac.abort('stop')); return noReply; },
      'guest-file-close': () => ({}),
    });
    const e = await qga.readFile('/stuck', { signal: ac.signal }).catch((x: unknown) => x);
    expect(isQmpAbortError(e) && (e as Error).cause === 'stop').toBe(true);
    expect(received()).toEqual(['guest-file-open', 'guest-file-read', 'guest-file-close']);
  });

  it('readFile aborted and the close unanswered too: the close is bounded, the call settles with both errors', async () => {
    const ac = new AbortController();
    const qga = await start({
      'guest-file-open': () => 1004,
      'guest-file-read': () => { queueMicrotask(() => ac.abort('stop')); return noReply; },
      'guest-file-close': () => noReply,
    });
    const e = await qga.readFile('/stuck', { signal: ac.signal }).catch((x: unknown) => x);
    expect(isQgaFileError(e)).toBe(true);
    if (!isQgaFileError(e)) return;
    expect([e.step, e.handle]).toEqual(['read', 1004]);
    expect(isQmpAbortError(e.cause)).toBe(true);
    expect(isQmpTimeoutError(e.closeError)).toBe(true);
    expect(e.message).toMatch(/^guest file "\/stuck": read failed: guest-file-read: aborted; closing handle 1004 failed too: /);
  });

  it('writeFile: a close that fails after every write succeeded is a QgaFileError at step close', async () => {
    const qga = await start({
      'guest-file-open': () => 1002,
      'guest-file-write': (args) => ({ count: Buffer.from(String(args?.['buf-b64']), 'base64').length, eof: false }),
      'guest-file-close': () => { throw new QmpServerError('GenericError', 'No space left on device'); },
    });
    const e = await qga.writeFile('/z', Buffer.alloc(10)).catch((x: unknown) => x);
    expect(isQgaFileError(e) && e.step === 'close' && e.handle === 1002 && /No space left on device/.test(e.message)).toBe(true);
  });
});
