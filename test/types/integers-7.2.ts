/**
 * Type tests of 64-bit integers (issue 13) on the QEMU 7.2 target's bigint entry
 * (`qmp-sdk/qemu-7.2-x86_64/bigint`); see integers-10.0.ts. Nothing runs.
 */
import { QmpClient } from '../../generated/qemu-7.2-x86_64/index.js';
import { QmpClient as BigintClient } from '../../generated/qemu-7.2-x86_64/bigint.js';

export async function both(qmp: QmpClient, big: BigintClient): Promise<void> {
  const stats = await qmp.commands.queryBlockstats();
  // @ts-expect-error TS2322: an int64 member of a reply may be a bigint
  const rd: number | undefined = stats[0]?.stats.rd_bytes;
  const bigStats = await big.commands.queryBlockstats();
  const bigRd: bigint | undefined = bigStats[0]?.stats.rd_bytes;
  const rtc = await big.waitForEvent('RTC_CHANGE');
  const offset: bigint = rtc.data.offset;
  await big.commands.blockResize({ 'node-name': 'n0', size: 2n ** 60n });
  // @ts-expect-error TS2322: a number where the bigint entry wants a bigint
  await big.commands.blockResize({ 'node-name': 'n0', size: 4096 });
  void [rd, bigRd, offset];
}
