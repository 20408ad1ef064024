/**
 * A job id that is already taken, while the job that holds it moves on. QEMU refuses the second
 * `blockdev-backup` ("Job ID … already in use"), but the other job's `JOB_STATUS_CHANGE` events,
 * sent while the command was in flight, carry the same id. The test server sends them at that
 * moment on cue (a real QEMU does it only by chance of timing): the helper must not follow, finalize
 * or dismiss a job that is not its own, and must reject with QEMU's refusal.
 */
import { describe, expect, it } from 'vitest';
import { QmpClient, isQmpCommandError } from '../../runtime/index.js';
import { QmpServerError, createQmpServer } from '../../testing/index.js';

describe('a job id already in use by a job that moves on meanwhile', () => {
  it("refused: rejects with QEMU's error; the other job is neither finalized, completed nor dismissed", async () => {
    const theirs = { id: 'dup', type: 'mirror', status: 'concluded', 'current-progress': 5, 'total-progress': 5 };
    const server = createQmpServer({
      handlers: {
        'blockdev-backup': async () => {
          for (const status of ['ready', 'waiting', 'pending', 'concluded']) await server.emitEvent('JOB_STATUS_CHANGE', { id: 'dup', status });
          throw new QmpServerError('GenericError', "Job ID 'dup' already in use");
        },
        'query-jobs': () => [theirs],
        'job-complete': () => ({}),
        'job-finalize': () => ({}),
        'job-dismiss': () => ({}),
      },
    });
    const qmp = await QmpClient.connect({ stream: server.connectStream() });
    const err = await qmp.jobs
      .run('blockdev-backup', { 'job-id': 'dup', device: 'a', target: 'b', sync: 'full', 'auto-finalize': false })
      .catch((e: unknown) => e);
    expect(isQmpCommandError(err), String(err)).toBe(true);
    expect((err as Error).message).toContain("Job ID 'dup' already in use");
    // A round trip after the refusal: anything the helper would have sent for 'dup' is in by now.
    expect(await qmp.execute('query-jobs')).toEqual([theirs]);
    expect(server.received.map((r) => r.name)).toEqual(['qmp_capabilities', 'blockdev-backup', 'query-jobs']);
    await qmp.close();
    await server.close();
  });
});
