/**
 * The guest agent client against hostile conditions on real peers: stale bytes a raw client left in
 * the real agent's parser; a VM's guest agent channel with no agent behind it (a real QEMU); the
 * real agent stopped and killed with a command in flight, then restarted on the same socket path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findQemu, qemuVersions } from '../../scripts/qemus.js';
import { startQemuGa } from '../support/qemu-ga.js';
import { RawSocket } from '../support/raw-socket.js';
import { QgaClient } from '../../generated/qga-10.0/index.js';
import { isQmpConnectionError, launchQemu } from '../../runtime/index.js';
import { isQgaNoAgentError } from '../../runtime/qga/index.js';

describe.each(qemuVersions)('qemu-ga %s, hostile', (version) => {
  it('stale bytes before connect: a raw client leaves half a request in the agent; the client still connects and works', async () => {
    const ga = await startQemuGa({ version });
    try {
      const raw = await RawSocket.open(ga.path);
      await raw.write('{"execute": "guest-ping", "arguments": {"x": "half a str');
      await raw.close();
      const qga = await QgaClient.connect({ path: ga.path, validateReturns: true });
      try {
        expect(await qga.commands.guestPing()).toEqual({});
        expect(typeof (await qga.commands.guestGetTime())).toBe('bigint');
        expect(qga.stats).toMatchObject({ syncs: 1, resyncs: 0, protocolErrors: 0 });
      } finally {
        await qga.close();
      }
    } finally {
      await ga.stop();
    }
  });

  it('the agent stopped and killed with calls in flight: they fail typed; the agent restarted on the same path; a new connect works', async () => {
    const ga = await startQemuGa({ version });
    let again: Awaited<ReturnType<typeof startQemuGa>> | undefined;
    try {
      const qga = await QgaClient.connect({ path: ga.path, validateReturns: true });
      expect(await qga.commands.guestPing()).toEqual({});
      await ga.kill('SIGSTOP');
      const inFlight = [qga.commands.guestPing(), qga.commands.guestGetTime()].map((p) => p.then(() => 'answered', (x: unknown) => x));
      await ga.kill('SIGKILL');
      // the kernel reports the kill as an end of stream or a reset, depending on what was unread
      for (const e of await Promise.all(inFlight)) {
        expect(isQmpConnectionError(e)).toBe(true);
        expect(['peer-closed', 'lost']).toContain((e as { reason: string }).reason);
      }
      expect(['peer-closed', 'lost']).toContain((await qga.closed).reason);
      const { dir, path } = ga;
      await ga.stop();
      again = await startQemuGa({ version, dir });
      expect(again.path).toBe(path);
      const fresh = await QgaClient.connect({ path, validateReturns: true });
      expect(await fresh.commands.guestPing()).toEqual({});
      await fresh.close();
    } finally {
      await ga.stop();
      await again?.stop();
    }
  });
});

describe('a VM guest agent channel with no agent in the guest', () => {
  it('real QEMU 10.0 with an org.qemu.guest_agent.0 port: connect rejects with QgaNoAgentError within syncTimeoutMs', async () => {
    const q = findQemu('10.0');
    const dir = mkdtempSync(join(tmpdir(), 'qmp-sdk-qga-vm-'));
    const path = join(dir, 'qga.sock');
    const vm = await launchQemu({
      binary: q.binary,
      env: q.env,
      args: ['-machine', 'pc', '-nodefaults', '-display', 'none', '-S',
        '-chardev', `socket,path=${path},server=on,wait=off,id=qga0`,
        '-device', 'virtio-serial', '-device', 'virtserialport,chardev=qga0,name=org.qemu.guest_agent.0'],
    });
    try {
      const e = await QgaClient.connect({ path, syncTimeoutMs: 300 }).catch((x: unknown) => x);
      expect(isQgaNoAgentError(e)).toBe(true);
      expect((e as Error).message).toBe(`no guest agent answered on unix:${path} within 300 ms (connecting)`);
      // the chardev accepts again at once: nothing of the failed client is left behind
      const e2 = await QgaClient.connect({ path, syncTimeoutMs: 100 }).catch((x: unknown) => x);
      expect(isQgaNoAgentError(e2)).toBe(true);
    } finally {
      await vm.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
