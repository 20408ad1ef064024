/**
 * `qmp.jobs` against real QEMU 7.2 and 10.0 (`-machine none`, TCG, no guest): backup with
 * progress, mirror to `ready` and completion, a failing job (blkdebug error injection on the
 * target: a real QEMU failure path), cancel, a generic job (`blockdev-create`), and bad input.
 * Progress is made observable by throttling the job (`speed`) and un-throttling it from the
 * progress reports themselves: no timing in the assertions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isQmpAbortError, isQmpCommandError, isQmpJobError, isQmpUsageError, type JobProgress, type LaunchedQemu, type QmpClient } from '../../runtime/index.js';
import { qemuVersions } from '../../scripts/qemus.js';
import { leftNothing } from '../runtime/helpers/qemu.js';
import { imageFolder, type ImageFolder } from './helpers/images.js';
import { vm } from './helpers/vm.js';

const MiB = 1024 * 1024;
/** Slow enough that several progress polls see the job move (64 MiB would take a minute). */
const SLOW = 1 * MiB;

describe.each(qemuVersions)('QEMU %s: qmp.jobs', (version) => {
  let machine: LaunchedQemu<QmpClient>;
  let qmp: QmpClient;
  let images: ImageFolder;
  let n = 0;

  /** Adds a fresh qcow2 node (`size`, optionally filled) and returns its node name. */
  async function node(size = '64M', fill?: number): Promise<string> {
    const name = `n${++n}`;
    const filename = images.qcow2(`${name}.qcow2`, size, fill);
    await qmp.execute('blockdev-add', { driver: 'qcow2', 'node-name': name, file: { driver: 'file', filename } });
    return name;
  }

  async function jobsLeft(): Promise<unknown[]> {
    return (await qmp.execute('query-jobs')) as unknown[];
  }

  beforeAll(async () => {
    images = await imageFolder();
    machine = await vm(version, 'none');
    qmp = machine.qmp;
  });

  afterAll(async () => {
    await machine?.close();
    await images?.remove();
    expect(leftNothing(machine)).toBe(true);
  });

  it('backup of a 64 MiB qcow2: progress of increasing current (callback and iterator), then done and dismissed', async () => {
    const src = await node('64M', 0xab);
    const dst = await node('64M');
    const called: JobProgress[] = [];
    const job = await qmp.jobs.start(
      'blockdev-backup',
      { 'job-id': 'backup0', device: src, target: dst, sync: 'full', speed: SLOW },
      { progressIntervalMs: 20, onProgress: (p) => called.push(p) },
    );
    expect(job.id).toBe('backup0');
    const iterated: JobProgress[] = [];
    let unthrottled = false;
    for await (const p of job) {
      iterated.push(p);
      const moving = iterated.filter((r) => r.current > 0);
      if (!unthrottled && moving.length >= 2) {
        unthrottled = true; // seen it move twice: let it finish at full speed
        await qmp.execute('block-job-set-speed', { device: 'backup0', speed: 0 });
      }
    }
    const result = await job.done;
    expect(result).toEqual({ id: 'backup0', type: 'backup', current: 64 * MiB, total: 64 * MiB });
    const moving = iterated.filter((r) => r.current > 0);
    expect(moving.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < iterated.length; i++) expect(iterated[i]!.current).toBeGreaterThanOrEqual(iterated[i - 1]!.current);
    expect(moving[1]!.current).toBeGreaterThan(moving[0]!.current);
    expect(iterated.every((p) => p.id === 'backup0' && p.total === 64 * MiB)).toBe(true);
    expect(called).toEqual(iterated); // same reports to the callback and the iterator
    expect(await jobsLeft()).toEqual([]);
  });

  it("mirror: reaches 'ready', stays there with whenReady 'wait', completes on complete()", async () => {
    const src = await node('64M', 0x5a);
    const dst = await node('64M');
    const job = await qmp.jobs.start('blockdev-mirror', { device: src, target: dst, sync: 'full' }, { whenReady: 'wait' });
    expect(job.id).toMatch(/^qmp-sdk-blockdev-mirror-[0-9a-z]{6}-\d+$/); // made up by the helper
    await job.ready;
    expect(job.status).toBe('ready');
    expect(await jobsLeft()).toMatchObject([{ id: job.id, type: 'mirror', status: 'ready' }]);
    await job.complete();
    expect(await job.done).toMatchObject({ id: job.id, type: 'mirror' });
    expect(await jobsLeft()).toEqual([]);
  });

  it('mirror with run(): completed at ready by default', async () => {
    const src = await node('8M', 0x11);
    const dst = await node('8M');
    const result = await qmp.jobs.run('blockdev-mirror', { device: src, target: dst, sync: 'full' });
    expect(result).toMatchObject({ type: 'mirror', current: 8 * MiB, total: 8 * MiB });
    expect(await jobsLeft()).toEqual([]);
  });

  it("a job that fails (blkdebug injects EIO into the target's writes) rejects with QmpJobError and QEMU's text", async () => {
    const src = await node('64M', 0xcd);
    const filename = images.qcow2('bad.qcow2', '64M');
    await qmp.execute('blockdev-add', {
      driver: 'qcow2',
      'node-name': 'bad',
      file: { driver: 'blkdebug', image: { driver: 'file', filename }, 'inject-error': [{ event: 'write_aio', errno: 5 }] },
    });
    const err = await qmp.jobs.run('blockdev-backup', { 'job-id': 'failing', device: src, target: 'bad', sync: 'full' }).catch((e: unknown) => e);
    expect(isQmpJobError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'operation', jobId: 'failing', command: 'blockdev-backup', qemuError: 'Input/output error' });
    expect((err as Error).message).toBe('blockdev-backup job failing failed: Input/output error');
    expect(await jobsLeft()).toEqual([]); // dismissed after its error was read
  });

  it('an AbortSignal cancels the job: rejects with the abort once the job is gone; query-jobs is empty', async () => {
    const src = await node('64M', 0xef);
    const dst = await node('64M');
    const ac = new AbortController();
    const reason = new Error('operator said stop');
    const err = await qmp.jobs
      .run('blockdev-backup', { device: src, target: dst, sync: 'full', speed: SLOW }, {
        signal: ac.signal,
        progressIntervalMs: 20,
        onProgress: (p) => {
          if (p.current > 0) ac.abort(reason); // it is really running
        },
      })
      .catch((e: unknown) => e);
    expect(isQmpAbortError(err)).toBe(true);
    expect((err as Error).cause).toBe(reason);
    expect(await jobsLeft()).toEqual([]);
  });

  it('Job.cancel() on a mirror left ready', async () => {
    const src = await node('8M', 0x22);
    const dst = await node('8M');
    const job = await qmp.jobs.start('blockdev-mirror', { device: src, target: dst, sync: 'full' }, { whenReady: 'wait' });
    await job.ready;
    await job.cancel();
    expect(isQmpAbortError(await job.done.catch((e: unknown) => e))).toBe(true);
    expect(await jobsLeft()).toEqual([]);
  });

  it('blockdev-create (a job without auto-dismiss argument) is followed and dismissed by the helper', async () => {
    const filename = `${images.dir}/created.qcow2`;
    const file = await qmp.jobs.run('blockdev-create', { options: { driver: 'file', filename, size: 0 } });
    expect(file.type).toBe('create');
    await qmp.execute('blockdev-add', { driver: 'file', 'node-name': 'created-file', filename });
    const fmt = await qmp.jobs.run('blockdev-create', { 'job-id': 'mkqcow2', options: { driver: 'qcow2', file: 'created-file', size: 4 * MiB } });
    expect(fmt).toMatchObject({ id: 'mkqcow2', type: 'create' });
    expect(await jobsLeft()).toEqual([]);
    await qmp.execute('blockdev-add', { driver: 'qcow2', 'node-name': 'created', file: 'created-file' });
    const named = (await qmp.execute('query-named-block-nodes')) as Array<{ 'node-name': string; image: { 'virtual-size': number; format: string } }>;
    expect(named.find((n) => n['node-name'] === 'created')?.image).toMatchObject({ format: 'qcow2', 'virtual-size': 4 * MiB });
  });

  it("auto-finalize/auto-dismiss false: finalized by the helper; dismiss: false leaves it concluded", async () => {
    const src = await node('8M', 0x33);
    const dst = await node('8M');
    const statuses: string[] = [];
    const off = qmp.on('JOB_STATUS_CHANGE', (e) => statuses.push(String((e.data as { status: string }).status)));
    const result = await qmp.jobs.run('blockdev-backup', { 'job-id': 'manual', device: src, target: dst, sync: 'full', 'auto-finalize': false, 'auto-dismiss': false });
    off();
    expect(result.id).toBe('manual');
    expect(statuses.slice(statuses.indexOf('pending'))).toEqual(['pending', 'concluded']); // without the helper's job-finalize it would stay pending (and run() never end)
    expect(await jobsLeft()).toMatchObject([{ id: 'manual', status: 'concluded' }]);
    await qmp.execute('job-dismiss', { id: 'manual' });
    expect(await jobsLeft()).toEqual([]);
  });

  it('refused command: its QmpCommandError; bad options: QmpUsageError before anything is sent', async () => {
    const refused = await qmp.jobs.run('blockdev-backup', { device: 'no-such-node', target: 'nor-this', sync: 'full' }).catch((e: unknown) => e);
    expect(isQmpCommandError(refused)).toBe(true);
    expect(refused).toMatchObject({ command: 'blockdev-backup' });
    const sent = qmp.stats.sent;
    const bad = [
      qmp.jobs.run('blockdev-backup', { device: 'x', target: 'y', sync: 'full' }, { whenReady: 'pivot' as 'wait' }),
      qmp.jobs.run('blockdev-backup', { device: 'x', target: 'y', sync: 'full' }, { progressIntervalMs: -1 }),
      qmp.jobs.run('blockdev-backup', { device: 'x', target: 'y', sync: 'full' }, { onProgress: 'no' as never }),
      qmp.jobs.run('blockdev-backup', null as never),
      qmp.jobs.run('blockdev-backup', { 'job-id': 7 as never, device: 'x', target: 'y', sync: 'full' }),
    ];
    for (const p of bad) {
      const e = await p.catch((x: unknown) => x);
      expect(isQmpUsageError(e), String(e)).toBe(true);
      expect((e as Error).message).toMatch(/^jobs\.start\(blockdev-backup\): /);
    }
    expect(qmp.stats.sent).toBe(sent);
    expect(await jobsLeft()).toEqual([]);
  });
});
