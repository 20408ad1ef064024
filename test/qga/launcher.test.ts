/** test/support/qemu-ga.ts: the agent launcher leaves nothing behind and reports the agent's end. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startQemuGa } from '../support/qemu-ga.js';
import { RawSocket } from '../support/raw-socket.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startQemuGa', () => {
  it('starts an agent that answers on its socket; stop() ends it and removes its folder (idempotent)', async () => {
    const ga = await startQemuGa({ version: '7.2', alsoBlock: ['guest-get-osinfo'] });
    try {
      expect(ga.blocked).toContain('guest-shutdown');
      expect(ga.blocked).toContain('guest-get-osinfo');
      const s = await RawSocket.open(ga.path);
      try {
        await s.write('{"execute":"guest-get-osinfo","id":1}');
        expect(await s.lines(1)).toEqual(['{"id": 1, "error": {"class": "CommandNotFound", "desc": "Command guest-get-osinfo has been disabled"}}\n']);
      } finally {
        await s.close();
      }
      expect(alive(ga.pid)).toBe(true);
    } finally {
      await ga.stop();
    }
    await ga.stop();
    expect(alive(ga.pid)).toBe(false);
    expect(existsSync(ga.dir)).toBe(false);
  });

  it('kill(SIGKILL) ends the agent at once (a client sees the connection end); stop() then only cleans up', async () => {
    const ga = await startQemuGa({ version: '10.0' });
    try {
      const s = await RawSocket.open(ga.path);
      await ga.kill('SIGKILL');
      expect(await ga.exited).toEqual({ code: null, signal: 'SIGKILL' });
      // the kernel ends the connection: a close, or a reset when the agent died with bytes unread
      await expect(s.until(() => false)).rejects.toThrow(/closed|ECONNRESET/);
    } finally {
      await ga.stop();
    }
    expect(existsSync(ga.dir)).toBe(false);
  });
});
