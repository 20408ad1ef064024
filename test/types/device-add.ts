/**
 * Type tests of `device_add` typed per driver (issue 18 part 1): compiled by `tsc -p tsconfig.json`
 * (`npm test` runs it first), never executed. Each `@ts-expect-error` line must fail to compile.
 */
import type { QmpClient as Client100, DeviceAddArguments as Args100 } from '../../generated/qemu-10.0-x86_64/index.js';
import type { QmpClient as Client72, DeviceAddArguments as Args72 } from '../../generated/qemu-7.2-x86_64/index.js';

export async function deviceAdd100(qmp: Client100): Promise<void> {
  await qmp.commands.deviceAdd({ driver: 'virtio-blk-pci', id: 'vblk0', bus: 'rp1', drive: 'disk0' });
  await qmp.execute('device_add', { driver: 'virtio-net-pci', id: 'net0', bus: 'rp2', netdev: 'hostnet0', mac: '52:54:00:12:34:56' });
  await qmp.commands.deviceAdd({ driver: 'virtio-net-pci', mrg_rxbuf: false, host_mtu: 1400 });
  await qmp.commands.deviceAdd({ driver: 'virtio-blk-pci', 'write-cache': 'on', 'num-queues': 2, addr: '0x3.0' });
  await qmp.commands.deviceAdd({ driver: 'e1000', addr: 3 });
  // @ts-expect-error TS2561: 'drvie' is not a property of virtio-blk-pci (did you mean 'drive'?)
  await qmp.commands.deviceAdd({ driver: 'virtio-blk-pci', id: 'vblk0', bus: 'rp1', drvie: 'disk0' });
  // @ts-expect-error TS2353: misspelled property through execute too
  await qmp.execute('device_add', { driver: 'virtio-net-pci', netdve: 'hostnet0' });
  // @ts-expect-error TS2322: QEMU 10.0 reads a bool property as JSON only ("on" is refused)
  await qmp.commands.deviceAdd({ driver: 'virtio-net-pci', mrg_rxbuf: 'on' });
  // @ts-expect-error TS2322: QEMU 10.0 reads an integer property as JSON only
  await qmp.commands.deviceAdd({ driver: 'virtio-net-pci', host_mtu: '1400' });
  // @ts-expect-error TS2322: OnOffAuto takes its values only
  await qmp.commands.deviceAdd({ driver: 'virtio-blk-pci', 'write-cache': 'maybe' });
  // @ts-expect-error TS2322: a driver the import did not see is not typed (executeUntyped / validateArguments: false)
  await qmp.commands.deviceAdd({ driver: 'no-such-device' });
  // @ts-expect-error TS2353: child<…> properties are not writable and are not offered
  await qmp.commands.deviceAdd({ driver: 'virtio-net-pci', 'virtio-backend': 'x' });
}

export async function deviceAdd72(qmp: Client72): Promise<void> {
  await qmp.commands.deviceAdd({ driver: 'virtio-blk-pci', id: 'vblk0', bus: 'rp1', drive: 'disk0' });
  await qmp.execute('device_add', { driver: 'virtio-net-pci', id: 'net0', bus: 'rp2', netdev: 'hostnet0', mac: '52:54:00:12:34:56' });
  // QEMU 7.2 reads values QemuOpts style: strings for booleans and integers are accepted
  await qmp.commands.deviceAdd({ driver: 'virtio-net-pci', mrg_rxbuf: 'on', host_mtu: '1400', failover: true });
  // @ts-expect-error TS2561: 'drvie' is not a property of virtio-blk-pci
  await qmp.commands.deviceAdd({ driver: 'virtio-blk-pci', drvie: 'disk0' });
  // @ts-expect-error TS2322: objects are dropped silently by QEMU 7.2's device_add: refused
  await qmp.commands.deviceAdd({ driver: 'virtio-net-pci', mac: {} });
  // @ts-expect-error TS2322: "auto" is not a bool string
  await qmp.commands.deviceAdd({ driver: 'virtio-net-pci', mrg_rxbuf: 'auto' });
}

/** Narrowing on `driver` gives that model's properties. */
export function narrow(a: Args100 | Args72): string | undefined {
  if (a.driver === 'virtio-blk-pci') return typeof a.drive === 'string' ? a.drive : undefined;
  return a.id;
}
