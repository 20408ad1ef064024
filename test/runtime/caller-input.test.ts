/**
 * Bad input from the caller: every mistake is a clear `QmpUsageError` naming the option or the
 * command, raised before anything is sent or created, and the client stays usable.
 */
import { PassThrough } from 'node:stream';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient, isQmpUsageError, launchQemu } from '../../runtime/index.js';
import { createQmpServer, type QmpTestServer } from '../../testing/index.js';

let server: QmpTestServer | undefined;
let qmp: QmpClient | undefined;
afterEach(async () => {
  await qmp?.close();
  await server?.close();
  qmp = undefined;
  server = undefined;
});

async function connected(options: Record<string, unknown> = {}): Promise<[QmpClient, QmpTestServer]> {
  server = createQmpServer({ handlers: { 'query-status': () => ({ status: 'running', running: true }) } });
  qmp = await QmpClient.connect({ stream: server.connectStream(), ...options });
  return [qmp, server];
}

async function usageError(p: Promise<unknown> | (() => unknown)): Promise<string> {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(isQmpUsageError(error), String(error)).toBe(true);
  return (error as Error).message;
}

describe('caller mistakes', () => {
  it('connect(): no transport, two transports, a bad path, port or stream, bad numeric options', async () => {
    expect(await usageError(QmpClient.connect({} as never))).toMatch(/give one transport/);
    expect(await usageError(QmpClient.connect(undefined as never))).toMatch(/options must be an object/);
    expect(await usageError(QmpClient.connect({ path: '/x', port: 4444 } as never))).toMatch(/only one transport, not path and port/);
    expect(await usageError(QmpClient.connect({ path: 42 } as never))).toMatch(/path must be a non-empty string/);
    expect(await usageError(QmpClient.connect({ port: 70000 }))).toMatch(/port must be an integer from 1 to 65535/);
    expect(await usageError(QmpClient.connect({ stream: {} } as never))).toMatch(/stream must be a Node Duplex/);
    const stream = new PassThrough();
    for (const [key, value] of [['connectTimeoutMs', -1], ['commandTimeoutMs', Number.NaN], ['maxInBandInFlight', 0], ['maxMessageBytes', 1.5]] as const) {
      expect(await usageError(QmpClient.connect({ stream, [key]: value }))).toContain(key);
    }
    // refused before the stream was taken: it is left as it was (nothing written, not destroyed)
    expect(stream.destroyed).toBe(false);
    expect(stream.readableLength).toBe(0);
    stream.destroy();
  });

  it('execute(): bad name, arguments, timeout; arguments JSON cannot carry — nothing sent, client still usable', async () => {
    const [client, srv] = await connected({ capabilities: { enable: ['oob'] }, maxInBandInFlight: 1 });
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    const before = client.stats.sent;
    expect(await usageError(client.execute(42 as never))).toMatch(/command name must be a non-empty string/);
    expect(await usageError(client.execute('query-status', [1] as never))).toMatch(/query-status: arguments must be an object/);
    expect(await usageError(client.execute('query-status', undefined, { timeoutMs: -1 }))).toMatch(/query-status: timeoutMs must be/);
    expect(await usageError(client.execute('query-status', undefined, { timeoutMs: Number.NaN }))).toMatch(/got NaN/);
    // (a bigint is sent digit for digit now: test/runtime/exact-integers.test.ts)
    expect(await usageError(client.execute('query-status', { get x(): never { throw new Error('getter boom'); } } as never))).toMatch(/query-status: arguments cannot be sent as JSON: getter boom/);
    expect(await usageError(client.execute('query-status', cycle as never))).toMatch(/arguments cannot be sent as JSON: .*circular/);
    expect(client.stats.sent).toBe(before);
    expect(client.stats.inFlight).toBe(0);
    // With one in-band slot, a leaked slot would queue these forever.
    const replies = await Promise.all(Array.from({ length: 5 }, () => client.execute('query-status')));
    expect(replies).toEqual(Array.from({ length: 5 }, () => ({ status: 'running', running: true })));
    expect(srv.received.map((c) => c.name)).toEqual(['qmp_capabilities', ...Array.from({ length: 5 }, () => 'query-status')]);
  });

  it('events: a handler that is not a function, a bad buffer size, overflow policy or wait timeout', async () => {
    const [client] = await connected();
    expect(await usageError(() => client.on('STOP', 42 as never))).toMatch(/on\(STOP\): the handler must be a function/);
    expect(await usageError(() => client.onAny(null as never))).toMatch(/onAny: the handler must be a function/);
    expect(await usageError(() => client.events({ bufferSize: 0 }))).toMatch(/bufferSize must be an integer from 1 to/);
    expect(await usageError(() => client.events({ overflow: 'drop-all' as never }))).toMatch(/overflow must be/);
    expect(await usageError(client.waitForEvent('STOP', { timeoutMs: -5 }))).toMatch(/waitForEvent\(STOP\): timeoutMs must be/);
    expect(await usageError(client.waitForEvent('STOP', { filter: 'x' as never }))).toMatch(/filter must be a function/);
    expect(await client.execute('query-status')).toEqual({ status: 'running', running: true });
  });

  it('launchQemu(): bad options are refused before a process or a temporary folder is created', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('qmp-sdk-')).length;
    expect(await usageError(launchQemu(undefined as never))).toMatch(/options must be an object/);
    expect(await usageError(launchQemu({ binary: 42 } as never))).toMatch(/binary must be the path/);
    expect(await usageError(launchQemu({ binary: '/usr/bin/qemu-system-x86_64', args: '-S' } as never))).toMatch(/args must be an array of strings/);
    expect(await usageError(launchQemu({ binary: '/usr/bin/qemu-system-x86_64', env: { A: 1 } } as never))).toMatch(/env must map names to strings/);
    expect(await usageError(launchQemu({ binary: '/usr/bin/qemu-system-x86_64', startTimeoutMs: -1 }))).toMatch(/startTimeoutMs must be/);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('qmp-sdk-')).length).toBe(before);
  });
});
