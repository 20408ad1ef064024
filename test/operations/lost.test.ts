/**
 * Operations and a lost connection (the test server: dropping a connection on cue is a fault a
 * test cannot make a real QEMU produce at a chosen moment). A job, a migration and an unplug
 * follow events; when the connection is dropped (with `reconnect`) or closed, the events of the
 * down time are lost, so each fails typed instead of waiting for what it can no longer see.
 */
import { describe, expect, it } from 'vitest';
import { QmpClient, isQmpConnectionError } from '../../runtime/index.js';
import { createQmpServer } from '../../testing/index.js';

describe('operations when the connection is lost', () => {
  it('dropped (reconnect on): the job, the migration and the unplug in progress reject with QmpConnectionError; the client comes back', async () => {
    const server = createQmpServer({
      handlers: {
        'blockdev-backup': () => ({}),
        'query-jobs': () => [],
        'migrate-set-capabilities': () => ({}),
        migrate: () => ({}),
        'query-migrate': () => ({ status: 'active' }),
        device_del: () => ({}),
        'query-status': () => ({ status: 'running', running: true }),
      },
    });
    const address = await server.listen();
    let back!: () => void;
    const reconnected = new Promise<void>((r) => (back = r));
    const qmp = await QmpClient.connect({ ...address, reconnect: { retries: 20, minDelayMs: 5, maxDelayMs: 20, onNotification: (n) => n.type === 'reconnected' && back() } });
    const job = await qmp.jobs.start('blockdev-backup', { device: 'a', target: 'b', sync: 'full' });
    const migration = qmp.migration.run('exec:cat > /dev/null').catch((e: unknown) => e);
    const unplug = qmp.devices.unplug('disk0', { timeoutMs: 60_000 }).catch((e: unknown) => e);
    // Every request reached the server before the drop (polled on the event loop, no timer).
    while (!['migrate', 'device_del'].every((n) => server.received.some((r) => r.name === n))) await new Promise((r) => setImmediate(r));
    await server.dropConnections();
    for (const failed of [await job.done.catch((e: unknown) => e), await migration, await unplug]) {
      expect(isQmpConnectionError(failed), String(failed)).toBe(true);
      expect(failed).toMatchObject({ reason: 'peer-closed' });
    }
    // The job goes on in QEMU and, started with auto-dismiss false by the helper, waits there for job-dismiss: the error says so.
    expect(((await job.done.catch((e: unknown) => e)) as Error).message).toBe(
      `job ${job.id}: the QMP peer closed the connection. The job goes on in QEMU; once concluded it stays in query-jobs until job-dismiss (id ${job.id})`,
    );
    await reconnected;
    expect(await qmp.execute('query-status')).toMatchObject({ status: 'running' });
    await qmp.close();
    await server.close();
  });

  it('closed: a job in progress rejects with the closing QmpConnectionError', async () => {
    const server = createQmpServer({ handlers: { 'blockdev-backup': () => ({}), 'query-jobs': () => [] } });
    const qmp = await QmpClient.connect({ stream: server.connectStream() });
    const job = await qmp.jobs.start('blockdev-backup', { device: 'a', target: 'b', sync: 'full' });
    await qmp.close();
    expect(await job.done.catch((e: unknown) => e)).toMatchObject({ code: 'connection', reason: 'closed' });
    await server.close();
  });
});
