/**
 * What a demanding control plane does to `qmp.jobs` and `qmp.migration` on real QEMU 7.2 and 10.0
 * (`-machine none`/`pc`, TCG, no guest): two jobs at once; an abort that comes when the operation
 * has already ended on its own, before QEMU created the job, while it is pending, or while a
 * migration's settings are sent; a refused job (bad arguments, a job-id in use); a job id the
 * helper makes up that another process (a restarted daemon) already uses; `complete()`/`finalize()`
 * called too early; `whenPending: 'wait'`; a progress iterator left mid-way. Client listeners are
 * counted after each. The aborts are given from the user's own event listeners, at a chosen state:
 * no timing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isQmpAbortError, isQmpCommandError, isQmpUsageError, type LaunchedQemu, type QmpClient } from '../../runtime/index.js';
import type { JobRunner } from '../../runtime/operations/jobs.js';
import { qemuVersions } from '../../scripts/qemus.js';
import { leftNothing } from '../runtime/helpers/qemu.js';
import { imageFolder, type ImageFolder } from './helpers/images.js';
import { vm } from './helpers/vm.js';

const MiB = 1024 * 1024;

/** Counts the client's event listeners added through `on` and not yet removed (wraps the instance's `on`). */
function countListeners(qmp: QmpClient): () => number {
  let live = 0;
  const on = qmp.on.bind(qmp);
  (qmp as { on: unknown }).on = (name: string, handler: never) => {
    live++;
    const off = on(name, handler);
    let removed = false;
    return () => {
      if (!removed) live--;
      removed = true;
      off();
    };
  };
  return () => live;
}

function statusIs(status: string): (e: { data?: unknown }) => boolean {
  return (e) => (e.data as { status?: unknown } | undefined)?.status === status;
}

describe.each(qemuVersions)('QEMU %s: aborts and ids under a demanding user', (version) => {
  let machine: LaunchedQemu<QmpClient>;
  let qmp: QmpClient;
  let images: ImageFolder;
  let listeners: () => number;
  let n = 0;

  async function node(size = '8M', fill?: number): Promise<string> {
    const name = `r${++n}`;
    const filename = images.qcow2(`${name}.qcow2`, size, fill);
    await qmp.execute('blockdev-add', { driver: 'qcow2', 'node-name': name, file: { driver: 'file', filename } });
    return name;
  }

  beforeAll(async () => {
    images = await imageFolder();
    machine = await vm(version, 'none');
    qmp = machine.qmp;
    listeners = countListeners(qmp);
  });

  afterAll(async () => {
    await machine?.close();
    await images?.remove();
    expect(leftNothing(machine)).toBe(true);
  });

  it('two jobs at once: the progress and result of each stay its own', async () => {
    const a = [await node('16M', 0x31), await node('16M')];
    const b = [await node('8M', 0x32), await node('8M')];
    const seen = new Map<string, { id: string; total: number }[]>();
    const track = (p: { id: string; total: number }): void => void seen.set(p.id, [...(seen.get(p.id) ?? []), p]);
    const [ra, rb] = await Promise.all([
      qmp.jobs.run('blockdev-backup', { 'job-id': 'twin-a', device: a[0]!, target: a[1]!, sync: 'full' }, { progressIntervalMs: 10, onProgress: track }),
      qmp.jobs.run('blockdev-backup', { 'job-id': 'twin-b', device: b[0]!, target: b[1]!, sync: 'full' }, { progressIntervalMs: 10, onProgress: track }),
    ]);
    expect(ra).toEqual({ id: 'twin-a', type: 'backup', current: 16 * MiB, total: 16 * MiB });
    expect(rb).toEqual({ id: 'twin-b', type: 'backup', current: 8 * MiB, total: 8 * MiB });
    expect([...seen.keys()].sort()).toEqual(['twin-a', 'twin-b']);
    expect(seen.get('twin-a')!.every((p) => p.total === 16 * MiB)).toBe(true);
    expect(seen.get('twin-b')!.every((p) => p.total === 8 * MiB)).toBe(true);
    expect(await qmp.execute('query-jobs')).toEqual([]);
    expect(listeners()).toBe(0);
  });

  it('an abort that comes once the job concluded on its own (job-cancel refused): the job resolves with its result', async () => {
    const src = await node('8M', 0x41);
    const dst = await node();
    const ac = new AbortController();
    const off = qmp.on('JOB_STATUS_CHANGE', (e) => statusIs('concluded')(e) && ac.abort(new Error('too late')));
    const result = await qmp.jobs.run('blockdev-backup', { 'job-id': 'late-abort', device: src, target: dst, sync: 'full' }, { signal: ac.signal }).catch((e: unknown) => e);
    off();
    expect(ac.signal.aborted).toBe(true);
    expect(result).toEqual({ id: 'late-abort', type: 'backup', current: 8 * MiB, total: 8 * MiB }); // the backup is complete: not an abort
    expect(await qmp.execute('query-jobs')).toEqual([]);
    expect(listeners()).toBe(0);
  });

  it('an abort while pending (auto-finalize false) is a real cancel: QmpAbortError, the job gone', async () => {
    const src = await node('8M', 0x42);
    const dst = await node();
    const ac = new AbortController();
    const off = qmp.on('JOB_STATUS_CHANGE', (e) => statusIs('pending')(e) && ac.abort(new Error('changed my mind')));
    const err = await qmp.jobs.run('blockdev-backup', { device: src, target: dst, sync: 'full', 'auto-finalize': false }, { signal: ac.signal }).catch((e: unknown) => e);
    off();
    expect(isQmpAbortError(err), String(err)).toBe(true);
    expect(await qmp.execute('query-jobs')).toEqual([]);
    expect(listeners()).toBe(0);
  });

  it("auto-finalize false with whenPending 'wait': left pending until the user's finalize(); finalize() too early rejects that call only", async () => {
    const src = await node('8M', 0x48);
    const dst = await node();
    const job = await qmp.jobs.start('blockdev-backup', { device: src, target: dst, sync: 'full', 'auto-finalize': false, speed: MiB }, { whenPending: 'wait' });
    const early = await job.finalize().catch((e: unknown) => e);
    expect(isQmpCommandError(early), String(early)).toBe(true); // QEMU: the job is not pending
    await qmp.execute('block-job-set-speed', { device: job.id, speed: 0 });
    await job.pending;
    expect(job.status).toBe('pending');
    expect(await qmp.execute('query-jobs')).toMatchObject([{ id: job.id, status: 'pending' }]); // round trip: not finalized by the helper
    await job.finalize();
    expect(await job.done).toMatchObject({ id: job.id, type: 'backup', current: 8 * MiB });
    expect(await qmp.execute('query-jobs')).toEqual([]);
    const refused = await qmp.jobs.run('blockdev-backup', { device: src, target: dst, sync: 'full' }, { whenPending: 'wait' }).catch((e: unknown) => e);
    expect(isQmpUsageError(refused), String(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/whenPending 'wait' needs the command's "auto-finalize": false/);
    expect(listeners()).toBe(0);
  });

  it('an abort before QEMU created the job: cancelled once created, nothing left subscribed', async () => {
    const src = await node('8M', 0x43);
    const dst = await node();
    const ac = new AbortController();
    const run = qmp.jobs.run('blockdev-backup', { device: src, target: dst, sync: 'full', speed: MiB }, { signal: ac.signal });
    ac.abort(new Error('early'));
    const err = await run.catch((e: unknown) => e);
    expect(isQmpAbortError(err), String(err)).toBe(true);
    expect(await qmp.execute('query-jobs')).toEqual([]);
    expect(listeners()).toBe(0);
  });

  it('refused (bad arguments, or a job-id in use): QmpCommandError, nothing left subscribed, the job holding the id unharmed', async () => {
    const src = await node('8M', 0x47);
    const dst = await node();
    const other = await node();
    const bad = await qmp.jobs.run('blockdev-backup', { device: 'no-such-node', target: dst, sync: 'full' }).catch((e: unknown) => e);
    expect(isQmpCommandError(bad), String(bad)).toBe(true);
    expect(listeners()).toBe(0);
    const holder = await qmp.jobs.start('blockdev-backup', { 'job-id': 'taken', device: src, target: dst, sync: 'full', speed: MiB });
    const held = listeners();
    const clash = await qmp.jobs.run('blockdev-backup', { 'job-id': 'taken', device: src, target: other, sync: 'full' }).catch((e: unknown) => e);
    expect(isQmpCommandError(clash), String(clash)).toBe(true);
    expect((clash as Error).message).toContain("Job ID 'taken' already in use");
    expect(listeners()).toBe(held);
    await qmp.execute('block-job-set-speed', { device: 'taken', speed: 0 });
    expect(await holder.done).toMatchObject({ id: 'taken', type: 'backup', current: 8 * MiB });
    expect(listeners()).toBe(0);
  });

  it('a made-up job id does not clash with a job of the same helper in another process (a restarted daemon)', async () => {
    const src = await node('8M', 0x44);
    const dst = await node();
    const other = await node();
    // A fresh copy of the module is what a restarted daemon runs: its counter starts again.
    vi.resetModules();
    const fresh = (await import('../../runtime/operations/jobs.js')) as { JobRunner: typeof JobRunner };
    const host = { execute: qmp.execute.bind(qmp) as never, on: qmp.on.bind(qmp) as never, onLost: () => () => true };
    const before = new fresh.JobRunner(host);
    const theirs = await before.start('blockdev-backup', { device: src, target: dst, sync: 'full', speed: MiB }, { whenReady: 'wait' });
    vi.resetModules();
    const restarted = (await import('../../runtime/operations/jobs.js')) as { JobRunner: typeof JobRunner };
    const ours = await new restarted.JobRunner(host).start('blockdev-backup', { device: src, target: other, sync: 'full', speed: MiB });
    expect(ours.id).not.toBe(theirs.id);
    expect(ours.id).toMatch(/^qmp-sdk-blockdev-backup-/);
    await Promise.all([theirs.cancel(), ours.cancel()]);
    expect(await qmp.execute('query-jobs')).toEqual([]);
    expect(listeners()).toBe(0);
  });

  it('complete() too early (mirror not ready yet): that call rejects, the job is still followed and completes later', async () => {
    const src = await node('64M', 0x46);
    const dst = await node('64M');
    const job = await qmp.jobs.start('blockdev-mirror', { device: src, target: dst, sync: 'full', speed: MiB }, { whenReady: 'wait' });
    const early = await job.complete().catch((e: unknown) => e);
    expect(isQmpCommandError(early), String(early)).toBe(true); // QEMU: the job is not ready
    await qmp.execute('block-job-set-speed', { device: job.id, speed: 0 });
    await job.ready;
    await job.complete();
    expect(await job.done).toMatchObject({ id: job.id, type: 'mirror', current: 64 * MiB });
    expect(await qmp.execute('query-jobs')).toEqual([]);
    expect(listeners()).toBe(0);
  });

  it('a progress iterator left mid-way: its poll timer goes at once, the job goes on', async () => {
    const src = await node('64M', 0x45);
    const dst = await node('64M');
    const job = await qmp.jobs.start('blockdev-backup', { device: src, target: dst, sync: 'full', speed: MiB }, { progressIntervalMs: 60_000 });
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const idle = timers();
    let seen = 0;
    for await (const p of job) {
      expect(p.id).toBe(job.id);
      if (++seen === 1) break; // the first report comes at once; the next poll would wait a minute
    }
    expect(timers()).toBe(idle); // the minute-long poll timer is not left behind
    expect(job.status).toBe('running');
    await job.cancel();
    expect(listeners()).toBe(0);
  });
});

describe.each(qemuVersions)('QEMU %s: a migration aborted before it started, or as it completes', (version) => {
  it('aborted while its settings are sent: migrate is never sent, nothing written, QmpAbortError', async () => {
    const folder = await imageFolder();
    const machine = await vm(version, 'pc');
    try {
      const qmp = machine.qmp;
      const ac = new AbortController();
      const target = join(folder.dir, 'never.state');
      const run = qmp.migration.run(`exec:cat > ${target}`, { parameters: { 'max-bandwidth': 64 * MiB }, signal: ac.signal });
      ac.abort(new Error('not now')); // migrate-set-capabilities is on its way
      const err = await run.catch((e: unknown) => e);
      expect(isQmpAbortError(err), String(err)).toBe(true);
      expect((err as Error).cause).toEqual(new Error('not now'));
      expect(await qmp.execute('query-migrate')).toEqual({}); // no migration ever ran
      expect(existsSync(target)).toBe(false);
    } finally {
      await machine.close();
      await folder.remove();
    }
    expect(leftNothing(machine)).toBe(true);
  });

  it('resolves with the completed migration (the final status is what counts)', async () => {
    const folder = await imageFolder();
    const machine = await vm(version, 'pc');
    try {
      const qmp = machine.qmp;
      const ac = new AbortController();
      const off = qmp.on('MIGRATION', (e) => statusIs('completed')(e) && ac.abort(new Error('too late')));
      const result = await qmp.migration.run(`exec:cat > ${join(folder.dir, 'done.state')}`, { signal: ac.signal }).catch((e: unknown) => e);
      off();
      expect(ac.signal.aborted).toBe(true);
      expect(result).toMatchObject({ progress: { status: 'completed' } });
      expect(await qmp.execute('query-migrate')).toMatchObject({ status: 'completed' });
    } finally {
      await machine.close();
      await folder.remove();
    }
    expect(leftNothing(machine)).toBe(true);
  });
});
