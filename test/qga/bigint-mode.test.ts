/**
 * The guest agent's bigint entry (`qmp-sdk/qga/bigint`, issue 13) against the real agents 7.2 and
 * 10.0 (started by test/support/qemu-ga.ts, host-changing commands blocked): every 64-bit integer of
 * a reply is a `bigint`, small values included (`guest-get-vcpus` logical ids, `guest-exec` pid and
 * exit code), a `bigint` argument goes on the wire exact (`guest-exec-status` pid); the default entry
 * gives the same small values as numbers. Only harmless reads and `/bin/true` run on the host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qemuVersions } from '../../scripts/qemus.js';
import { startQemuGa, type RunningQemuGa } from '../support/qemu-ga.js';
import { QgaClient as Qga10 } from '../../generated/qga-10.0/index.js';
import { QgaClient as Big10 } from '../../generated/qga-10.0/bigint.js';
import { QgaClient as Big72 } from '../../generated/qga-7.2/bigint.js';

describe.each(qemuVersions)('the bigint entry on the real qemu-ga %s', (version) => {
  let ga: RunningQemuGa;
  let big: Big10;
  // the agent serves one client at a time: the bigint client is closed while a default one is open
  const connectBig = async (): Promise<Big10> =>
    // 7.2's commands used here are typed alike: typed as 10.0's
    version === '10.0' ? await Big10.connect({ path: ga.path, validateReturns: true }) : ((await Big72.connect({ path: ga.path, validateReturns: true })) as unknown as Big10);
  beforeAll(async () => {
    ga = await startQemuGa({ version });
    big = await connectBig();
  });
  afterAll(async () => {
    await big?.close();
    await ga?.stop();
  });

  it('guest-get-time: a bigint (nanoseconds) near the host clock', async () => {
    const t: bigint = await big.commands.guestGetTime();
    expect(typeof t).toBe('bigint');
    expect(t > BigInt(Date.now() - 60_000) * 1_000_000n).toBe(true);
  });

  it('guest-get-vcpus: logical ids arrive as bigints even when small; the default entry gives numbers', async () => {
    const cpus = await big.commands.guestGetVcpus();
    expect(cpus.length).toBeGreaterThan(0);
    expect(cpus.map((c) => typeof c['logical-id'])).toEqual(cpus.map(() => 'bigint'));
    expect(cpus.some((c) => c['logical-id'] === 0n)).toBe(true);
    await big.close();
    const plain = await Qga10.connect({ path: ga.path, validateReturns: true });
    try {
      const ids = (await plain.commands.guestGetVcpus()).map((c) => c['logical-id']);
      expect(ids).toEqual(cpus.map((c) => Number(c['logical-id'])));
      expect(ids.every((id) => typeof id === 'number')).toBe(true);
    } finally {
      await plain.close();
      big = await connectBig();
    }
  });

  it('guest-exec of /bin/true: pid is a bigint; guest-exec-status takes it as a bigint and gives exit code 0n', async () => {
    const { pid } = await big.commands.guestExec({ path: '/bin/true' });
    expect(typeof pid).toBe('bigint');
    let status = await big.commands.guestExecStatus({ pid });
    for (let i = 0; !status.exited && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 25)); // the agent reaps the child on its own schedule: poll, as its protocol asks
      status = await big.commands.guestExecStatus({ pid });
    }
    expect(status.exited).toBe(true);
    expect(status.exitcode).toBe(0n);
  });
});
