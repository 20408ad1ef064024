/** Helpers of the importer tests: temp folders that are always removed, small introspection fixtures. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fetched } from '../../codegen/import/fetched.js';

/** Runs `fn` with a fresh temp folder, removed afterwards whatever happens. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'qmp-import-test-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file below `dir` with its text (relative names, sorted). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = readFileSync(p, 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

/** The six builtins as QEMU 7.2/10.0 report them. */
export const builtins = [
  { name: 'str', 'json-type': 'string', 'meta-type': 'builtin' },
  { name: 'any', 'json-type': 'value', 'meta-type': 'builtin' },
  { name: 'bool', 'json-type': 'boolean', 'meta-type': 'builtin' },
  { name: 'int', 'json-type': 'int', 'meta-type': 'builtin' },
  { name: 'null', 'json-type': 'null', 'meta-type': 'builtin' },
  { name: 'number', 'json-type': 'number', 'meta-type': 'builtin' },
];

/** A fetched introspection with version and target, as a live QEMU would give it. */
export function fetched(schema: unknown): Fetched {
  return {
    schema,
    version: { qemu: { major: 9, minor: 1, micro: 0 }, package: '' },
    target: { arch: 'x86_64' },
    from: 'file',
  };
}

/** The first line where two texts differ, for readable failures. */
export function firstDifference(a: string, b: string): string | undefined {
  if (a === b) return undefined;
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}: ${JSON.stringify(la[i])} vs ${JSON.stringify(lb[i])}`;
  }
  return 'differ';
}
