/**
 * The test server's own guarantees: loud failures for wrong handler returns and crashing handlers,
 * schema-checked events, transports (unix socket, TCP, stream), per-connection faults, usage errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QmpClient, isQmpCommandError, type QmpCommandError } from '../../runtime/index.js';
import {
  QmpTestServerFailuresError,
  QmpTestServerUsageError,
  createQmpServer,
} from '../../testing/index.js';
import { miniTarget, type MiniCommandMap } from './helpers/mini-target.js';
import { RawClient } from './helpers/raw-client.js';

describe('loud failures', () => {
  it('a handler return that does not match the return schema: GenericError to the client AND close() throws naming command and path', async () => {
    const server = createQmpServer<MiniCommandMap>({
      target: miniTarget,
      handlers: {
        // wrong on purpose: `running` must be a boolean
        'query-status': () => ({ status: 'running', running: 'yes' }) as unknown as { status: string; running: boolean },
      },
    });
    const qmp = await QmpClient.connect({ stream: server.connectStream() });
    const err = (await qmp.execute('query-status').catch((e: unknown) => e)) as QmpCommandError;
    expect(isQmpCommandError(err)).toBe(true);
    expect(err.errorClass).toBe('GenericError');
    expect(err.desc).toBe(
      "qmp-sdk test server: handler for 'query-status' returned a value that does not match the return schema at /running: must be boolean",
    );
    expect(server.failures).toEqual([
      expect.objectContaining({ kind: 'return', command: 'query-status', issues: [{ path: '/running', message: 'must be boolean' }] }),
    ]);
    expect(() => server.assertNoFailures()).toThrow(QmpTestServerFailuresError);
    await qmp.close();
    const e = await server.close().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(QmpTestServerFailuresError);
    expect((e as Error).message).toContain("[connection 0] handler for 'query-status' returned a value that does not match the return schema at /running");
  });

  it('a handler that throws something else than QmpServerError: GenericError and a recorded failure', async () => {
    const server = createQmpServer({
      handlers: {
        boom: () => {
          throw new TypeError('cannot read x of undefined');
        },
      },
    });
    const qmp = await QmpClient.connect({ stream: server.connectStream() });
    await expect(qmp.execute('boom')).rejects.toMatchObject({
      errorClass: 'GenericError',
      desc: "qmp-sdk test server: handler for 'boom' threw: cannot read x of undefined",
    });
    await qmp.close();
    await expect(server.close()).rejects.toThrow(/handler for 'boom' threw/);
  });

  it('emitEvent checks the name and the data against the target', async () => {
    const server = createQmpServer({ target: miniTarget });
    await expect(server.emitEvent('NOT_AN_EVENT')).rejects.toThrow(QmpTestServerUsageError);
    await expect(server.emitEvent('DEVICE_DELETED', { device: 'x' })).rejects.toThrow(
      "emitEvent('DEVICE_DELETED'): data does not match the event's schema: /: must have required property 'path'",
    );
    await expect(server.emitEvent('DEVICE_DELETED', { path: 7 })).rejects.toThrow(/\/path: must be string/);
    expect(await server.emitEvent('DEVICE_DELETED', { path: '/machine/peripheral/d0' })).toBe(0);
    await server.close();
  });

  it('an event a handler emits with bad data fails that command loudly', async () => {
    const server = createQmpServer<MiniCommandMap>({
      target: miniTarget,
      handlers: {
        device_del: (_a, ctx) => {
          ctx.emitEvent('DEVICE_DELETED', { device: 'no path' });
          return {};
        },
      },
    });
    const qmp = await QmpClient.connect({ stream: server.connectStream() });
    await expect(qmp.execute('device_del', { id: 'd0' })).rejects.toSatisfy(isQmpCommandError);
    await qmp.close();
    await expect(server.close()).rejects.toThrow(/handler for 'device_del' threw: emitEvent\('DEVICE_DELETED'\)/);
  });

  it('refuses handlers for commands the target lacks, and a handler for qmp_capabilities', () => {
    expect(() => createQmpServer({ target: miniTarget, handlers: { 'query-sttaus': () => ({}) } })).toThrow(
      /handler for 'query-sttaus', a command target qemu-10.0-x86_64 does not have/,
    );
    expect(() => createQmpServer({ handlers: { qmp_capabilities: () => ({}) } })).toThrow(/built in/);
  });
});

describe('transports and connections', () => {
  it('listens on a unix socket path and on TCP; several clients at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qmp-test-server-'));
    try {
      const server = createQmpServer<MiniCommandMap>({ target: miniTarget, handlers: { 'query-name': (_a, ctx) => ({ name: `c${ctx.connection.index}` }) } });
      const unix = await server.listen({ path: join(dir, 'qmp.sock') });
      const tcp = await server.listen({ port: 0 });
      expect(unix).toEqual({ path: join(dir, 'qmp.sock') });
      expect(tcp).toMatchObject({ host: '127.0.0.1' });
      const a = await QmpClient.connect(unix as { path: string });
      const b = await QmpClient.connect(tcp as { host: string; port: number });
      const c = await QmpClient.connect({ stream: server.connectStream() });
      const names = await Promise.all([a, b, c].map((q) => q.execute('query-name')));
      expect(new Set(names.map((n) => (n as { name: string }).name)).size).toBe(3);
      expect(server.connections).toHaveLength(3);
      expect(await server.emitEvent('STOP')).toBe(3);
      await Promise.all([a, b, c].map((q) => q.close()));
      await server.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('faults chosen per connection by a function, and per accepted stream', async () => {
    const server = createQmpServer({ faults: (i) => (i === 1 ? { closeBeforeGreeting: true } : undefined) });
    const accepted = [0, 1, 2].map((i) => server.nextConnection(i)); // closed connections are not kept: take them as they come
    const ok = await QmpClient.connect({ stream: server.connectStream() });
    await expect(QmpClient.connect({ stream: server.connectStream(), connectTimeoutMs: 5000 })).rejects.toThrow(/before its greeting/);
    await expect(QmpClient.connect({ stream: server.connectStream({ faults: { closeDuringNegotiation: true } }), connectTimeoutMs: 5000 })).rejects.toThrow(
      /during negotiation/,
    );
    expect((await Promise.all(accepted)).map((c) => c.faults)).toEqual([{}, { closeBeforeGreeting: true }, { closeDuringNegotiation: true }]);
    expect(server.connections.map((c) => c.index)).toEqual([0]);
    await ok.close();
    await server.close();
  });

  it('nextConnection resolves with the next accepted connection; close() ends every connection', async () => {
    const server = createQmpServer();
    const next = server.nextConnection();
    const raw = new RawClient(server.connectStream());
    const conn = await next;
    expect(conn.index).toBe(0);
    await raw.waitFor(1);
    await server.close();
    await raw.endedPromise;
    expect(conn.state).toBe('closed');
  });

  it('without a target: any command with a handler runs, no schema checks', async () => {
    const server = createQmpServer({ handlers: { 'my-cmd': (args) => ({ got: args }) } });
    const qmp = await QmpClient.connect({ stream: server.connectStream() });
    expect(await qmp.execute('my-cmd', { anything: [1, 2] })).toEqual({ got: { anything: [1, 2] } });
    expect(await qmp.execute('my-cmd')).toEqual({ got: {} });
    await expect(qmp.execute('other')).rejects.toMatchObject({ errorClass: 'CommandNotFound', desc: 'The command other has not been found' });
    await qmp.close();
    await server.close();
  });

  it('a whole greeting can be given verbatim', async () => {
    const greeting = { QMP: { version: { qemu: { major: 7, minor: 2, micro: 22 }, package: 'Debian 1:7.2+dfsg-7+deb12u18+b3' }, capabilities: ['oob'] } };
    const server = createQmpServer({ greeting });
    const qmp = await QmpClient.connect({ stream: server.connectStream() });
    expect(qmp.greeting).toEqual(greeting);
    await qmp.close();
    await server.close();
  });
});
