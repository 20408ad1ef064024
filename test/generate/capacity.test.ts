/**
 * Issue 10 item 10: import and generation do not recurse per schema entry. Each case runs in a
 * child Node with a small stack (`--stack-size`), at a size where the code before this change
 * overflowed it (measured: a chain of 300 nested types failed the import's Ajv check at 150 KB; 500
 * commands failed Ajv's standalone emitter at 100 KB), while it runs in seconds. The capacity
 * figures for large introspections are in `bench/capacity.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/qemus.js';

function runChild(stackKb: number, shape: 'wide' | 'chain', n: number): { status: number | null; out: string; err: string } {
  const cache = mkdtempSync(join(tmpdir(), 'tsx-cache-'));
  try {
    const r = spawnSync(process.execPath, [`--stack-size=${stackKb}`, '--import', 'tsx', 'test/generate/helpers/capacity-child.ts', shape, String(n)], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: cache },
    });
    return { status: r.status, out: r.stdout, err: r.stderr };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

describe('capacity: no recursion per schema entry', () => {
  it('a chain of 1,000 nested object types imports and generates on a 150 KB stack', { timeout: 120_000 }, () => {
    const r = runChild(150, 'chain', 1000);
    expect(r.err).not.toMatch(/Maximum call stack/);
    expect(r.status, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ types: 999, commands: 1 });
  });

  it('500 commands (1,500 entries) import and generate on a 100 KB stack', { timeout: 120_000 }, () => {
    const r = runChild(100, 'wide', 500);
    expect(r.err).not.toMatch(/Maximum call stack/);
    expect(r.status, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ types: 501, commands: 500 });
  });
});
