/**
 * `executeUntyped(name, args?, options?)` on real QEMU: any command as is (one the target does not
 * know, arguments the target would refuse), with execute's ids, errors, aborts and timeouts; the
 * validation error of `execute` for an unknown command names it.
 */
import { describe, expect, it } from 'vitest';
import { findQemu } from '../../scripts/qemus.js';
import {
  isQmpAbortError,
  isQmpCommandError,
  isQmpConnectionError,
  isQmpUsageError,
  isQmpValidationError,
  launchQemu,
  type QmpCommandError,
} from '../../runtime/index.js';
import { QmpClient as Qemu72Client } from '../../generated/qemu-7.2-x86_64/index.js';
import { QEMU_ARGS, launch } from './helpers/qemu.js';

describe('executeUntyped on real QEMU', () => {
  it('the 7.2 target on QEMU 10.0: a command only 10.0 has goes through executeUntyped; execute refuses it naming executeUntyped', async () => {
    const q = findQemu('10.0');
    const sent: unknown[] = [];
    const vm = await launchQemu({
      binary: q.binary,
      env: q.env,
      args: [...QEMU_ARGS, '-audiodev', 'none,id=snd0'],
      client: Qemu72Client,
      qmp: { versionMismatch: 'ignore', validateReturns: true, trace: (dir, m) => void (dir === 'out' && sent.push(m)) },
    });
    try {
      const before = sent.length;
      // @ts-expect-error TS2345: query-audiodevs is not a command of the 7.2 target
      const refused = await vm.qmp.execute('query-audiodevs').catch((e: unknown) => e);
      expect(isQmpValidationError(refused), String(refused)).toBe(true);
      expect((refused as Error).message).toContain('unknown command "query-audiodevs" in target qemu-7.2-x86_64');
      expect((refused as Error).message).toContain('qmp.executeUntyped("query-audiodevs", args)');
      expect(sent.length).toBe(before); // nothing sent

      const devs = await vm.qmp.executeUntyped('query-audiodevs');
      expect(devs).toEqual([expect.objectContaining({ id: 'snd0', driver: 'none' })]);
      // Replies are not validated: query-status of 10.0 fails the 7.2 schema through execute only.
      expect(await vm.qmp.execute('query-status').catch((e: unknown) => e)).toSatisfy(isQmpValidationError);
      expect(await vm.qmp.executeUntyped('query-status')).toMatchObject({ status: 'prelaunch', running: false });
      // Same ids as execute: one counter, each id once.
      const ids = sent.map((m) => (m as { id: unknown }).id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(sent.at(-1)).toEqual({ execute: 'query-status', id: ids.at(-1) });
    } finally {
      await vm.close();
    }
  });

  it('arguments go as given (no validation); errors, aborts, timeouts and bad options as with execute', async () => {
    const vm = await launch('10.0');
    try {
      // The typed target would refuse the unknown member before sending; QEMU refuses it itself.
      const qemuRefusal = await vm.qmp.executeUntyped('query-cpus-fast', { bogus: 1 }).catch((e: unknown) => e);
      expect(isQmpCommandError(qemuRefusal), String(qemuRefusal)).toBe(true);
      expect((qemuRefusal as QmpCommandError).desc).toMatch(/bogus/);
      const notFound = await vm.qmp.executeUntyped('x-no-such-command').catch((e: unknown) => e);
      expect((notFound as QmpCommandError).errorClass).toBe('CommandNotFound');

      const aborted = new AbortController();
      aborted.abort(new Error('stop it'));
      expect(await vm.qmp.executeUntyped('query-status', undefined, { signal: aborted.signal }).catch((e: unknown) => e)).toSatisfy(isQmpAbortError);
      // The same timeout checks and timer as execute (a real timeout needs a command QEMU holds: none is reliable here).
      expect(((await vm.qmp.executeUntyped('query-status', undefined, { timeoutMs: -1 }).catch((e: unknown) => e)) as Error).message).toMatch(/query-status: timeoutMs must be/);
      expect(await vm.qmp.executeUntyped('query-status', undefined, { timeoutMs: 60_000 })).toMatchObject({ running: false });
      const usage = await vm.qmp.executeUntyped('query-status', undefined, { timeout: 5 } as never).catch((e: unknown) => e);
      expect(isQmpUsageError(usage)).toBe(true);
      expect((usage as Error).message).toMatch(/unknown option 'timeout' \(did you mean timeoutMs\?\)/);
      expect(await vm.qmp.executeUntyped('query-status', [1] as never).catch((e: unknown) => e)).toSatisfy(isQmpUsageError);
      expect(await vm.qmp.executeUntyped('query-status')).toMatchObject({ running: false });
      await vm.close();
      expect(await vm.qmp.executeUntyped('query-status').catch((e: unknown) => e)).toSatisfy(isQmpConnectionError);
    } finally {
      await vm.close();
    }
  });
});
