/**
 * The bigint entry against real QEMU 7.2 and 10.0 (issue 13), every check on: its client delivers
 * every 64-bit integer of a reply or event as a `bigint`, small values included; `block_resize` and
 * `qom-set` take bigints; members typed `any` (`qom-get`) stay as parsed. The default entry gives the
 * same small values as `number`s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findQemu } from '../../scripts/qemus.js';
import { launchQemu as launch100Big } from '../../generated/qemu-10.0-x86_64/bigint.js';
import { launchQemu as launch72Big } from '../../generated/qemu-7.2-x86_64/bigint.js';
import { ALL_CHECKS, QEMU_ARGS, launch } from './helpers/qemu.js';

const MiB = 1024 * 1024;

/** The 10.0 bigint client's type (the 7.2 one has the same members used here). */
type BigVm = Awaited<ReturnType<typeof launch100Big>>;

function launchBig(version: '7.2' | '10.0'): Promise<BigVm> {
  const q = findQemu(version);
  const start = (version === '7.2' ? launch72Big : launch100Big) as typeof launch100Big;
  return start({ binary: q.binary, env: q.env, args: [...QEMU_ARGS], qmp: ALL_CHECKS });
}

/** Starts a full backup job `j0` of null-co node `src` (1 MiB) into `dst` (wait for its BLOCK_JOB_COMPLETED before calling). */
async function startBackup(qmp: { execute(name: string, args?: never): Promise<unknown> }): Promise<void> {
  await qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'src', size: MiB } as never);
  await qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'dst', size: MiB } as never);
  await qmp.execute('blockdev-backup', { 'job-id': 'j0', device: 'src', target: 'dst', sync: 'full' } as never);
}

describe.each(['7.2', '10.0'] as const)('real QEMU %s through the bigint entry', (version) => {
  it('query-named-block-nodes and query-blockstats: sizes and counters arrive as bigint even when small; the default entry gives numbers', async () => {
    const big = await launchBig(version);
    try {
      await big.qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'n0', size: 4n * BigInt(MiB) });
      const nodes = await big.qmp.commands.queryNamedBlockNodes({ flat: true });
      const node = nodes.find((n) => n['node-name'] === 'n0');
      expect(node?.image['virtual-size']).toBe(4n * BigInt(MiB));
      expect(node?.bps).toBe(0n);
      expect(node?.backing_file_depth).toBe(0n);
      const stats = await big.qmp.execute('query-blockstats', { 'query-nodes': true });
      const s = stats.find((x) => x['node-name'] === 'n0');
      expect(s?.stats.rd_bytes).toBe(0n);
      expect(s?.stats.wr_highest_offset).toBe(0n);
      expect(typeof s?.stats.rd_operations).toBe('bigint');
    } finally {
      await big.close();
    }
    const plain = await launch(version);
    try {
      await plain.qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'n0', size: 4 * MiB });
      const nodes = (await plain.qmp.execute('query-named-block-nodes', { flat: true })) as Array<{ 'node-name': string; bps: unknown; image: { 'virtual-size': unknown } }>;
      const node = nodes.find((n) => n['node-name'] === 'n0');
      expect(node?.image['virtual-size']).toBe(4 * MiB);
      expect(node?.bps).toBe(0);
      const stats = (await plain.qmp.execute('query-blockstats', { 'query-nodes': true })) as Array<{ 'node-name'?: string; stats: { rd_bytes: unknown } }>;
      expect(stats.find((x) => x['node-name'] === 'n0')?.stats.rd_bytes).toBe(0);
    } finally {
      await plain.close();
    }
  });

  it('block_resize with a bigint size (a file node on tmpfs): the new size reads back as a bigint', async () => {
    const dir = mkdtempSync(join('/dev/shm', 'qmp-bigint-'));
    const file = join(dir, 'disk.img');
    let big: BigVm | undefined;
    try {
      writeFileSync(file, '');
      big = await launchBig(version);
      await big.qmp.commands.blockdevAdd({ driver: 'file', 'node-name': 'f0', filename: file });
      await big.qmp.commands.blockResize({ 'node-name': 'f0', size: 65536n });
      const small = await big.qmp.commands.queryNamedBlockNodes({ flat: true });
      expect(small.find((n) => n['node-name'] === 'f0')?.image['virtual-size']).toBe(65536n);
      await big.qmp.execute('block_resize', { 'node-name': 'f0', size: 2n ** 60n + 4096n });
      const large = await big.qmp.commands.queryNamedBlockNodes({ flat: true });
      expect(large.find((n) => n['node-name'] === 'f0')?.image['virtual-size']).toBe(2n ** 60n + 4096n);
    } finally {
      await big?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('qom-set with bigints; qom-get (typed `any`) gives what the parser gives: a number when small, a bigint beyond 2^53', async () => {
    const big = await launchBig(version);
    try {
      await big.qmp.execute('object-add', { 'qom-type': 'iothread', id: 'io0' });
      await big.qmp.execute('qom-set', { path: '/objects/io0', property: 'poll-max-ns', value: 2n ** 60n + 1n });
      expect(await big.qmp.execute('qom-get', { path: '/objects/io0', property: 'poll-max-ns' })).toBe(2n ** 60n + 1n);
      await big.qmp.execute('qom-set', { path: '/objects/io0', property: 'poll-max-ns', value: 32768n });
      expect(await big.qmp.execute('qom-get', { path: '/objects/io0', property: 'poll-max-ns' })).toBe(32768);
    } finally {
      await big.close();
    }
  });

  it('BLOCK_JOB_COMPLETED of a backup job: len and offset (int) arrive as bigint; the default entry gives numbers', async () => {
    const big = await launchBig(version);
    try {
      const done = big.qmp.waitForEvent('BLOCK_JOB_COMPLETED', { timeoutMs: 60_000 });
      await startBackup(big.qmp as never);
      const { data } = await done;
      expect(data.len).toBe(BigInt(MiB));
      expect(data.offset).toBe(BigInt(MiB));
      expect(data.speed).toBe(0n);
      expect(data.device).toBe('j0');
    } finally {
      await big.close();
    }
    const plain = await launch(version);
    try {
      const done = plain.qmp.waitForEvent('BLOCK_JOB_COMPLETED', { timeoutMs: 60_000 });
      await startBackup(plain.qmp as never);
      const data = (await done).data as { len: unknown; offset: unknown };
      expect(data.len).toBe(MiB);
      expect(data.offset).toBe(MiB);
    } finally {
      await plain.close();
    }
  });
});
