/**
 * A q35 machine for hot-plug tests (issue 18): pcie-root-ports `rp1`…`rp8`, a virtio-scsi
 * controller, an xhci USB controller, a virtio-serial bus, a pcie-pci-bridge, a null chardev, two
 * qcow2 images made by `qemu-img` in a temporary folder (block nodes `disk0`, `disk1` added with
 * `blockdev-add` by {@link attachBackends}) and a `user` netdev `hostnet0`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `qemu-img` of Debian's qemu-utils (the same for both QEMUs: it only writes image files). */
export const qemuImg = '/usr/bin/qemu-img';

/** QEMU arguments of the machine (after the launcher's own `-qmp`). */
export const hotplugMachineArgs: readonly string[] = [
  '-machine', 'q35', '-nodefaults', '-display', 'none', '-S',
  ...[1, 2, 3, 4, 5, 6, 7, 8].flatMap((i) => ['-device', `pcie-root-port,id=rp${i},chassis=${i}`]),
  '-device', 'virtio-scsi-pci,id=scsi0,bus=rp4',
  '-device', 'qemu-xhci,id=xhci,bus=rp5',
  '-device', 'virtio-serial-pci,id=vser0,bus=rp6',
  '-device', 'pcie-pci-bridge,id=br0,bus=rp3',
  '-chardev', 'null,id=ch0',
];

/** A fresh temporary folder holding `disk0.qcow2` and `disk1.qcow2` (16 MiB each); the caller removes it. */
export function makeImages(): string {
  if (!existsSync(qemuImg)) throw new Error(`${qemuImg} not found: install it with apt-get install qemu-utils (see README.md)`);
  const dir = mkdtempSync(join(tmpdir(), 'qmp-hotplug-'));
  for (const n of ['disk0', 'disk1']) execFileSync(qemuImg, ['create', '-q', '-f', 'qcow2', join(dir, `${n}.qcow2`), '16M']);
  return dir;
}

/** The arguments of `blockdev-add` for node `name` on `<dir>/<name>.qcow2`, and of `netdev_add` for `hostnet0`. */
export function backendArgs(dir: string): { disks: Array<{ driver: 'qcow2'; 'node-name': string; file: { driver: 'file'; filename: string } }>; netdev: { type: 'user'; id: string } } {
  return {
    disks: ['disk0', 'disk1'].map((n) => ({ driver: 'qcow2' as const, 'node-name': n, file: { driver: 'file' as const, filename: join(dir, `${n}.qcow2`) } })),
    netdev: { type: 'user', id: 'hostnet0' },
  };
}
