/**
 * README example: testing your own code with `qmp-sdk/testing`, no QEMU needed.
 *
 * `unplugDisk` is "user code": it hot-unplugs a disk device, waits until the guest released it,
 * then deletes its block node. The test stubs the commands it needs with the schema-driven test
 * server (arguments, returns and events are checked against the qemu-10.0-x86_64 schema) and
 * asserts on the commands the code sent.
 */
import { describe, expect, it } from 'vitest';
// In an application: from 'qmp-sdk/qemu-10.0-x86_64' and 'qmp-sdk/testing'.
import { QmpClient, isQmpCommandError, target, type QmpCommandMap } from '../../generated/qemu-10.0-x86_64/index.js';
import { QmpServerError, createQmpServer } from '../../testing/index.js';

// ---- the code under test ---------------------------------------------------------------------

/** Unplugs device `id` and deletes its block node `<id>-node`. */
export async function unplugDisk(qmp: QmpClient, id: string): Promise<void> {
  const deleted = qmp.waitForEvent('DEVICE_DELETED', { filter: (e) => e.data.device === id, timeoutMs: 5000 });
  try {
    await qmp.commands.deviceDel({ id });
  } catch (e) {
    if (isQmpCommandError(e) && e.errorClass === 'DeviceNotFound') throw new Error(`no disk named ${id}`);
    throw e;
  }
  await deleted;
  await qmp.commands.blockdevDel({ 'node-name': `${id}-node` });
}

// ---- its tests --------------------------------------------------------------------------------

function fakeQemu() {
  return createQmpServer<QmpCommandMap>({
    target,
    handlers: {
      device_del: ({ id }, ctx) => {
        if (id !== 'disk1') throw new QmpServerError('DeviceNotFound', `Device '${id}' not found`);
        // the guest releases the device a moment later, as with real QEMU
        setTimeout(() => ctx.emitEvent('DEVICE_DELETED', { device: id, path: `/machine/peripheral/${id}` }), 5);
        return {};
      },
      'blockdev-del': () => ({}),
    },
  });
}

describe('unplugDisk', () => {
  it('deletes the device, waits for the guest, then deletes the block node', async () => {
    const server = fakeQemu();
    const qmp = await QmpClient.connect({ stream: server.connectStream() });

    await unplugDisk(qmp, 'disk1');

    expect(server.received.map((c) => [c.name, c.arguments])).toEqual([
      ['qmp_capabilities', undefined],
      ['device_del', { id: 'disk1' }],
      ['blockdev-del', { 'node-name': 'disk1-node' }],
    ]);
    await qmp.close();
    await server.close(); // throws if a handler returned something the schema does not allow
  });

  it('reports an unknown disk and sends nothing more', async () => {
    const server = fakeQemu();
    const qmp = await QmpClient.connect({ stream: server.connectStream() });

    await expect(unplugDisk(qmp, 'nope')).rejects.toThrow('no disk named nope');

    expect(server.received.map((c) => c.name)).toEqual(['qmp_capabilities', 'device_del']);
    await qmp.close();
    await server.close();
  });
});
