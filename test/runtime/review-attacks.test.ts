/**
 * Interactions of the issue 10 hardening branches, found by re-running the attack against the
 * merged code (review 2). Each case failed before its fix.
 *
 * - Reconnect × messages skipped before the greeting: the bound (MAX_MESSAGES_BEFORE_GREETING)
 *   counted over the client's whole life, so a long-lived reconnecting client whose monitor sent a
 *   few stale replies before each greeting eventually failed every reconnect. The bound is per
 *   connection. (The test server stands in for QEMU here: real QEMU 10.0 sends a handful per
 *   connection, and reaching the bound would take hundreds of real reconnects.)
 * - Launcher × reconnect (real QEMU 7.2 and 10.0): the launcher's `close()` sends `quit`, QEMU ends
 *   the connection, and a client with `reconnect` took that for a drop: it notified 'disconnected',
 *   tried to reconnect to the removed socket and ended with reason 'reconnect-failed' (without
 *   `reconnect`: 'peer-closed'), although `closed` promises reason 'closed' after `close()`.
 * - Message limits × event buffers: an events() iterator kept up to `bufferSize` (1000) events
 *   whatever their size, and a peer may send events up to `maxMessageBytes` (16 MiB): a slow reader
 *   could hold 16 GB. Iterators now also keep at most MAX_EVENT_BUFFER_BYTES of event messages.
 * - Reconnect × version mismatch: under `versionMismatch: 'warn'` the mismatch was reported only for
 *   the first connection, so a reconnect that found QEMU replaced by another version said nothing.
 * - Test server: dropConnections({ stopListening: true }) × its private socket: the socket file
 *   stayed, so listening on the same path again (the server coming back, as a restarted QEMU does)
 *   failed with EEXIST.
 * - Caller mistakes (issue 18 part 3) in nested options: an unknown key inside `reconnect`
 *   (`minDelay`) was silently ignored (by connect and by launchQemu's `qmp`), and a Proxy or a
 *   throwing getter as `reconnect` (or as the test server's options) escaped as a raw exception
 *   instead of a usage error.
 * - Launcher watcher killed (SIGKILL; `vm.process` is the watcher since the launcher branch, and the
 *   CLI branch's test killed it expecting QEMU to die): QEMU ran on, reparented, with its folder
 *   removed and `exited` resolved. The parent now kills that QEMU (same pid and start time only).
 * - "Validate exactly what is sent" (issue 10 item 9): an array index getter passed the plain-data
 *   check (validated one value, sent another; a throwing one made the check throw), and a
 *   non-enumerable member added to Object.prototype satisfied a required argument that was not sent
 *   (also through the serialise-and-parse-back path, whose objects inherit it too).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpClient, isQmpUsageError, isQmpValidationError, isQmpVersionMismatchError, launchQemu, type ReconnectNotification } from '../../runtime/index.js';
import { QmpTestServerUsageError } from '../../testing/index.js';
import { QmpClient as Qemu100Client } from '../../generated/qemu-10.0-x86_64/index.js';
import { MAX_MESSAGES_BEFORE_GREETING } from '../../runtime/qmp/negotiation.js';
import { MAX_EVENT_BUFFER_BYTES } from '../../runtime/qmp/events.js';
import { createQmpServer } from '../../testing/index.js';
import { qemuVersions } from '../../scripts/qemus.js';
import { alive, launch, leftNothing } from './helpers/qemu.js';

describe('reconnect × stale replies before the greeting', () => {
  it('bounds the messages skipped before the greeting per connection, not over the client\'s life', async () => {
    // Each connection: stale replies (ids of an earlier connection) before the greeting, within the bound.
    const perConnection = Math.ceil(MAX_MESSAGES_BEFORE_GREETING * 0.6);
    const server = createQmpServer({ faults: { injectBeforeGreeting: '{"return": {}, "id": 7}\r\n'.repeat(perConnection) } });
    const address = await server.listen({});
    const notes: ReconnectNotification['type'][] = [];
    let settled!: (n: ReconnectNotification) => void;
    const outcome = new Promise<ReconnectNotification>((r) => (settled = r));
    const qmp = await QmpClient.connect({
      ...address,
      reconnect: {
        retries: 2,
        minDelayMs: 1,
        maxDelayMs: 5,
        onNotification: (n) => {
          notes.push(n.type);
          if (n.type === 'reconnected' || n.type === 'gave-up') settled(n);
        },
      },
    });
    try {
      expect(qmp.stats.skippedBeforeGreeting).toBe(perConnection);
      await server.dropConnections();
      expect((await outcome).type).toBe('reconnected');
      expect(notes).toEqual(['disconnected', 'reconnected']);
      expect(qmp.stats.skippedBeforeGreeting).toBe(2 * perConnection);
      // The session works again: the command reaches the server (which knows no commands) and is answered.
      await expect(qmp.executeUntyped('query-version')).rejects.toMatchObject({ errorClass: 'CommandNotFound' });
    } finally {
      await qmp.close();
      await server.close();
    }
  });
});

describe('validate exactly what is sent: accessors on array indices, members added to Object.prototype', () => {
  async function withServer(run: (qmp: Qemu100Client, received: unknown[]) => Promise<void>): Promise<void> {
    const received: unknown[] = [];
    const record = (args: unknown): Record<string, never> => {
      received.push(args);
      return {};
    };
    const server = createQmpServer({ handlers: { device_del: record, 'migrate-set-capabilities': record } });
    const qmp = await Qemu100Client.connect({ stream: server.connectStream(), validateArguments: true, versionMismatch: 'ignore' });
    try {
      await run(qmp, received);
    } finally {
      await qmp.close();
      await server.close();
    }
  }

  it('an index getter that answers differently on later reads: what is validated is what is sent (here invalid: nothing sent)', async () => {
    await withServer(async (qmp, received) => {
      // Before: the plain-data check read it (1), JSON.stringify sent read 2, the validator saw read 3.
      let reads = 0;
      const capabilities: unknown[] = [];
      Object.defineProperty(capabilities, 0, {
        enumerable: true,
        get: () => (++reads <= 2 ? { capability: 'no-such-capability', state: true } : { capability: 'xbzrle', state: true }),
      });
      const error = await qmp.execute('migrate-set-capabilities', { capabilities } as never).catch((e: unknown) => e);
      expect(isQmpValidationError(error), String(error)).toBe(true);
      expect(received).toEqual([]);
    });
  });

  it('an index getter that throws: the call rejects, nothing is sent (held before too: the client caught the throw)', async () => {
    await withServer(async (qmp, received) => {
      const capabilities: unknown[] = [];
      Object.defineProperty(capabilities, 0, { enumerable: true, get: () => { throw new Error('getter boom'); } });
      let call: Promise<unknown> | undefined;
      expect(() => (call = qmp.execute('migrate-set-capabilities', { capabilities } as never))).not.toThrow();
      await expect(call).rejects.toThrow(/getter boom/);
      expect(received).toEqual([]);
    });
  });

  it('a non-enumerable member added to Object.prototype does not satisfy a required argument', async () => {
    await withServer(async (qmp, received) => {
      Object.defineProperty(Object.prototype, 'id', { value: 'disk0', enumerable: false, configurable: true, writable: true });
      try {
        const plain = await qmp.execute('device_del', {} as never).catch((e: unknown) => e);
        // not plain data either (a class instance: serialised and parsed back)
        class Args {}
        const instance = await qmp.execute('device_del', new Args() as never).catch((e: unknown) => e);
        for (const error of [plain, instance]) {
          expect(isQmpValidationError(error), String(error)).toBe(true);
          expect(String(error)).toMatch(/id/);
        }
      } finally {
        delete (Object.prototype as { id?: unknown }).id;
      }
      expect(received).toEqual([]);
      // untouched prototypes: the same call with the member given is sent as is
      await qmp.execute('device_del', { id: 'disk0' });
      expect(received).toEqual([{ id: 'disk0' }]);
    });
  });
});

describe.each(qemuVersions)('QEMU %s: launcher close() × reconnect', (version) => {
  it.each([['with reconnect', true], ['without reconnect', false]] as const)('%s: close() is the client\'s own close (reason closed, no reconnect notifications)', async (_, withReconnect) => {
    const notes: ReconnectNotification['type'][] = [];
    const vm = await launch(version, withReconnect ? { reconnect: { retries: 3, minDelayMs: 1, maxDelayMs: 5, onNotification: (n) => notes.push(n.type) } } : {});
    try {
      await vm.close();
      const why = await vm.qmp.closed;
      expect(why.reason).toBe('closed');
      expect(notes).toEqual([]);
    } finally {
      await vm.close();
    }
    expect(leftNothing(vm)).toBe(true);
  });
});

describe('message limits × event buffers', () => {
  it.each(['drop-oldest', 'drop-newest'] as const)('an iterator nobody reads keeps at most MAX_EVENT_BUFFER_BYTES of large events (%s)', async (overflow) => {
    const eventBytes = 9 * 1024 * 1024; // under maxMessageBytes (16 MiB): each one is accepted
    const count = Math.floor(MAX_EVENT_BUFFER_BYTES / eventBytes) + 3;
    const server = createQmpServer();
    const qmp = await QmpClient.connect({ stream: server.connectStream() });
    try {
      const stream = qmp.events({ overflow }); // bufferSize 1000: far more than fit in the byte bound
      let seen = 0;
      const all = new Promise<void>((resolve) => qmp.on('BIG', () => ++seen === count && resolve()));
      const filler = 'x'.repeat(eventBytes);
      for (let i = 0; i < count; i++) await server.emitEvent('BIG', { i, s: filler });
      await all;
      const kept = Math.floor(MAX_EVENT_BUFFER_BYTES / eventBytes); // each message is a little over eventBytes
      expect(stream.buffered).toBeLessThanOrEqual(kept);
      expect(stream.buffered).toBeGreaterThanOrEqual(kept - 1);
      expect(stream.dropped).toBe(count - stream.buffered);
      const first = (await stream.next()).value as { data: { i: number } };
      expect(first.data.i).toBe(overflow === 'drop-oldest' ? stream.dropped : 0);
      stream.close();
    } finally {
      await qmp.close();
      await server.close();
    }
  });

  it('one event larger than the byte bound is still delivered to an empty iterator', async () => {
    const server = createQmpServer();
    const qmp = await QmpClient.connect({ stream: server.connectStream(), maxMessageBytes: MAX_EVENT_BUFFER_BYTES + 1024 * 1024 });
    try {
      const stream = qmp.events();
      const got = new Promise<void>((resolve) => qmp.on('BIG', () => resolve()));
      await server.emitEvent('BIG', { s: 'x'.repeat(MAX_EVENT_BUFFER_BYTES) });
      await got;
      expect(stream.buffered).toBe(1);
      expect(stream.dropped).toBe(0);
      stream.close();
    } finally {
      await qmp.close();
      await server.close();
    }
  });
});

describe('reconnect × version mismatch', () => {
  it("'warn': a reconnect that finds another QEMU version reports it; one that finds the same server again does not", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qmp-review-'));
    const path = join(dir, 'qmp.sock');
    const servers: ReturnType<typeof createQmpServer>[] = [];
    const serve = async (major: number, minor: number): Promise<void> => {
      const s = createQmpServer({ greeting: { qemu: { major, minor, micro: 0 } } });
      servers.push(s);
      await s.listen({ path });
    };
    const replace = async (major: number, minor: number): Promise<void> => {
      await servers.pop()!.close(); // QEMU stopped: connections dropped, its socket gone
      await serve(major, minor);
    };
    let next!: (n: ReconnectNotification) => void;
    const notification = (): Promise<ReconnectNotification> => new Promise((r) => (next = r));
    const reported: unknown[] = [];
    await serve(10, 0);
    const qmp = await Qemu100Client.connect({
      path,
      versionMismatch: 'warn',
      reconnect: { retries: 5, minDelayMs: 20, maxDelayMs: 50, onNotification: (n) => (n.type === 'reconnected' || n.type === 'gave-up') && next(n) },
    });
    qmp.onError((e) => reported.push(e));
    try {
      expect(qmp.versionMismatch).toBeUndefined();
      let outcome = notification();
      await replace(7, 2); // QEMU replaced by another version while the client was away
      expect((await outcome).type).toBe('reconnected');
      await new Promise((r) => setImmediate(r)); // the report is queued before 'reconnected' is notified
      expect(reported.filter(isQmpVersionMismatchError)).toHaveLength(1);
      const mismatch = reported.find(isQmpVersionMismatchError);
      expect(String(mismatch)).toMatch(/QEMU 7\.2/);
      outcome = notification();
      await replace(7, 2); // the same version again: nothing new to say
      expect((await outcome).type).toBe('reconnected');
      await new Promise((r) => setImmediate(r));
      expect(reported.filter(isQmpVersionMismatchError)).toHaveLength(1);
    } finally {
      await qmp.close();
      for (const s of servers) await s.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('test server: dropConnections({ stopListening }) × private socket', () => {
  it('the same server listens again on the same path, and a reconnecting client comes back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qmp-review-'));
    const path = join(dir, 'qmp.sock');
    const server = createQmpServer();
    await server.listen({ path });
    let next!: (n: ReconnectNotification) => void;
    const notes: ReconnectNotification['type'][] = [];
    const qmp = await QmpClient.connect({
      path,
      reconnect: { retries: 50, minDelayMs: 5, maxDelayMs: 20, onNotification: (n) => { notes.push(n.type); if (n.type === 'reconnected' || n.type === 'gave-up') next(n); } },
    });
    try {
      const outcome = new Promise<ReconnectNotification>((r) => (next = r));
      expect(await server.dropConnections({ stopListening: true })).toBe(1);
      await server.listen({ path }); // EEXIST before
      expect((await outcome).type).toBe('reconnected');
      await expect(qmp.executeUntyped('query-version')).rejects.toMatchObject({ errorClass: 'CommandNotFound' });
    } finally {
      await qmp.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('caller mistakes in nested options', () => {
  const throwing = new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });

  it('connect(): an unknown key inside reconnect is named with a hint; a throwing reconnect is a usage error; nothing is connected', async () => {
    const server = createQmpServer();
    try {
      const typo = await QmpClient.connect({ stream: server.connectStream(), reconnect: { retries: 1, minDelay: 5 } } as never).catch((e: unknown) => e);
      expect(isQmpUsageError(typo), String(typo)).toBe(true);
      expect(String(typo)).toMatch(/unknown option 'reconnect\.minDelay' \(did you mean minDelayMs\?\)/);
      const trap = await QmpClient.connect({ stream: server.connectStream(), reconnect: throwing } as never).catch((e: unknown) => e);
      expect(isQmpUsageError(trap), String(trap)).toBe(true);
      expect(String(trap)).toMatch(/reading the options threw: trap/);
      expect(server.connections.filter((c) => c.state === 'command')).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('launchQemu(): an unknown key inside qmp.reconnect is refused before anything starts', async () => {
    const e = await launchQemu({ binary: '/nonexistent/qemu-system-x86_64', qmp: { reconnect: { retries: 1, maxDelay: 3 } } } as never).catch((x: unknown) => x);
    expect(isQmpUsageError(e), String(e)).toBe(true);
    expect(String(e)).toMatch(/unknown option 'qmp\.reconnect\.maxDelay' \(did you mean maxDelayMs\?\)/);
  });

  it('createQmpServer(): options that throw while read are a QmpTestServerUsageError', () => {
    expect(() => createQmpServer(throwing as never)).toThrow(QmpTestServerUsageError);
    let reads = 0;
    const flaky = { get faults() { if (++reads > 1) throw new Error('second read'); return undefined; } };
    expect(() => createQmpServer(flaky as never)).toThrow(QmpTestServerUsageError);
  });
});

describe.each(qemuVersions)('QEMU %s: the launcher\'s watcher killed', (version) => {
  it('SIGKILL to the watcher (vm.watcher): QEMU does not run on; exited resolves; nothing is left', async () => {
    const vm = await launch(version);
    try {
      vm.watcher.kill('SIGKILL');
      await vm.exited;
      expect(running(vm.pid)).toBe(false);
      expect(vm.qmp.isOpen === false || (await vm.qmp.closed).reason !== 'closed').toBe(true);
    } finally {
      await vm.close();
    }
    expect(running(vm.pid)).toBe(false);
    expect(existsSync(vm.tempDir)).toBe(false);
  });
});

/** True while the process runs (a zombie, dead but not yet reaped by its new parent, does not run). */
function running(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '');
  } catch {
    return false;
  }
}
