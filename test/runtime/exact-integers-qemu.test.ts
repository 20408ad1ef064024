/**
 * Lossless integers against real QEMU 7.2 and 10.0 (issue 13), both directions, every check on
 * (arguments, returns, events validated against the version's own schema):
 * - QEMU → client: `device-list-properties` defaults of 2^64 − 1 and 2^63 − 1;
 * - client → QEMU → client: a QOM property above 2^53 set by `object-add` and `qom-set`, read by
 *   `qom-get`; a block node's size and write threshold above 2^53, read by `query-named-block-nodes`;
 *   `block_resize` of a file node on tmpfs (/dev/shm: sparse files up to 2^63 − 1 bytes) to 2^60 + 4096.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launch } from './helpers/qemu.js';

const U64_MAX = 2n ** 64n - 1n;
const I64_MAX = 2n ** 63n - 1n;

type Property = { name: string; 'default-value'?: unknown };

describe.each(['7.2', '10.0'] as const)('real QEMU %s: integers beyond 2^53 arrive and leave exact', (version) => {
  it('device-list-properties: pci-bridge *-reserve defaults are 2^64 − 1 and virtio-rng-device max-bytes is 2^63 − 1, as bigints', async () => {
    const vm = await launch(version);
    try {
      const bridge = (await vm.qmp.execute('device-list-properties', { typename: 'pci-bridge' })) as Property[];
      const reserves = Object.fromEntries(bridge.filter((p) => p.name.endsWith('-reserve') && p.name !== 'bus-reserve').map((p) => [p.name, p['default-value']]));
      expect(reserves).toEqual({ 'mem-reserve': U64_MAX, 'io-reserve': U64_MAX, 'pref32-reserve': U64_MAX, 'pref64-reserve': U64_MAX });
      // within 2^53 stays a number
      expect(bridge.find((p) => p.name === 'bus-reserve')?.['default-value']).toBe(4294967295);
      const rng = (await vm.qmp.execute('device-list-properties', { typename: 'virtio-rng-device' })) as Property[];
      expect(rng.find((p) => p.name === 'max-bytes')?.['default-value']).toBe(I64_MAX);
    } finally {
      await vm.close();
    }
  });

  it('object-add / qom-set of iothread poll-max-ns (int64) above 2^53 as bigint, qom-get reads it back exact', async () => {
    const vm = await launch(version);
    try {
      const first = 2n ** 60n + 1n;
      await vm.qmp.execute('object-add', { 'qom-type': 'iothread', id: 'io0', 'poll-max-ns': first } as never);
      expect(await vm.qmp.execute('qom-get', { path: '/objects/io0', property: 'poll-max-ns' })).toBe(first);
      await vm.qmp.execute('qom-set', { path: '/objects/io0', property: 'poll-max-ns', value: I64_MAX });
      expect(await vm.qmp.execute('qom-get', { path: '/objects/io0', property: 'poll-max-ns' })).toBe(I64_MAX);
      // a number within 2^53 still travels as a number
      await vm.qmp.execute('qom-set', { path: '/objects/io0', property: 'poll-max-ns', value: 32768 });
      expect(await vm.qmp.execute('qom-get', { path: '/objects/io0', property: 'poll-max-ns' })).toBe(32768);
    } finally {
      await vm.close();
    }
  });

  it('a null-co node of 2^60 + 4096 bytes with a write threshold of 2^60 + 1: query-named-block-nodes gives both exact', async () => {
    const vm = await launch(version);
    try {
      const size = 2n ** 60n + 4096n;
      const threshold = 2n ** 60n + 1n;
      await vm.qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'n0', size } as never);
      await vm.qmp.execute('block-set-write-threshold', { 'node-name': 'n0', 'write-threshold': threshold } as never);
      const nodes = (await vm.qmp.execute('query-named-block-nodes', { flat: true })) as Array<{ 'node-name': string; write_threshold: unknown; image: { 'virtual-size': unknown } }>;
      const node = nodes.find((n) => n['node-name'] === 'n0');
      expect(node?.image['virtual-size']).toBe(size);
      expect(node?.write_threshold).toBe(threshold);
      // the client refuses a size beyond 2^64 − 1 before sending (QEMU would say "expected: integer")
      const e = await vm.qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'n1', size: U64_MAX + 1n } as never).catch((x: unknown) => x);
      expect((e as { path?: string }).path).toBe('/arguments/size');
    } finally {
      await vm.close();
    }
  });

  it('block_resize of a file node (sparse, on tmpfs) to 2^60 + 4096 bytes: query-named-block-nodes reads the size back exact', async () => {
    if (!existsSync('/dev/shm')) throw new Error('this test needs a tmpfs at /dev/shm (sparse files up to 2^63 - 1 bytes); mount one: mount -t tmpfs tmpfs /dev/shm');
    const dir = mkdtempSync(join('/dev/shm', 'qmp-resize-'));
    const file = join(dir, 'disk.img');
    let vm: Awaited<ReturnType<typeof launch>> | undefined;
    try {
      writeFileSync(file, '');
      vm = await launch(version);
      const size = 2n ** 60n + 4096n;
      await vm.qmp.execute('blockdev-add', { driver: 'file', 'node-name': 'f0', filename: file });
      await vm.qmp.execute('block_resize', { 'node-name': 'f0', size } as never);
      const nodes = (await vm.qmp.execute('query-named-block-nodes', { flat: true })) as Array<{ 'node-name': string; image: { 'virtual-size': unknown } }>;
      expect(nodes.find((n) => n['node-name'] === 'f0')?.image['virtual-size']).toBe(size);
      expect(BigInt(statSync(file, { bigint: true }).size)).toBe(size);
    } finally {
      await vm?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
