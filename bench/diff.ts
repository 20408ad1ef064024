/**
 * Diff and probing benchmark: `diffSchemas()` of the committed 7.2 → 10.0 folders (read back into the
 * schema model + compared), and `client.supports()` on a real QEMU 10.0, first (fetches and indexes
 * `query-qmp-schema`) and cached. Baselines in the same run: `JSON.parse` of the eight schema files
 * for the diff; a bare `query-qmp-schema` on a fresh connection (first `supports()`) and a
 * `query-status` round trip (cached `supports()`). Runnable directly: `npx tsx bench/diff.ts`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { diffSchemas } from '../codegen/diff/index.js';
import { QmpClient, launchQemu } from '../runtime/index.js';
import { findQemu, projectRoot } from '../scripts/qemus.js';

function median(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)] ?? Number.NaN;
}

async function timeOf(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const ms = (x: number) => (x >= 10 ? `${x.toFixed(0)} ms` : x >= 0.1 ? `${x.toFixed(2)} ms` : `${(x * 1000).toFixed(1)} µs`);

/** Runs the benchmark and prints three lines. */
export async function runDiffBench(): Promise<void> {
  const a = join(projectRoot, 'schema/qemu-7.2-x86_64');
  const b = join(projectRoot, 'schema/qemu-10.0-x86_64');
  const files = ['commands.json', 'events.json', 'returns.json', 'types.json'].flatMap((f) => [join(a, f), join(b, f)]);
  await diffSchemas(a, b); // warm-up (module loading, JIT)
  const parseOnly = await timeOf(7, () => files.forEach((f) => JSON.parse(readFileSync(f, 'utf8'))));
  const diff = await timeOf(7, () => diffSchemas(a, b));
  console.log(`diff 7.2 → 10.0 (folders, median of 7): ${ms(diff)} (baseline: JSON.parse of the 8 schema files ${ms(parseOnly)}; ${(diff / parseOnly).toFixed(1)}×)`);

  const q = findQemu('10.0');
  const tmp = mkdtempSync(join(tmpdir(), 'qmp-diff-bench-'));
  const path = join(tmp, 'qmp.sock');
  // A second monitor, so that each measurement of a first supports() gets a fresh connection.
  const vm = await launchQemu({
    binary: q.binary,
    env: q.env,
    args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S', '-chardev', `socket,id=mon2,path=${path},server=on,wait=off`, '-mon', 'chardev=mon2,mode=control'],
  });
  try {
    const query = 'blockdev-add/arg-type/+file/aio/^io_uring';
    const firsts: number[] = [];
    const fetches: number[] = [];
    for (let i = 0; i < 7; i++) {
      const c = await QmpClient.connect({ path });
      try {
        let t0 = performance.now();
        await c.execute('query-qmp-schema');
        fetches.push(performance.now() - t0);
        t0 = performance.now();
        if (!(await c.supports(query))) throw new Error(`${query} answered false on QEMU 10.0`);
        firsts.push(performance.now() - t0);
      } finally {
        await c.close();
      }
    }
    const status = await timeOf(51, () => vm.qmp.execute('query-status'));
    await vm.qmp.supports(query);
    const cached = await timeOf(1001, () => vm.qmp.supports(query));
    console.log(
      `supports('${query}') on QEMU 10.0: first ${ms(median(firsts))} (fetch + index + answer, median of 7 fresh connections), cached ${ms(cached)} (median of 1001) ` +
        `(baselines: a bare query-qmp-schema ${ms(median(fetches))}, a query-status round trip ${ms(status)}; first/fetch ${(median(firsts) / median(fetches)).toFixed(2)}×, cached/round trip ${(cached / status).toFixed(3)}×)`,
    );
  } finally {
    await vm.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runDiffBench();
}
