/**
 * Type tests of 64-bit integers (issue 13) on the guest agent targets: `guest-get-time` and
 * `guest-exec`'s pid are `QapiInt` (`number | bigint`) in the default entry and `bigint` in the
 * bigint entry (`qmp-sdk/qga/bigint`), in replies and arguments. Nothing runs.
 */
import { QgaClient } from '../../generated/qga-10.0/index.js';
import { QgaClient as BigintQga, type GuestExecStatus } from '../../generated/qga-10.0/bigint.js';
import { QgaClient as BigintQga72 } from '../../generated/qga-7.2/bigint.js';

export async function both(qga: QgaClient, big: BigintQga, big72: BigintQga72): Promise<void> {
  // @ts-expect-error TS2322: nanoseconds since the epoch (about 1.8 × 10^18) may be a bigint
  const t: number = await qga.commands.guestGetTime();
  const tWide: number | bigint = await qga.commands.guestGetTime();
  const bigT: bigint = await big.commands.guestGetTime();
  const bigT72: bigint = await big72.commands.guestGetTime();
  const { pid } = await big.commands.guestExec({ path: '/bin/true' });
  const status: GuestExecStatus = await big.commands.guestExecStatus({ pid });
  const code: bigint | undefined = status.exitcode;
  // @ts-expect-error TS2322: a number where the bigint entry wants a bigint
  await big.commands.guestExecStatus({ pid: 1 });
  await qga.commands.guestExecStatus({ pid: 1 });
  await qga.commands.guestExecStatus({ pid: 1n });
  void [t, tWide, bigT, bigT72, code];
}
