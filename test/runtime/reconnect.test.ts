/**
 * Opt-in reconnection (`connect({ reconnect })`, runtime/qmp/reconnect.ts) against real QEMU 7.2 and
 * 10.0 through a proxy that cuts the connection: the client reconnects, negotiates the same
 * capabilities again, keeps its event listeners, fails the call that was in flight and calls made
 * while it is down (typed), and gives up typed after its retries. Then the test server's
 * `dropConnections()` for users' own tests of the same. Event-driven: every wait is on a
 * notification or an event.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  QmpClient,
  isQmpConnectionError,
  isQmpUsageError,
  type ClientClass,
  type LaunchedQemu,
  type QmpEvent,
  type ReconnectNotification,
} from '../../runtime/index.js';
import { createQmpServer } from '../../testing/index.js';
import { Reconnector } from '../../runtime/qmp/reconnect.js';
import { QmpClient as Qemu72Client } from '../../generated/qemu-7.2-x86_64/index.js';
import { QmpClient as Qemu100Client } from '../../generated/qemu-10.0-x86_64/index.js';
import { qemuVersions } from '../../scripts/qemus.js';
import { launch, leftNothing } from './helpers/qemu.js';
import { startProxy, type Proxy } from './helpers/proxy.js';

/** Notifications of one client, with a way to wait for the next of a type. */
function notifications(): { list: ReconnectNotification[]; next(type: ReconnectNotification['type']): Promise<ReconnectNotification>; on(n: ReconnectNotification): void } {
  const list: ReconnectNotification[] = [];
  const waiting: { type: string; resolve(n: ReconnectNotification): void }[] = [];
  return {
    list,
    on(n) {
      list.push(n);
      for (const w of waiting.filter((x) => x.type === n.type)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(n);
      }
    },
    next: (type) => new Promise((resolve) => waiting.push({ type, resolve })),
  };
}

describe.each(qemuVersions)('QEMU %s: reconnect through a proxy that cuts the connection', (version) => {
  let vm: LaunchedQemu<QmpClient>;
  let dir: string;
  let proxy: Proxy;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qmp-reconnect-'));
    // A second QMP monitor for the client under test (a QMP socket serves one client at a time).
    vm = await launch(version, undefined, ['-qmp', `unix:${join(dir, 'second.sock')},server=on,wait=off`]);
    proxy = await startProxy(join(dir, 'proxy.sock'), join(dir, 'second.sock'));
  });

  afterAll(async () => {
    proxy?.cut();
    await proxy?.stop();
    await vm?.close();
    await rm(dir, { recursive: true, force: true });
    expect(leftNothing(vm)).toBe(true);
  });

  it('reconnects, renegotiates oob, keeps listeners; the call in flight and calls while down fail typed; then gives up typed', async () => {
    const Client = (version === '7.2' ? Qemu72Client : Qemu100Client) as unknown as ClientClass<QmpClient>;
    const note = notifications();
    const qmp = await (Client as unknown as typeof QmpClient).connect({
      path: proxy.path,
      capabilities: { enable: ['oob'] },
      reconnect: { retries: 3, minDelayMs: 5, maxDelayMs: 50, onNotification: (n) => note.on(n) },
    });
    expect(qmp.capabilities).toEqual(['oob']);
    const seen: QmpEvent[] = [];
    qmp.on('RESUME', (e) => seen.push(e));
    qmp.on('STOP', (e) => seen.push(e));
    const stream = qmp.events({ names: ['RESUME'] });

    // A command in flight when the connection is cut: held by the proxy, so never answered.
    const held = proxy.holdNextClientBytes();
    const inFlight = qmp.execute('query-status').catch((e: unknown) => e);
    await held;
    const disconnected = note.next('disconnected');
    const reconnected = note.next('reconnected');
    let duringDown: Promise<unknown> | undefined;
    const downSeen = disconnected.then(() => {
      duringDown = qmp.execute('query-status').catch((e: unknown) => e);
    });
    proxy.cut();

    const failed = await inFlight;
    expect(isQmpConnectionError(failed)).toBe(true);
    expect(failed).toMatchObject({ reason: 'peer-closed' });
    await downSeen;
    const refusedWhileDown = await duringDown;
    expect(isQmpConnectionError(refusedWhileDown)).toBe(true);
    expect((refusedWhileDown as Error).message).toMatch(/reconnecting/);

    const back = await reconnected;
    expect(back).toMatchObject({ type: 'reconnected', attempts: 1 });
    expect((back as { downMs: number }).downMs).toBeGreaterThanOrEqual(0);
    expect(qmp.isOpen).toBe(true);
    expect(qmp.capabilities).toEqual(['oob']); // negotiated again
    expect(proxy.accepted).toBe(2);
    expect(await qmp.execute('query-status')).toMatchObject({ status: 'prelaunch' });

    // Listeners registered before the drop receive events caused from QEMU's other monitor.
    const resumed = qmp.waitForEvent('RESUME');
    await vm.qmp.execute('cont');
    await resumed;
    const stopped = qmp.waitForEvent('STOP');
    await vm.qmp.execute('stop');
    await stopped;
    expect(seen.map((e) => e.event)).toEqual(['RESUME', 'STOP']);
    expect((await stream.next()).value?.event).toBe('RESUME');

    // Now QEMU is unreachable: every attempt is refused, the client gives up, typed.
    const gaveUp = note.next('gave-up');
    const proxyStopped = proxy.stop(); // refuses new connections at once; resolves when the open ones ended
    proxy.cut();
    await proxyStopped;
    const end = await gaveUp;
    const closedWith = await qmp.closed;
    expect(closedWith).toMatchObject({ code: 'connection', reason: 'reconnect-failed' });
    expect(end).toMatchObject({ type: 'gave-up', error: closedWith });
    expect(closedWith.message).toMatch(/^gave up reconnecting after 3 attempt\(s\): /);
    expect(isQmpConnectionError(closedWith.cause)).toBe(true);
    expect(note.list.filter((n) => n.type === 'attempt-failed')).toHaveLength(3);
    expect(qmp.isOpen).toBe(false);
    await expect(qmp.execute('query-status')).rejects.toMatchObject({ reason: 'reconnect-failed' });
    await expect(stream.next()).rejects.toMatchObject({ reason: 'reconnect-failed' });
    await qmp.close();
  });
});

describe('reconnect with the test server: dropConnections() on cue', () => {
  it('drops, the client reconnects and still receives events; close() during the retries stops them', async () => {
    const server = createQmpServer({ handlers: { 'query-status': () => ({ status: 'running', running: true }) } });
    const address = await server.listen();
    const note = notifications();
    const qmp = await QmpClient.connect({ ...address, reconnect: { retries: 50, minDelayMs: 5, maxDelayMs: 20, onNotification: (n) => note.on(n) } });
    const got: string[] = [];
    qmp.on('HELLO', (e) => got.push(e.event));
    const back = note.next('reconnected');
    expect(await server.dropConnections()).toBe(1);
    await back;
    expect(await server.emitEvent('HELLO')).toBe(1);
    await qmp.waitForEvent('HELLO');
    expect(got).toEqual(['HELLO']);
    expect(await qmp.execute('query-status')).toEqual({ status: 'running', running: true });

    // No server any more: close() in the middle of the retries ends them; nothing is left running.
    const firstFailure = note.next('attempt-failed');
    await server.dropConnections({ stopListening: true });
    await firstFailure;
    await qmp.close();
    expect(await qmp.closed).toMatchObject({ reason: 'closed' });
    expect(note.list.some((n) => n.type === 'gave-up')).toBe(false);
    await server.close();
  });

  it('backoff: exponential from minDelayMs, capped at maxDelayMs, jittered within [half, all]', () => {
    const r = new Reconnector({ retries: 10, minDelayMs: 100, maxDelayMs: 1000 }, { attempt: async () => {}, giveUp: () => {}, report: () => {} });
    const bases = [100, 200, 400, 800, 1000, 1000, 1000];
    for (let round = 0; round < 50; round++) {
      bases.forEach((base, i) => {
        const d = r.delay(i + 1);
        expect(d).toBeGreaterThanOrEqual(base / 2);
        expect(d).toBeLessThanOrEqual(base);
      });
    }
    const spread = new Set(Array.from({ length: 50 }, () => r.delay(4)));
    expect(spread.size).toBeGreaterThan(1); // jittered, not in step
  });

  it('bad reconnect options: QmpUsageError from connect()', async () => {
    const server = createQmpServer();
    for (const reconnect of [{ retries: -1 }, { retries: 1.5 }, { retries: 1, minDelayMs: 10, maxDelayMs: 5 }, { retries: 1, onNotification: 3 }]) {
      const err = await QmpClient.connect({ stream: server.connectStream(), reconnect: reconnect as never }).catch((e: unknown) => e);
      expect(isQmpUsageError(err), JSON.stringify(reconnect)).toBe(true);
      expect((err as Error).message).toMatch(/reconnect/);
    }
    await server.close();
  });
});
