/**
 * Conformance with real QEMU 7.2 and 10.0: the same raw inputs go to a live QEMU (on a second QMP
 * monitor) and to the test server bound to the generated target of that version; the replies must
 * be identical after parsing (ids, classes, descs; only member order differs). The same for a set
 * of real device_add hot-plug calls on a q35 machine (below).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { target as target100 } from '../../generated/qemu-10.0-x86_64/target.js';
import { target as target72 } from '../../generated/qemu-7.2-x86_64/target.js';
import { launchQemu, type LaunchedQemu } from '../../runtime/index.js';
import { createQmpServer } from '../../testing/index.js';
import { findQemu, type QemuVersion } from '../../scripts/qemus.js';
import { RawClient } from './helpers/raw-client.js';
import { backendArgs, hotplugMachineArgs, makeImages } from '../support/hotplug-machine.js';

const inputs: (string | Buffer)[] = [
  '{"execute":"query-status","id":1}\n',
  '{"execute":"query-status","arguments":{"a":1},"id":2}\n',
  '{"execute":"qmp_capabilities","arguments":{"enable":["foo"]},"id":3}\n',
  '{"execute":"qmp_capabilities","arguments":{"bogus":1},"id":4}\n',
  '{"execute":"qmp_capabilities","id":{"a":[1,2]},"x":1}\n',
  '{"exec-oob":"qmp_capabilities","id":5}\n',
  '{"execute":"qmp_capabilities","arguments":{"enable":"oob"},"id":6}\n',
  '{"execute":"qmp_capabilities","id":[1]}\n',
  '{"execute":"qmp_capabilities","id":7}\n',
  '{"execute":"nope","id":8}\n',
  '{"execute":"query-status","x":1,"id":9}\n',
  '{"execute":"query-status","arguments":{"a":1},"id":10}\n',
  '{"execute":"query-status","arguments":[1],"id":11}\n',
  '{"execute":"query-status","arguments":null,"id":12}\n',
  '{"execute":1,"id":13}\n',
  '{"id":14}\n',
  '[1,2]\n',
  '"str"\n',
  '123\n',
  '{bad json}\n',
  ']\n',
  Buffer.from([0xff, 0xfe, 0x0a]),
  '{"exec-oob":"query-status","id":15}\n',
  '{"execute":"query-status","exec-oob":"query-status","id":16}\n',
  '{"execute":"human-monitor-command","arguments":{},"id":17}\n',
  '{"execute":"human-monitor-command","arguments":{"command-line":5},"id":18}\n',
  '{"execute":"device_del","arguments":{"id":"x","extra":1},"id":19}\n',
  '{"execute":"device_del","arguments":{"id":{}},"id":20}\n',
  '{"execute":"blockdev-add","arguments":{"driver":"nope","node-name":"a"},"id":21}\n',
  '{"execute":"blockdev-add","arguments":{"driver":"file","node-name":"a"},"id":22}\n',
  '{"execute":"blockdev-add","arguments":{"driver":"qcow2","node-name":"a","file":{"driver":"file"}},"id":23}\n',
  '{"execute":"set_link","arguments":{"name":"a","up":1},"id":24}\n',
  '{"execute":"balloon","arguments":{"value":"x"},"id":25}\n',
  '{"execute":"screendump","arguments":{"filename":"x","device":null},"id":26}\n',
  '{"execute":"migrate_set_speed","id":27}\n',
  '{"execute":"query-status","id":null}\n',
  '{"execute":"query-status","id":1.5}\n',
  '{"execute":"query-status","id":"\u00e9"}\n',
  '{"execute":"query-status"}{"execute":"query-status","id":28}',
  '{"execute":"query-status","id":29}\n',
];

async function play(client: RawClient): Promise<unknown[]> {
  await client.waitFor(1); // greeting
  for (const input of inputs) {
    // two messages in one write get two replies; each stray non-ASCII byte gets its own error
    const replies = typeof input === 'string' ? (input.includes('}{') ? 2 : 1) : input.filter((b) => b >= 0x80).length;
    const expected = client.messages.length + replies;
    client.stream.write(input);
    await client.waitFor(expected);
  }
  return client.messages.slice(1);
}

const versions = [
  { version: '7.2' as QemuVersion, target: target72, status: { status: 'running', singlestep: false, running: true } },
  { version: '10.0' as QemuVersion, target: target100, status: { status: 'running', running: true } },
];

describe.each(versions)('the test server answers like QEMU $version', ({ version, target, status }) => {
  let dir: string;
  let vm: LaunchedQemu<unknown> | undefined;
  let real: unknown[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmp-conformance-'));
    const qemu = findQemu(version);
    const rawPath = join(dir, 'raw.sock');
    vm = await launchQemu({
      binary: qemu.binary,
      env: qemu.env,
      args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-qmp', `unix:${rawPath},server=on,wait=off`],
    });
    const raw = await RawClient.connect({ path: rawPath });
    try {
      real = await play(raw);
    } finally {
      raw.close();
    }
  });

  afterAll(async () => {
    await vm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every reply to the same inputs is identical', async () => {
    const server = createQmpServer({ target, handlers: { 'query-status': () => status } });
    const ours = await play(new RawClient(server.connectStream()));
    // member order differs (QEMU's dictionaries are hashed); everything else must be equal
    expect(ours).toEqual(real);
    await server.close();
  });
});

/**
 * device_add (issue 18): real hot-plug calls on a q35 machine (root ports, a SCSI controller, xhci,
 * virtio-serial, a pcie-pci-bridge, qcow2 nodes from blockdev-add, a user netdev) go to the live
 * QEMU and to the test server (whose device_add handler only answers `{}`: what the server decides
 * itself is which calls to refuse and in which words). Only refusals decided by the arguments are
 * listed (driver, property names, value types and ranges), not by the machine's state.
 */
const deviceInputs: Record<string, unknown>[] = [
  { execute: 'qmp_capabilities' },
  // accepted by both QEMUs
  { execute: 'device_add', arguments: { driver: 'virtio-blk-pci', id: 'vblk0', bus: 'rp1', drive: 'disk0' } },
  { execute: 'device_add', arguments: { driver: 'virtio-net-pci', id: 'net0', bus: 'rp2', netdev: 'hostnet0', mac: '52:54:00:12:34:56' } },
  { execute: 'device_add', arguments: { driver: 'scsi-hd', id: 'sd0', bus: 'scsi0.0', drive: 'disk1' } },
  { execute: 'device_add', arguments: { driver: 'e1000', id: 'e0', bus: 'rp7', mac: '52:54:00:12:34:57' } },
  { execute: 'device_add', arguments: { driver: 'usb-tablet', id: 'tab0', bus: 'xhci.0' } },
  { execute: 'device_add', arguments: { driver: 'pcie-root-port', id: 'rpx', bus: 'rp8', chassis: 20 } },
  { execute: 'device_add', arguments: { driver: 'virtserialport', id: 'vsp0', bus: 'vser0.0', chardev: 'ch0', name: 'org.qmp-sdk.test.0' } },
  // refused by both: unknown model, missing driver, unknown property, out of range, not an enum value
  { execute: 'device_add', arguments: { driver: 'no-such-device', id: 'x1' } },
  { execute: 'device_add', arguments: { id: 'x2' } },
  { execute: 'device_add', arguments: { driver: 'usb-tablet', id: 'x3', bus: 'xhci.0', drvie: 'disk0' } },
  { execute: 'device_add', arguments: { driver: 'usb-tablet', id: 'x4', bus: 'xhci.0', head: -1 } },
  { execute: 'device_add', arguments: { driver: 'scsi-hd', id: 'x5', bus: 'scsi0.0', drive: 'disk1', rotation_rate: 70000 } },
  { execute: 'device_add', arguments: { driver: 'scsi-hd', id: 'x6', bus: 'scsi0.0', drive: 'disk1', 'write-cache': 'maybe' } },
  // the two front ends differ: 10.0 reads JSON types as sent, 7.2 reads strings QemuOpts style
  { execute: 'device_add', arguments: { driver: 'usb-tablet', id: 'x7', bus: 'xhci.0', 'msos-desc': 'on' } },
  { execute: 'device_add', arguments: { driver: 'usb-tablet', id: 'x8', bus: 'xhci.0', 'msos-desc': 'auto' } },
  { execute: 'device_add', arguments: { driver: 'usb-tablet', id: 'x9', bus: 'xhci.0', usb_version: 'x' } },
  { execute: 'device_add', arguments: { driver: 'usb-tablet', id: 'x10', bus: 'xhci.0', serial: 5 } },
  { execute: 'device_add', arguments: { driver: 'usb-tablet', id: 'x11', bus: 'xhci.0', head: '1' } },
];

async function playDevices(client: RawClient): Promise<unknown[]> {
  await client.waitFor(1); // greeting
  for (const [i, input] of deviceInputs.entries()) {
    const expected = client.messages.length + 1;
    client.stream.write(`${JSON.stringify({ ...input, id: i })}\n`);
    await client.waitFor(expected);
  }
  return client.messages.slice(1);
}

describe.each(versions)('the test server answers device_add like QEMU $version', ({ version, target }) => {
  let dir: string;
  let images: string;
  let vm: LaunchedQemu<unknown> | undefined;
  let real: unknown[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qmp-conformance-'));
    images = makeImages();
    const qemu = findQemu(version);
    const rawPath = join(dir, 'raw.sock');
    const launched = await launchQemu({ binary: qemu.binary, env: qemu.env, args: [...hotplugMachineArgs, '-qmp', `unix:${rawPath},server=on,wait=off`] });
    vm = launched;
    const b = backendArgs(images);
    for (const d of b.disks) await launched.qmp.execute('blockdev-add', d);
    await launched.qmp.execute('netdev_add', b.netdev);
    const raw = await RawClient.connect({ path: rawPath });
    try {
      real = await playDevices(raw);
    } finally {
      raw.close();
    }
  });

  afterAll(async () => {
    await vm?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(images, { recursive: true, force: true });
  });

  it('every reply to the same device_add calls is identical', async () => {
    const server = createQmpServer({ target, handlers: { device_add: () => ({}) } });
    const ours = await playDevices(new RawClient(server.connectStream()));
    expect(ours).toEqual(real);
    // the calls really exercised both outcomes
    expect(real.filter((r) => 'return' in (r as object)).length).toBeGreaterThanOrEqual(8);
    expect(real.filter((r) => 'error' in (r as object)).length).toBeGreaterThanOrEqual(6);
    await server.close();
  });
});
