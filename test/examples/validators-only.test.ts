/** The README's third use, as a runnable example: `examples/validators-only.ts` prints what it found. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { projectRoot as root } from '../../scripts/qemus.js';

it('examples/validators-only.ts checks a captured conversation and names every problem by path', () => {
  const cache = mkdtempSync(join(tmpdir(), 'tsx-cache-')); // tsx keeps a compile cache in TMPDIR
  let out: string;
  try {
    out = execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'examples/validators-only.ts')], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: cache },
    });
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
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
