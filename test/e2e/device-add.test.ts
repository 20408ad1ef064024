/**
 * `device_add` typed per driver on real QEMU 7.2 and 10.0 (issue 18 part 1, "Done when"): the two
 * calls of the issue through the typed API with every validation on, `query-block` showing the disk,
 * and a hot-plug round trip of a disk and a NIC. Removal, as it really happens on q35 without a
 * guest: a PCIe device (virtio-blk-pci, virtio-net-pci) is only *requested* to go (native PCIe
 * unplug waits for the guest's driver, so it stays and no DEVICE_DELETED comes); a SCSI disk and a
 * USB NIC go at once with DEVICE_DELETED.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchQemu as launch100, type QmpClient as Client100 } from '../../generated/qemu-10.0-x86_64/index.js';
import { launchQemu as launch72 } from '../../generated/qemu-7.2-x86_64/index.js';
import { isQmpValidationError, type LaunchedQemu } from '../../runtime/index.js';
import { findQemu, type QemuVersion } from '../../scripts/qemus.js';
import { backendArgs, hotplugMachineArgs, makeImages } from '../support/hotplug-machine.js';

// Both generated clients have the same shape for what is used here; the 10.0 type is used for both.
const launchers: Record<QemuVersion, typeof launch100> = { '10.0': launch100, '7.2': launch72 as unknown as typeof launch100 };

describe.each(['10.0', '7.2'] as QemuVersion[])('device_add on real QEMU %s', (version) => {
  let dir: string;
  let vm: LaunchedQemu<Client100> | undefined;
  let qmp: Client100;
  const clientErrors: unknown[] = [];

  beforeAll(async () => {
    dir = makeImages();
    const q = findQemu(version);
    vm = await launchers[version]({
      binary: q.binary,
      env: q.env,
      args: hotplugMachineArgs,
      qmp: { validateArguments: true, validateReturns: true, validateEvents: true },
    });
    qmp = vm.qmp;
    qmp.onError((e) => clientErrors.push(e));
    const b = backendArgs(dir);
    for (const d of b.disks) await qmp.commands.blockdevAdd(d);
    await qmp.commands.netdevAdd(b.netdev);
  });

  afterAll(async () => {
    await vm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const peripherals = async (): Promise<string[]> => (await qmp.commands.qomList({ path: '/machine/peripheral' })).map((p) => p.name).sort();

  it('the two calls of the issue succeed through the typed API, and query-block shows the disk', async () => {
    await expect(qmp.commands.deviceAdd({ driver: 'virtio-blk-pci', id: 'vblk0', bus: 'rp1', drive: 'disk0' })).resolves.toEqual({});
    await expect(qmp.execute('device_add', { driver: 'virtio-net-pci', id: 'net0', bus: 'rp2', netdev: 'hostnet0', mac: '52:54:00:12:34:56' })).resolves.toEqual({});
    const block = await qmp.commands.queryBlock();
    const disk = block.find((b) => b.inserted?.['node-name'] === 'disk0');
    expect(disk?.qdev).toBe('/machine/peripheral/vblk0/virtio-backend');
    expect(await peripherals()).toEqual(expect.arrayContaining(['vblk0', 'net0']));
    expect(qmp.stats.invalidReturns).toBe(0);
    expect(qmp.stats.invalidEvents).toBe(0);
    expect(clientErrors).toEqual([]);
  });

  it('a misspelled property is a validation error and nothing is sent', async () => {
    const sent = qmp.stats.sent;
    // @ts-expect-error TS2561: 'drvie' is not a property of virtio-blk-pci
    const call = qmp.commands.deviceAdd({ driver: 'virtio-blk-pci', id: 'vblk9', bus: 'rp3', drvie: 'disk1' });
    const err: unknown = await call.catch((e: unknown) => e);
    expect(isQmpValidationError(err)).toBe(true);
    expect((err as Error).message).toMatch(/\/arguments\/drvie: is not a known member/);
    expect(qmp.stats.sent).toBe(sent);
  });

  it('hot-plug round trip: a disk and a NIC are added and removed (as far as QEMU removes them without a guest)', async () => {
    await qmp.commands.deviceAdd({ driver: 'scsi-hd', id: 'sd0', bus: 'scsi0.0', drive: 'disk1' });
    await qmp.commands.netdevAdd({ type: 'user', id: 'hostnet1' });
    await qmp.commands.deviceAdd({ driver: 'usb-net', id: 'usbnet0', bus: 'xhci.0', netdev: 'hostnet1' });
    expect(await peripherals()).toEqual(expect.arrayContaining(['sd0', 'usbnet0', 'vblk0', 'net0']));
    // query-block names a device with a QOM path (`…/vblk0/virtio-backend`) or, for SCSI, by its id
    const sd0 = (b: { qdev?: string; inserted?: { 'node-name'?: string } }): boolean => b.qdev === 'sd0' && b.inserted?.['node-name'] === 'disk1';
    expect((await qmp.commands.queryBlock()).some(sd0)).toBe(true);

    // PCIe: device_del is accepted, the unplug waits for the guest (none here)
    await expect(qmp.commands.deviceDel({ id: 'vblk0' })).resolves.toEqual({});
    await expect(qmp.commands.deviceDel({ id: 'net0' })).resolves.toEqual({});
    // SCSI disk and USB NIC: removed at once, each with DEVICE_DELETED (these come after the PCIe requests)
    for (const id of ['sd0', 'usbnet0']) {
      const gone = qmp.waitForEvent('DEVICE_DELETED', { filter: (e) => e.data.device === id });
      await qmp.commands.deviceDel({ id });
      const ev = await gone;
      expect(ev.data.path).toBe(`/machine/peripheral/${id}`);
    }
    const left = await peripherals();
    expect(left).not.toContain('sd0');
    expect(left).not.toContain('usbnet0');
    expect(left).toEqual(expect.arrayContaining(['vblk0', 'net0'])); // still waiting for the guest
    expect((await qmp.commands.queryBlock()).some(sd0)).toBe(false);
    expect(qmp.stats.invalidReturns).toBe(0);
    expect(qmp.stats.invalidEvents).toBe(0);
    expect(clientErrors).toEqual([]);
  });
});
