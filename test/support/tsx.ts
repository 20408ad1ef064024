/** Runs a TypeScript entry point of the project in a child Node through tsx, as a user would from a shell. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot as root } from '../../scripts/qemus.js';

export interface TsxResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `tsx <file> ...args`; tsx's compile cache goes to a private folder, removed afterwards. */
export function runTsx(file: string, args: readonly string[] = []): TsxResult {
  const cache = mkdtempSync(join(tmpdir(), 'tsx-cache-'));
  try {
    const r = spawnSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, file), ...args], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: cache },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
