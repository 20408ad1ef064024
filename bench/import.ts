/**
 * Importer benchmark: time to import QEMU 10.0 from its binary (start, query-qmp-schema, map,
 * validate with Ajv strict, write atomically; device models included), without and with its QAPI
 * source. Baseline in the same run: starting QEMU and fetching the introspection alone (no device
 * models; bench/devices.ts compares the import with and without them). Goal: well under 10 s.
 * Runnable directly: `npx tsx bench/import.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetchFromQemu, importTarget } from '../codegen/import/index.js';
import { findQemu } from '../scripts/qemus.js';

const runs = 3;

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** Runs the benchmark and prints one line. */
export async function runImportBench(): Promise<void> {
  const q = findQemu('10.0');
  const tmp = mkdtempSync(join(tmpdir(), 'qmp-import-bench-'));
  try {
    const out = join(tmp, q.target);
    // One warm-up import (module loading, JIT), not counted.
    await importTarget({ source: { qemu: q.binary, env: q.env }, qapiSource: q.qapiSource });
    const fetchOnly = await median(() => fetchFromQemu(q.binary, { env: q.env, devices: false }));
    const plain = await median(() => importTarget({ source: { qemu: q.binary, env: q.env }, outDir: out }));
    const named = await median(() => importTarget({ source: { qemu: q.binary, env: q.env }, qapiSource: q.qapiSource, outDir: out }));
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(
      `import QEMU 10.0 from its binary (median of ${runs}): ${s(plain)} without QAPI source, ${s(named)} with it ` +
        `(baseline: start QEMU + fetch introspection alone ${s(fetchOnly)}; goal < 10 s)`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runImportBench();
}
