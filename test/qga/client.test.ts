/**
 * The typed guest agent client (`qmp-sdk/qga`, runtime/qga/) against the real agents 7.2 and 10.0,
 * started by the test through test/support/qemu-ga.ts (host-changing commands blocked with `-b`).
 * Every call runs with argument and return validation on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qemuVersions } from '../../scripts/qemus.js';
import { startQemuGa, type RunningQemuGa } from '../support/qemu-ga.js';
import { QgaClient as Qga10 } from '../../generated/qga-10.0/index.js';
import { QgaClient as Qga72 } from '../../generated/qga-7.2/index.js';
import { isQmpCommandError } from '../../runtime/index.js';

/** The typed client of the agent's own version (7.2's commands are a subset: typed as 10.0's here). */
const connectTyped = (version: '7.2' | '10.0', path: string): Promise<Qga10> =>
  version === '10.0' ? Qga10.connect({ path, validateReturns: true }) : (Qga72.connect({ path, validateReturns: true }) as Promise<unknown> as Promise<Qga10>);

describe.each(qemuVersions)('QgaClient on the real qemu-ga %s', (version) => {
  let ga: RunningQemuGa;
  let qga: Qga10;
  beforeAll(async () => {
    ga = await startQemuGa({ version, alsoBlock: ['guest-get-users'] }); // a harmless reader, blocked to test the refusal
    qga = await connectTyped(version, ga.path);
  });
  afterAll(async () => {
    await qga?.close();
    await ga?.stop();
  });

  it('synchronises on connect (one sync, nothing stale) and answers guest-ping', async () => {
    expect(await qga.commands.guestPing()).toEqual({});
    expect(qga.stats.syncs).toBe(1);
    expect(qga.stats.staleReplies).toBe(0);
    expect(qga.isOpen).toBe(true);
  });

  it('guest-info: the agent version, and the blocked commands listed as disabled', async () => {
    const info = await qga.commands.guestInfo();
    expect(info.version.startsWith(version === '10.0' ? '10.0.' : '7.2.')).toBe(true);
    const byName = new Map(info.supported_commands.map((c) => [c.name, c]));
    expect(byName.get('guest-ping')?.enabled).toBe(true);
    expect(byName.get('guest-shutdown')).toMatchObject({ enabled: false, 'success-response': false });
    // every command of the agent is in the target, and the target's no-response set is the agent's
    expect([...byName.keys()].filter((n) => !Object.hasOwn(qga.target!.commands, n))).toEqual([]);
    const agentNoResponse = info.supported_commands.filter((c) => !c['success-response']).map((c) => c.name).sort();
    expect([...qga.target!.noSuccessResponse]).toEqual(agentNoResponse);
  });

  it('guest-get-osinfo answers a validated object', async () => {
    const os = await qga.commands.guestGetOsinfo();
    expect(typeof os.id === 'string' || os.id === undefined).toBe(true);
    expect(typeof os['kernel-release']).toBe('string');
  });

  it('guest-get-time arrives exact as a bigint, within a window around the host clock', async () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const t = (await qga.commands.guestGetTime()) as unknown;
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    expect(typeof t).toBe('bigint');
    expect(t as bigint).toBeGreaterThanOrEqual(before - 1_000_000_000n);
    expect(t as bigint).toBeLessThanOrEqual(after + 1_000_000_000n);
    expect((t as bigint) % 1000n).toBe(0n); // the agent's clock has microsecond resolution: exact digits, not rounded to 2^-52
  });

  it('a command blocked with -b rejects with a typed CommandNotFound', async () => {
    const e = await qga.commands.guestGetUsers().catch((x: unknown) => x);
    expect(isQmpCommandError(e)).toBe(true);
    expect(e).toMatchObject({ errorClass: 'CommandNotFound', command: 'guest-get-users' });
  });

  it('pipelines 64 commands in flight, each answered to its own call', async () => {
    const calls = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? qga.commands.guestPing() : qga.commands.guestGetTime()));
    const results = await Promise.all(calls);
    results.forEach((r, i) => (i % 2 === 0 ? expect(r).toEqual({}) : expect(typeof r).toBe('bigint')));
    expect(qga.stats.inFlight).toBe(0);
    expect(qga.stats.staleReplies).toBe(0);
  });
});
