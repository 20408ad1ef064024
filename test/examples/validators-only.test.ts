/** The README's third use, as a runnable example: `examples/validators-only.ts` prints what it found. */
import { expect, it } from 'vitest';
import { runTsx } from '../support/tsx.js';

it('examples/validators-only.ts checks a captured conversation and names every problem by path', () => {
  const r = runTsx('examples/validators-only.ts');
  expect(r.status, r.stderr).toBe(0);
  const out = r.stdout;
  expect(out.trim().split('\n')).toEqual([
    'ok       -> qmp_capabilities',
    'ok       <- reply to qmp_capabilities',
    'ok       -> blockdev-add',
    'ok       <- reply to blockdev-add',
    'INVALID  -> blockdev-add: /arguments/file is required',
    'INVALID  -> device_del: /arguments/force is not a known member',
    'ok       -> query-status',
    'ok       <- reply to query-status', // a member a newer QEMU added is accepted
    'ok       <- STOP',
    'INVALID  <- BLOCK_IO_ERROR: /data/qom-path is required',
  ]);
});
