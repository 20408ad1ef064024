/**
 * The generated clients against the real QEMUs, with every check on: arguments, every reply and
 * every event are validated by the generated validators. Every argument-less query command is
 * called; any reply a validator rejects fails the test.
 */
import { describe, expect, it } from 'vitest';
import { findQemu, type QemuVersion } from '../../scripts/qemus.js';
import * as q10 from '../../generated/qemu-10.0-x86_64/index.js';
import * as q72 from '../../generated/qemu-7.2-x86_64/index.js';

const targets = { '10.0': q10, '7.2': q72 } as const;

describe.each(['10.0', '7.2'] as QemuVersion[])('generated client for QEMU %s', (version) => {
  it('every argument-less query passes the reply validators; events validate; bad arguments are refused before sending', async () => {
    const qemu = findQemu(version);
    const t = targets[version];
    const launched = await t.launchQemu({
      binary: qemu.binary,
      env: qemu.env,
      args: ['-machine', 'pc,accel=tcg', '-nodefaults', '-display', 'none', '-S'],
      qmp: { validateArguments: true, validateReturns: true, validateEvents: true },
    });
    const problems: string[] = [];
    // both targets' clients have the same methods for what this test calls; type it as the 10.0 one
    const qmp = launched.qmp as unknown as q10.QmpClient;
    qmp.onError((err, source) => problems.push(`${source}: ${String(err)}`));
    try {
      let called = 0;
      for (const [wire, info] of Object.entries(t.commandInfo)) {
        if (!info.noArguments || !wire.startsWith('query-')) continue;
        called++;
        try {
          await (qmp.execute as (n: string) => Promise<unknown>)(wire);
        } catch (err) {
          if (t.isQmpValidationError(err)) problems.push(`${wire}: ${err.message}`);
          else if (!t.isQmpCommandError(err)) throw err;
        }
      }
      expect(called).toBeGreaterThan(40);
      const resumed = qmp.waitForEvent('RESUME', { timeoutMs: 5000 });
      await qmp.commands.cont();
      await resumed;
      const stopped = qmp.waitForEvent('STOP', { timeoutMs: 5000 });
      await qmp.commands.stop();
      await stopped;
      // typed, validated arguments: nothing is sent for a bad call
      const bad = await (qmp.execute as (n: string, a: unknown) => Promise<unknown>)('human-monitor-command', { 'command-line': 1 }).catch((e: unknown) => e);
      expect(t.isQmpValidationError(bad)).toBe(true);
      expect((bad as { path: string }).path).toBe('/arguments/command-line');
      const hmp = await qmp.commands.humanMonitorCommand({ 'command-line': 'info status' });
      expect(hmp).toMatch(/paused/);
    } finally {
      await launched.close();
    }
    expect(problems).toEqual([]);
  });
});
