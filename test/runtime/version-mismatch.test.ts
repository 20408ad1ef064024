/**
 * Version awareness, crosswise on the real QEMUs: the 7.2 target on QEMU 10.0 and the 10.0 target
 * on QEMU 7.2, for each `versionMismatch` policy; and validation errors that say why a valid reply
 * failed.
 */
import { describe, expect, it } from 'vitest';
import { findQemu, type QemuVersion } from '../../scripts/qemus.js';
import {
  QmpClient,
  isQmpNegotiationError,
  isQmpValidationError,
  isQmpVersionMismatchError,
  launchQemu,
  type ClientClass,
  type ClientErrorSource,
  type ClientOptions,
  type LaunchedQemu,
  type QmpValidationError,
  type QmpVersionMismatchError,
} from '../../runtime/index.js';
import { QmpClient as Qemu72Client, target as target72 } from '../../generated/qemu-7.2-x86_64/index.js';
import { QmpClient as Qemu100Client, target as target100 } from '../../generated/qemu-10.0-x86_64/index.js';
import { findVersionMismatch } from '../../runtime/qmp/version.js';
import { checkGreeting } from '../../runtime/qmp/negotiation.js';
import { QEMU_ARGS, alive } from './helpers/qemu.js';

/** The other QEMU's target on this QEMU. */
const crosswise = [
  { qemu: '10.0', client: Qemu72Client, target: 'qemu-7.2-x86_64', targetVersion: '7.2', serverVersion: /10\.0\.\d+/ },
  { qemu: '7.2', client: Qemu100Client, target: 'qemu-10.0-x86_64', targetVersion: '10.0', serverVersion: /7\.2\.\d+/ },
] as const;

/** The reply that is valid on the server and invalid for the other target (measured on both QEMUs). */
const failingReply = {
  '10.0': { command: 'query-status', path: '/return/singlestep', rule: 'is required' },
  '7.2': { command: 'query-machines', path: '/return/0/acpi', rule: 'is required' },
} as const;

function launchWith(version: QemuVersion, client: unknown, qmp: ClientOptions): Promise<LaunchedQemu<QmpClient>> {
  const q = findQemu(version);
  return launchQemu({ binary: q.binary, env: q.env, args: [...QEMU_ARGS], client: client as ClientClass<QmpClient>, qmp });
}

/** Resolves after everything already scheduled (a report deferred to after connect included) has run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(() => setImmediate(r)));

describe.each(crosswise)('target $target on QEMU $qemu', ({ qemu, client, target, targetVersion, serverVersion }) => {
  it("'warn' (default): connects, reports one typed mismatch through onError, keeps it on the client; a failing reply says why", async () => {
    const reports: [unknown, ClientErrorSource][] = [];
    const vm = await launchWith(qemu, client, { validateReturns: true });
    try {
      vm.qmp.onError((e, source) => reports.push([e, source]));
      await vm.qmp.execute('query-version');
      await settle();
      const versionReports = reports.filter(([, s]) => s === 'version');
      expect(versionReports).toHaveLength(1);
      const m = versionReports[0]![0] as QmpVersionMismatchError;
      expect(isQmpVersionMismatchError(m)).toBe(true);
      expect(vm.qmp.versionMismatch).toBe(m);
      expect(m.target).toBe(target);
      expect(`${m.targetVersion.major}.${m.targetVersion.minor}`).toBe(targetVersion);
      expect(`${m.serverVersion.major}.${m.serverVersion.minor}.${m.serverVersion.micro}`).toMatch(serverVersion);
      expect(m.message).toContain(`target ${target} is for QEMU ${targetVersion} but the server is QEMU `);

      const { command, path, rule } = failingReply[qemu];
      let error: unknown;
      await vm.qmp.execute(command).catch((e: unknown) => (error = e));
      expect(isQmpValidationError(error), String(error)).toBe(true);
      const v = error as QmpValidationError;
      expect([v.path, v.rule]).toEqual([path, rule]);
      expect(v.versionMismatch).toBe(m);
      expect(v.message).toContain(`${command}: invalid return at ${path}: ${rule}`);
      expect(v.message).toContain(`probably because target ${target} is for QEMU ${targetVersion} but the server is QEMU`);
      expect(v.message).toMatch(/may be valid for the server's version/);
      // Still one report: the mismatch is told once.
      await settle();
      expect(reports.filter(([, s]) => s === 'version')).toHaveLength(1);
    } finally {
      await vm.close();
    }
  });

  it("'error': connect() rejects with a QmpNegotiationError naming both versions; not even qmp_capabilities is sent", async () => {
    const sent: unknown[] = [];
    const q = findQemu(qemu);
    let error: unknown;
    let received = 0;
    await launchQemu({
      binary: q.binary,
      env: q.env,
      args: [...QEMU_ARGS],
      client: client as unknown as ClientClass<QmpClient>,
      qmp: { versionMismatch: 'error', trace: (dir, msg) => (dir === 'out' ? sent.push(msg) : received++) },
    }).catch((e: unknown) => (error = e));
    expect(isQmpNegotiationError(error), String(error)).toBe(true);
    const e = error as Error;
    expect(e.message).toContain(`target ${target} is for QEMU ${targetVersion} but the server is QEMU `);
    expect(e.message).toMatch(serverVersion);
    expect(isQmpVersionMismatchError(e.cause)).toBe(true);
    // The greeting was read; not even qmp_capabilities went out.
    expect(received).toBe(1);
    expect(sent).toEqual([]);
  });

  it("'ignore': connects without a report; versionMismatch still says it; replies validate as asked", async () => {
    const reports: ClientErrorSource[] = [];
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    const vm = await launchWith(qemu, client, { versionMismatch: 'ignore', validateReturns: true });
    try {
      vm.qmp.onError((_, source) => reports.push(source));
      await vm.qmp.execute('query-version');
      await settle();
      expect(reports).toEqual([]);
      expect(warnings.filter((w) => w.name === 'QmpVersionMismatchWarning')).toEqual([]);
      expect(vm.qmp.versionMismatch?.target).toBe(target);
      const { command, path } = failingReply[qemu];
      const error = await vm.qmp.execute(command).catch((e: unknown) => e);
      expect((error as QmpValidationError).path).toBe(path);
      expect((error as Error).message).toMatch(/probably because target/);
    } finally {
      process.off('warning', onWarning);
      await vm.close();
    }
  });
});

describe('version awareness', () => {
  it("'warn' with no onError listener: a process warning (QmpVersionMismatchWarning) names both versions", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    const vm = await launchWith('7.2', Qemu100Client, {});
    try {
      await vm.qmp.execute('query-version');
      await settle();
      const mine = warnings.filter((w) => w.name === 'QmpVersionMismatchWarning');
      expect(mine).toHaveLength(1);
      expect(mine[0]!.message).toMatch(/target qemu-10\.0-x86_64 is for QEMU 10\.0 but the server is QEMU 7\.2\.\d+/);
    } finally {
      process.off('warning', onWarning);
      await vm.close();
    }
  });

  it('each target on its own QEMU: no mismatch (the launcher also compares the architecture of the binary)', async () => {
    for (const [version, client] of [['7.2', Qemu72Client], ['10.0', Qemu100Client]] as const) {
      const vm = await launchWith(version, client, { versionMismatch: 'error', validateReturns: true });
      try {
        expect(vm.qmp.versionMismatch).toBeUndefined();
        expect(alive(vm.pid)).toBe(true);
        await vm.qmp.execute(failingReply[version === '7.2' ? '7.2' : '10.0'].command);
      } finally {
        await vm.close();
      }
    }
  });

  it('targets know their QEMU version and architecture; an architecture mismatch is one too', () => {
    expect([target72.qemu, target72.arch]).toEqual([{ major: 7, minor: 2, micro: 22 }, 'x86_64']);
    expect([target100.qemu?.major, target100.qemu?.minor, target100.arch]).toEqual([10, 0, 'x86_64']);
    const greeting = checkGreeting({ QMP: { version: { qemu: { major: 10, minor: 0, micro: 2 }, package: 'p' }, capabilities: [] } });
    expect(findVersionMismatch(target100, greeting, undefined)).toBeUndefined();
    expect(findVersionMismatch(target100, greeting, 'x86_64')).toBeUndefined();
    const arch = findVersionMismatch(target100, greeting, 'aarch64');
    expect(arch?.message).toContain('target qemu-10.0-x86_64 is for QEMU 10.0 x86_64 but the server is QEMU 10.0.2 aarch64');
    // A micro release is no mismatch; a hand-made binding without a version is never compared.
    const micro = checkGreeting({ QMP: { version: { qemu: { major: 10, minor: 0, micro: 7 }, package: '' }, capabilities: [] } });
    expect(findVersionMismatch(target100, micro, undefined)).toBeUndefined();
    expect(findVersionMismatch({ ...target100, qemu: undefined } as never, checkGreeting({ QMP: { version: { qemu: { major: 1, minor: 0, micro: 0 }, package: '' }, capabilities: [] } }), undefined)).toBeUndefined();
  });
});
