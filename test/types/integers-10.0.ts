/**
 * Type tests of 64-bit integers (issue 13) on the QEMU 10.0 target: the default entry types a
 * member that can exceed 2^53 as `QapiInt` (`number | bigint`) where QEMU sends it and accepts
 * `number | bigint` where the client sends it; narrower widths stay `number`; the bigint entry
 * (`generated/<target>/bigint.ts`, published as `qmp-sdk/bigint`) types every such member as
 * `bigint` in returns, events and arguments. Checked by test/generate/types.test.ts; nothing runs.
 */
import { QmpClient, type BlockDeviceStats, type MigrationParameters, type QapiInt } from '../../generated/qemu-10.0-x86_64/index.js';
import {
  QmpClient as BigintClient,
  type BlockDeviceStats as BigintBlockDeviceStats,
  type MigrationParameters as BigintMigrationParameters,
  type StatusInfo as BigintStatusInfo,
  bigintTable,
  commandInfo,
  eventNames,
  target,
} from '../../generated/qemu-10.0-x86_64/bigint.js';
import type { StatusInfo } from '../../generated/qemu-10.0-x86_64/index.js';

export async function defaultMode(qmp: QmpClient): Promise<void> {
  // returns: a 64-bit member is number | bigint, never a plain number
  const stats = await qmp.execute('query-blockstats');
  const rd: QapiInt = (stats[0] as { stats: BlockDeviceStats }).stats.rd_bytes;
  const rdToo: number | bigint = rd;
  // @ts-expect-error TS2322: an int64 member of a reply may be a bigint
  const rdNumber: number = stats[0]?.stats.rd_bytes;
  // narrower widths stay number (uint8), wide ones do not (size)
  const params: MigrationParameters = await qmp.commands.queryMigrateParameters();
  const channels: number | undefined = params['multifd-channels'];
  // @ts-expect-error TS2322: `max-bandwidth` is a QAPI size
  const bandwidth: number | undefined = params['max-bandwidth'];
  // events: int64 members likewise
  const done = await qmp.waitForEvent('BLOCK_JOB_COMPLETED');
  // @ts-expect-error TS2322: `len` is an int (64-bit)
  const len: number = done.data.len;
  const lenToo: QapiInt = done.data.len;
  const rtc = await qmp.waitForEvent('RTC_CHANGE');
  const offset: number | bigint = rtc.data.offset;
  // arguments: number or bigint
  await qmp.execute('block_resize', { 'node-name': 'n0', size: 1024 });
  await qmp.execute('block_resize', { 'node-name': 'n0', size: 2n ** 60n });
  await qmp.commands.blockResize({ 'node-name': 'n0', size: 1n });
  // device_add: a 64-bit QOM property takes a bigint too (both entries), a narrower one only a number
  await qmp.commands.deviceAdd({ driver: 'pci-bridge', id: 'br0', chassis_nr: 1, 'mem-reserve': 2n ** 64n - 1n });
  // @ts-expect-error TS2322: chassis_nr is a uint8 property
  await qmp.commands.deviceAdd({ driver: 'pci-bridge', id: 'br1', chassis_nr: 1n });
  // a type without 64-bit integers is the same in both entries
  const s: StatusInfo = await qmp.commands.queryStatus();
  const same: BigintStatusInfo = s;
  void [rdToo, rdNumber, channels, bandwidth, len, lenToo, offset, same];
}

export async function bigintMode(qmp: BigintClient): Promise<void> {
  // returns: plain bigint
  const stats = await qmp.execute('query-blockstats');
  const rd: bigint = (stats[0] as { stats: BigintBlockDeviceStats }).stats.rd_bytes;
  const viaMethod: bigint | undefined = (await qmp.commands.queryBlockstats())[0]?.stats.wr_bytes;
  // @ts-expect-error TS2322: in the bigint entry an int64 member is a bigint, not a number
  const rdNumber: number | undefined = stats[0]?.stats.rd_bytes;
  const nodes = await qmp.commands.queryNamedBlockNodes({ flat: true });
  const virtualSize: bigint | undefined = nodes[0]?.image['virtual-size'];
  // narrower widths stay number
  const params: BigintMigrationParameters = await qmp.execute('query-migrate-parameters');
  const channels: number | undefined = params['multifd-channels'];
  const bandwidth: bigint | undefined = params['max-bandwidth'];
  // @ts-expect-error TS2322: `max-bandwidth` is a bigint here
  const bandwidthNumber: number | undefined = params['max-bandwidth'];
  // events
  const done = await qmp.waitForEvent('BLOCK_JOB_COMPLETED');
  const len: bigint = done.data.len;
  qmp.on('RTC_CHANGE', (ev) => {
    const offset: bigint = ev.data.offset;
    // @ts-expect-error TS2322: `offset` is a bigint here
    const offsetNumber: number = ev.data.offset;
    void [offset, offsetNumber];
  });
  for await (const ev of qmp.events()) {
    if (ev.event === 'BLOCK_JOB_COMPLETED') void (ev.data.offset + 1n);
  }
  // arguments: bigint, and only bigint
  await qmp.execute('block_resize', { 'node-name': 'n0', size: 2n ** 60n });
  await qmp.commands.blockResize({ 'node-name': 'n0', size: 1n });
  // @ts-expect-error TS2322: a number where the bigint entry wants a bigint
  await qmp.execute('block_resize', { 'node-name': 'n0', size: 1024 });
  // commands and events without 64-bit integers are the default entry's, docs and all
  const status: BigintStatusInfo = await qmp.commands.queryStatus();
  await qmp.execute('qom-set', { path: '/objects/io0', property: 'poll-max-ns', value: 1n });
  // the shared tables, and the binding with the conversion table
  const known: boolean = 'query-status' in commandInfo && eventNames.includes('STOP') && target.bigints === bigintTable;
  void [rd, viaMethod, rdNumber, virtualSize, channels, bandwidth, bandwidthNumber, len, status, known];
}
