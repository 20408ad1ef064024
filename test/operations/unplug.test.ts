/**
 * `qmp.devices.unplug` against real QEMU 7.2 and 10.0 (`-machine pc`, TCG, `-S`, no guest): a SCSI
 * disk (virtio-scsi-pci + scsi-hd) goes without the guest and resolves on `DEVICE_DELETED`; a
 * hot-plugged PCI device waits for a guest that never runs and times out with the explanation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isQmpAbortError, isQmpCommandError, isQmpTimeoutError, isQmpUsageError, type LaunchedQemu, type QmpClient } from '../../runtime/index.js';
import { qemuVersions } from '../../scripts/qemus.js';
import { leftNothing } from '../runtime/helpers/qemu.js';
import { vm } from './helpers/vm.js';

describe.each(qemuVersions)('QEMU %s: qmp.devices.unplug', (version) => {
  let machine: LaunchedQemu<QmpClient>;
  let qmp: QmpClient;

  async function peripherals(): Promise<string[]> {
    const list = (await qmp.execute('qom-list', { path: '/machine/peripheral' })) as Array<{ name: string }>;
    return list.map((p) => p.name).filter((n) => !n.startsWith('type'));
  }

  beforeAll(async () => {
    machine = await vm(version, 'pc', ['-device', 'virtio-scsi-pci,id=scsi0']);
    qmp = machine.qmp;
  });

  afterAll(async () => {
    await machine?.close();
    expect(leftNothing(machine)).toBe(true);
  });

  it('a SCSI disk: resolves on DEVICE_DELETED, and the device is gone', async () => {
    await qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'disk0-node', size: 1024 * 1024 });
    // device_add is 'gen': false: its device properties (drive) are not in the schema, so not validated.
    await qmp.execute('device_add', { driver: 'scsi-hd', id: 'disk0', bus: 'scsi0.0', drive: 'disk0-node' }, { validateArguments: false });
    expect(await peripherals()).toContain('disk0');
    const result = await qmp.devices.unplug('disk0', { timeoutMs: 30_000 });
    expect(result).toEqual({ device: 'disk0', path: '/machine/peripheral/disk0' });
    expect(await peripherals()).not.toContain('disk0');
  });

  it('a PCI device without a guest: times out, saying that the guest has not released it; the device stays', async () => {
    await qmp.execute('device_add', { driver: 'virtio-rng-pci', id: 'rng0' });
    const err = await qmp.devices.unplug('rng0', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(isQmpTimeoutError(err)).toBe(true);
    expect(err).toMatchObject({ operation: 'device_del:rng0', timeoutMs: 300 });
    expect((err as Error).message).toMatch(/^device rng0 was not deleted within 300 ms: QEMU is waiting for the guest to release it/);
    expect(await peripherals()).toContain('rng0');
  });

  it("unknown device: device_del's own error; bad input and an aborted signal: nothing sent", async () => {
    const missing = await qmp.devices.unplug('no-such-device').catch((e: unknown) => e);
    expect(isQmpCommandError(missing)).toBe(true);
    expect(missing).toMatchObject({ command: 'device_del', errorClass: 'DeviceNotFound' });
    const sent = qmp.stats.sent;
    expect(isQmpUsageError(await qmp.devices.unplug('').catch((e: unknown) => e))).toBe(true);
    expect(isQmpUsageError(await qmp.devices.unplug('x', { timeoutMs: -5 }).catch((e: unknown) => e))).toBe(true);
    expect(isQmpAbortError(await qmp.devices.unplug('x', { signal: AbortSignal.abort() }).catch((e: unknown) => e))).toBe(true);
    expect(qmp.stats.sent).toBe(sent);
  });
});
