/**
 * One convention for events without data: QEMU sends no `data` member; the client delivers the event
 * as received (`data` absent, so `undefined`), the validators accept it and give `value: undefined`,
 * the event map types it `undefined`, and the test server sends none.
 */
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../generated/qemu-10.0-x86_64/validators.js';
import { QmpClient, target } from '../../generated/qemu-10.0-x86_64/index.js';
import { createQmpServer } from '../../testing/index.js';
import { launch } from './helpers/qemu.js';

describe('events without data', () => {
  it('real QEMU 10.0 and 7.2: STOP and RESUME arrive without a data member and pass event validation', async () => {
    for (const version of ['10.0', '7.2'] as const) {
      const vm = await launch(version); // validateEvents on
      try {
        const errors: unknown[] = [];
        vm.qmp.onError((e) => errors.push(e));
        const raw: unknown[] = [];
        const seen = vm.qmp.events({ names: ['RESUME', 'STOP'] });
        const resumed = vm.qmp.waitForEvent('RESUME');
        await vm.qmp.execute('cont');
        const ev = await resumed;
        expect('data' in ev, version).toBe(false);
        expect(ev.data).toBeUndefined();
        await vm.qmp.execute('stop');
        for await (const e of seen) {
          raw.push(e);
          if (e.event === 'STOP') break;
        }
        expect(raw.map((e) => Object.keys(e as object).sort())).toEqual([['event', 'timestamp'], ['event', 'timestamp']]);
        expect(errors).toEqual([]);
      } finally {
        await vm.close();
      }
    }
  });

  it('validators: no data gives value undefined; data is still checked against the schema', () => {
    expect(validateEvent('STOP', undefined)).toEqual({ ok: true, value: undefined });
    // a newer QEMU may add members: compatible
    expect(validateEvent('STOP', { extra: 1 })).toEqual({ ok: true, value: { extra: 1 } });
    const missing = validateEvent('SHUTDOWN', undefined);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.errors[0]).toEqual({ path: '/data/guest', message: 'is required' });
  });

  it('the test server sends none either, and the typed client delivers it the same way', async () => {
    const server = createQmpServer({ target });
    const qmp = await QmpClient.connect({ stream: server.connectStream(), validateEvents: true });
    try {
      const wait = qmp.waitForEvent('STOP');
      await server.emitEvent('STOP');
      const ev = await wait;
      expect('data' in ev).toBe(false);
      const none: undefined = ev.data;
      expect(none).toBeUndefined();
      expect(qmp.stats.invalidEvents).toBe(0);
    } finally {
      await qmp.close();
      await server.close();
    }
  });
});
