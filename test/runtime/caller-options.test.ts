/**
 * Caller mistakes from plain JavaScript (issue 18 part 3, issue 10 item 9): unknown option keys and
 * wrong shapes are QmpUsageErrors naming the key and the shape expected; what is validated is exactly
 * what is sent; a throwing getter or a Proxy makes a call reject, never throw; every public async
 * method rejects and never throws. Caller input needs no QEMU: the project's test server plays the peer.
 */
import { PassThrough } from 'node:stream';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient as LooseClient, isQmpTimeoutError, isQmpUsageError, isQmpValidationError, launchQemu } from '../../runtime/index.js';
import { createQmpServer, createReplayServer, type QmpTestServer } from '../../testing/index.js';
import { QmpClient, launchQemu as launchTyped, target } from '../../generated/qemu-10.0-x86_64/index.js';
import { findQemu } from '../../scripts/qemus.js';

let server: QmpTestServer | undefined;
let qmp: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await qmp?.close();
  await server?.close();
  qmp = undefined;
  server = undefined;
});

async function typed(options: Record<string, unknown> = {}): Promise<[QmpClient, QmpTestServer]> {
  server = createQmpServer({
    target,
    handlers: {
      'qom-list': ({ path }) => [{ name: path, type: 'child<container>' }],
      'query-status': () => ({ status: 'running', running: true }),
    },
  });
  const client = await QmpClient.connect({ stream: server.connectStream(), ...options });
  qmp = client;
  return [client, server];
}

/** The message of the QmpUsageError `p` rejects with (or `f` throws, for the synchronous methods). */
async function usage(p: Promise<unknown> | (() => unknown)): Promise<string> {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(isQmpUsageError(error), String(error)).toBe(true);
  return (error as Error).message;
}

/** A value every read of which throws: a revoked Proxy. */
function revoked(): Record<string, unknown> {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** Calls `f` and returns what it returned; fails the test if it threw synchronously. */
function noThrow<T>(f: () => T): T {
  let out!: T;
  expect(() => {
    out = f();
  }).not.toThrow();
  return out;
}

describe('unknown option keys and wrong shapes name the key and the shape expected', () => {
  it('connect()', async () => {
    const stream = new PassThrough();
    expect(await usage(LooseClient.connect({ stream, capabilities: ['oob'] } as never))).toBe(
      "connect: capabilities must be { enable?: string[], require?: string[] }, got an array",
    );
    expect(await usage(LooseClient.connect({ stream, enable: ['oob'] } as never))).toMatch(
      /^connect: unknown option 'enable' \(did you mean capabilities: \{ enable: \[\.\.\.\] \}\?\); the options are: path, host, port, stream, capabilities, /,
    );
    expect(await usage(LooseClient.connect({ stream, timeout: 100 } as never))).toMatch(/unknown option 'timeout' \(did you mean connectTimeoutMs or commandTimeoutMs\?\)/);
    expect(await usage(LooseClient.connect({ stream, capabilities: { enabled: ['oob'] } } as never))).toMatch(/unknown option 'capabilities\.enabled' \(did you mean enable\?\)/);
    expect(await usage(LooseClient.connect({ stream, capabilities: { enable: 'oob' } } as never))).toBe('connect: capabilities.enable must be an array of strings, got the string "oob"');
    expect(await usage(LooseClient.connect({ stream, validateReturns: 'yes' } as never))).toBe('connect: validateReturns must be a boolean, got the string "yes"');
    expect(await usage(LooseClient.connect({ stream, versionMismatch: 'fail' } as never))).toBe(
      `connect: versionMismatch must be 'warn' or 'error' or 'ignore', got the string "fail"`,
    );
    expect(await usage(LooseClient.connect({ stream, signal: {} } as never))).toMatch(/signal must be an AbortSignal, got an object/);
    // refused before the stream was taken: nothing written, not destroyed
    expect(stream.destroyed).toBe(false);
    expect(stream.readableLength).toBe(0);
    stream.destroy();
  });

  it('execute(), executeUntyped(), waitForEvent(), events(): nothing sent, the client still usable', async () => {
    const [client, srv] = await typed();
    const sent = srv.received.length;
    expect(await usage(client.execute('query-status', undefined, { timeout: 5 } as never))).toMatch(/^query-status: unknown option 'timeout' \(did you mean timeoutMs\?\); the options are: timeoutMs, signal, oob, validateArguments$/);
    expect(await usage(client.execute('query-status', undefined, { oob: 'yes' } as never))).toBe('query-status: oob must be a boolean, got the string "yes"');
    expect(await usage(client.executeUntyped('query-status', undefined, { validate: false } as never))).toMatch(/unknown option 'validate' \(did you mean validateArguments\?\)/);
    expect(await usage(client.waitForEvent('STOP', { timeout: 5 } as never))).toMatch(/^waitForEvent\(STOP\): unknown option 'timeout' \(did you mean timeoutMs\?\)/);
    expect(await usage(client.waitForEvent('STOP', { filter: 'x' } as never))).toBe('waitForEvent(STOP): filter must be a function, got the string "x"');
    expect(await usage(() => client.events({ name: ['STOP'] } as never))).toMatch(/^events\(\): unknown option 'name' \(did you mean names\?\)/);
    expect(await usage(() => client.events({ names: 'STOP' } as never))).toBe('events(): names must be an array of strings, got the string "STOP"');
    // A buffer far beyond reason: a usage error, not a RangeError from allocating it.
    expect(await usage(() => client.events({ bufferSize: 1e12 }))).toBe('events(): bufferSize must be an integer from 1 to 16777216, got 1000000000000');
    const big = client.events({ bufferSize: 16_777_216 }); // allowed, and allocated as events arrive
    expect(big.bufferSize).toBe(16_777_216);
    big.close();
    expect(srv.received.length).toBe(sent);
    expect(await client.execute('query-status')).toEqual({ status: 'running', running: true });
  });

  it('launchQemu(): refused before a process or a temporary folder exists (qmp options included)', async () => {
    const binary = findQemu('7.2').binary;
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('qmp-sdk-')).length;
    expect(await usage(launchQemu({ binary, timeout: 100 } as never))).toMatch(/^launchQemu: unknown option 'timeout' \(did you mean startTimeoutMs\?\)/);
    expect(await usage(launchQemu({ binary, capabilities: { enable: ['oob'] } } as never))).toMatch(/unknown option 'capabilities' \(did you mean qmp: \{ capabilities: … \}\?\)/);
    expect(await usage(launchQemu({ binary, qmp: { capabilities: ['oob'] } } as never))).toBe(
      'launchQemu: qmp.capabilities must be { enable?: string[], require?: string[] }, got an array',
    );
    expect(await usage(launchQemu({ binary, qmp: { path: '/x' } } as never))).toMatch(/unknown option 'qmp\.path'/);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('qmp-sdk-')).length).toBe(before);
  });

  it('the test server: createQmpServer, createReplayServer and accept refuse unknown keys and bad faults', () => {
    const refused = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect((e as Error).name).toBe('QmpTestServerUsageError');
        return (e as Error).message;
      }
      throw new Error('not refused');
    };
    expect(refused(() => createQmpServer({ handler: {} } as never))).toMatch(/^createQmpServer: unknown option 'handler' \(did you mean handlers\?\)/);
    expect(refused(() => createQmpServer({ capabilities: 'oob' } as never))).toBe('createQmpServer: capabilities must be an array of strings, got the string "oob"');
    expect(refused(() => createQmpServer({ faults: { delayMs: 5 } } as never))).toMatch(/unknown option 'faults\.delayMs' \(did you mean replyDelayMs\?\)/);
    expect(refused(() => createReplayServer({ recording: [], fault: {} } as never))).toMatch(/unknown option 'fault' \(did you mean faults\?\)/);
    const s = createQmpServer();
    expect(refused(() => s.connectStream({ faults: { neverAnswer: 'yes' } } as never))).toBe('accept: faults.neverAnswer must be true, false or an array of command names, got the string "yes"');
    return s.close();
  });
});

describe('what is validated is exactly what is sent', () => {
  it('an inherited toJSON: the validator sees what toJSON gives, as the wire does', async () => {
    const [client, srv] = await typed();
    const args = Object.assign(Object.create({ toJSON: () => ({ path: '/', bogus: 1 }) }) as object, { path: '/' });
    const error = await client.execute('qom-list', args as { path: string }).catch((e: unknown) => e);
    expect(isQmpValidationError(error), String(error)).toBe(true);
    expect((error as Error).message).toBe('qom-list: invalid arguments at /arguments/bogus: is not a known member');
    expect(srv.received.map((c) => c.name)).toEqual(['qmp_capabilities']);
  });

  it('inherited members are not sent, so they do not satisfy the validator either', async () => {
    const [client, srv] = await typed();
    const args = Object.create({ path: '/machine' }) as { path: string };
    const error = await client.execute('qom-list', args).catch((e: unknown) => e);
    expect((error as Error).message).toBe('qom-list: invalid arguments at /arguments/path: is required');
    expect(srv.received.map((c) => c.name)).toEqual(['qmp_capabilities']);
    // A class instance with own members is sent (and validated) as those members.
    class Path {
      constructor(readonly path: string) {}
    }
    expect(await client.execute('qom-list', new Path('/machine'))).toEqual([{ name: '/machine', type: 'child<container>' }]);
    expect(srv.received.at(-1)?.arguments).toEqual({ path: '/machine' });
  });

  it('a getter answering differently on each read: validated and sent from one read', async () => {
    const [client, srv] = await typed();
    let reads = 0;
    const args = {
      get path(): unknown {
        reads++;
        return reads === 1 ? '/machine' : 42;
      },
    };
    expect(await client.execute('qom-list', args as { path: string })).toEqual([{ name: '/machine', type: 'child<container>' }]);
    expect(reads).toBe(1);
    expect(srv.received.at(-1)?.arguments).toEqual({ path: '/machine' });
  });

  it('a non-enumerable member is not sent, so it does not satisfy the validator; a nested toJSON (a Date) is validated as sent', async () => {
    const [client, srv] = await typed();
    const hidden = Object.defineProperty({}, 'path', { value: '/machine', enumerable: false }) as { path: string };
    expect(((await client.execute('qom-list', hidden).catch((e: unknown) => e)) as Error).message).toBe('qom-list: invalid arguments at /arguments/path: is required');
    expect(srv.received.map((c) => c.name)).toEqual(['qmp_capabilities']);
    const dated = { path: new Date(0) as unknown as string };
    expect(await client.execute('qom-list', dated)).toEqual([{ name: '1970-01-01T00:00:00.000Z', type: 'child<container>' }]);
    const badNested = { path: { toJSON: () => 42 } as unknown as string };
    expect(((await client.execute('qom-list', badNested).catch((e: unknown) => e)) as Error).message).toBe('qom-list: invalid arguments at /arguments/path: must be string');
    // plain data (the fast path) is sent as given
    expect(await client.execute('qom-list', { path: '/machine' })).toEqual([{ name: '/machine', type: 'child<container>' }]);
    expect(srv.received.map((c) => c.arguments)).toEqual([undefined, { path: '1970-01-01T00:00:00.000Z' }, { path: '/machine' }]);
  });

  it('a toJSON that makes the arguments something else than an object is refused', async () => {
    const [client] = await typed();
    expect(await usage(client.execute('qom-list', { toJSON: () => [1] } as never))).toMatch(/arguments must serialise to a JSON object, but they serialise to \[1\]/);
    expect(await usage(client.executeUntyped('qom-list', { toJSON: () => undefined }))).toMatch(/serialise to nothing/);
  });
});

describe('every public async method rejects and never throws', () => {
  it('throwing getters, a Proxy, a revoked Proxy as arguments or options', async () => {
    const [client, srv] = await typed();
    const boom = {
      get path(): string {
        throw new Error('getter boom');
      },
    };
    const trapped = new Proxy({}, { ownKeys: () => { throw new Error('ownKeys boom'); } });
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      ['execute: throwing getter', () => client.execute('qom-list', boom), /getter boom/],
      ['execute: Proxy trap', () => client.execute('qom-list', trapped as never), /ownKeys boom/],
      ['execute: revoked Proxy arguments', () => client.execute('qom-list', revoked() as never), /revoked/],
      ['execute: revoked Proxy options', () => client.execute('query-status', undefined, revoked() as never), /revoked/],
      ['commands.*: throwing getter', () => client.commands.qomList(boom), /getter boom/],
      ['executeUntyped: Proxy trap', () => client.executeUntyped('qom-list', trapped), /ownKeys boom/],
      ['waitForEvent: revoked Proxy options', () => client.waitForEvent('STOP', revoked() as never), /revoked/],
      ['waitForEvent: throwing getter', () => client.waitForEvent('STOP', { get timeoutMs(): number { throw new Error('opt boom'); } }), /opt boom/],
      ['connect: revoked Proxy options', () => QmpClient.connect(revoked() as never), /revoked/],
      ['launchQemu: revoked Proxy options', () => launchQemu(revoked() as never), /revoked/],
      ["a target's launchQemu: revoked Proxy options", () => launchTyped(revoked() as never), /revoked/],
      ['QmpClient.launch: revoked Proxy options', () => QmpClient.launch(revoked() as never), /revoked/],
    ];
    for (const [what, call, message] of cases) {
      const p = noThrow(call);
      const error = await p.then(
        () => new Error(`${what}: resolved`),
        (e: unknown) => e,
      );
      expect((error as Error).message, what).toMatch(message);
      expect(isQmpUsageError(error), `${what}: ${String(error)}`).toBe(true);
    }
    expect(srv.received.map((c) => c.name)).toEqual(['qmp_capabilities']);
    expect(client.stats.inFlight).toBe(0);
    expect(await client.execute('query-status')).toEqual({ status: 'running', running: true });
  });

  it('executeUntyped times out like execute (a peer that never answers: the test server)', async () => {
    server = createQmpServer({ handlers: { 'x-vendor-command': () => ({}) }, faults: { neverAnswer: ['x-vendor-command'] } });
    const client = await LooseClient.connect({ stream: server.connectStream() });
    qmp = client;
    const error = await client.executeUntyped('x-vendor-command', { a: 1 }, { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(isQmpTimeoutError(error), String(error)).toBe(true);
    expect(server.received.at(-1)).toMatchObject({ name: 'x-vendor-command', arguments: { a: 1 } });
  });
});
