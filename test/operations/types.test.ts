/**
 * Type tests of the operation helpers on the generated targets (checked by `tsc --noEmit` over
 * test/; at run time only the fact that the file ran is asserted). Lines marked
 * `@ts-expect-error` must not compile.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { QmpClient as Qemu100 } from '../../generated/qemu-10.0-x86_64/index.js';
import type { QmpClient as Qemu72 } from '../../generated/qemu-7.2-x86_64/index.js';
import { QmpClient as RuntimeClient, type Job, type JobCommand, type JobProgress, type JobResult, type QmpClient as LooseClient } from '../../runtime/index.js';
import type { QmpCommandMap as Map100 } from '../../generated/qemu-10.0-x86_64/commands.js';
import type { QmpCommandMap as Map72 } from '../../generated/qemu-7.2-x86_64/commands.js';

/** Never called: only compiled. */
export async function jobTypeChecks(qmp: Qemu100, old: Qemu72, loose: LooseClient): Promise<void> {
  // The job-starting commands of each target are exactly those taking a job-id.
  expectTypeOf<'blockdev-backup' | 'blockdev-mirror' | 'block-commit' | 'block-stream' | 'blockdev-create' | 'snapshot-save' | 'snapshot-load' | 'snapshot-delete'>().toMatchTypeOf<JobCommand<Map100>>();
  expectTypeOf<'blockdev-backup' | 'blockdev-create' | 'snapshot-save'>().toMatchTypeOf<JobCommand<Map72>>();
  expectTypeOf<'query-status'>().not.toMatchTypeOf<JobCommand<Map100>>();

  const r: JobResult = await qmp.jobs.run('blockdev-backup', { device: 'a', target: 'b', sync: 'full', speed: 1 }, { onProgress: (p: JobProgress) => void p.current, progressIntervalMs: 100 });
  void r;
  await qmp.jobs.run('blockdev-create', { options: { driver: 'file', filename: '/x', size: 0 } }); // job-id optional here too
  const j: Job = await qmp.jobs.start('blockdev-mirror', { device: 'a', target: 'b', sync: 'full' }, { whenReady: 'wait', dismiss: false, signal: AbortSignal.timeout(1) });
  for await (const p of j) expectTypeOf(p.total).toBeNumber();
  await old.jobs.run('snapshot-save', { 'job-id': 's', tag: 't', vmstate: 'disk0', devices: ['disk0'] });
  await loose.jobs.run('anything-goes', { whatever: 1 });
  const untyped = await RuntimeClient.connect({ path: '/x' }); // no target: any name, any arguments
  await untyped.jobs.run('blockdev-backup', { device: 'a', target: 'b', sync: 'full' });
  await untyped.migration.run([{ 'channel-type': 'main', addr: { transport: 'file', filename: '/x', offset: 0 } }]);
  const asLoose: LooseClient = qmp; // a typed client is still a loose client
  void asLoose;

  const gone = await qmp.devices.unplug('disk0', { timeoutMs: 5000, signal: AbortSignal.timeout(1) });
  expectTypeOf(gone.path).toBeString();
  // @ts-expect-error TS2353: the time limit is timeoutMs
  await qmp.devices.unplug('disk0', { timeout: 5000 });

  const migrated = await qmp.migration.run('exec:cat > /tmp/x', { capabilities: { 'pause-before-switchover': true }, onProgress: (p) => void p.transferred });
  expectTypeOf(migrated.progress.total).toBeNumber();
  await qmp.migration.run([{ 'channel-type': 'main', addr: { transport: 'file', filename: '/tmp/x', offset: 0 } }]);
  await old.migration.run('exec:cat > /tmp/x');
  // @ts-expect-error TS2322: not a migration capability
  await qmp.migration.run('exec:cat > /tmp/x', { capabilities: { 'warp-speed': true } });
  // @ts-expect-error TS2353: a file channel has a filename, not a path
  await qmp.migration.run([{ 'channel-type': 'main', addr: { transport: 'file', path: '/tmp/x', offset: 0 } }]);
  // @ts-expect-error TS2345: QEMU 7.2's migrate takes no channels
  await old.migration.run([{ 'channel-type': 'main', addr: { transport: 'file', filename: '/tmp/x', offset: 0 } }]);

  // @ts-expect-error TS2345: query-status starts no job
  await qmp.jobs.run('query-status', {});
  // @ts-expect-error TS2345: blockdev-backup needs device, target and sync
  await qmp.jobs.run('blockdev-backup', { device: 'a' });
  // @ts-expect-error TS2322: sync is an enum
  await qmp.jobs.run('blockdev-backup', { device: 'a', target: 'b', sync: 'everything' });
  // @ts-expect-error TS2322: whenReady is 'complete' or 'wait'
  await qmp.jobs.run('blockdev-mirror', { device: 'a', target: 'b', sync: 'full' }, { whenReady: 'pivot' });
  // @ts-expect-error TS2322: progress callbacks receive a JobProgress
  await qmp.jobs.run('blockdev-mirror', { device: 'a', target: 'b', sync: 'full' }, { onProgress: (p: string) => void p });
  // @ts-expect-error TS2322: progressIntervalMs is a number of ms
  await qmp.jobs.run('blockdev-mirror', { device: 'a', target: 'b', sync: 'full' }, { progressIntervalMs: '1s' });
  // @ts-expect-error TS2353: the signal belongs to the helper's options, not to the command's
  await qmp.jobs.run('blockdev-mirror', { device: 'a', target: 'b', sync: 'full' }, { commandOptions: { signal: AbortSignal.timeout(1) } });
  const held: Job = await qmp.jobs.start('blockdev-backup', { device: 'a', target: 'b', sync: 'full', 'auto-finalize': false }, { whenPending: 'wait' });
  await held.pending;
  await held.finalize();
  // @ts-expect-error TS2322: whenPending is 'finalize' or 'wait'
  await qmp.jobs.start('blockdev-backup', { device: 'a', target: 'b', sync: 'full', 'auto-finalize': false }, { whenPending: 'later' });
  // @ts-expect-error TS2345: a misspelt command is no job command
  await qmp.jobs.run('blockdev-backupp', { device: 'a', target: 'b', sync: 'full' });
  // @ts-expect-error TS2561: the option is onProgress
  await qmp.jobs.run('blockdev-backup', { device: 'a', target: 'b', sync: 'full' }, { onprogress: () => {} });
  // @ts-expect-error TS2322: dismiss is a boolean
  await qmp.jobs.start('blockdev-backup', { device: 'a', target: 'b', sync: 'full' }, { dismiss: 'no' });
  // @ts-expect-error TS2322: job-id is a string
  await qmp.jobs.start('blockdev-backup', { 'job-id': 7, device: 'a', target: 'b', sync: 'full' });
  // @ts-expect-error TS2353: the helper's options are the third argument, not members of the command's
  await qmp.jobs.run('blockdev-backup', { device: 'a', target: 'b', sync: 'full', whenReady: 'wait' });
  // @ts-expect-error TS2322: a signal is an AbortSignal (AbortSignal.timeout(ms), not a number)
  await qmp.jobs.run('blockdev-backup', { device: 'a', target: 'b', sync: 'full' }, { signal: 5000 });
  // @ts-expect-error TS2345: block-job-cancel takes no job-id: it starts no job
  await old.jobs.run('block-job-cancel', { device: 'x' });
}

describe('operation helper types', () => {
  it('compiled (checked by tsc over test/)', () => {
    expect(typeof jobTypeChecks).toBe('function');
  });
});
