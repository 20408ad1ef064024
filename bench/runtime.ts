/**
 * Runtime benchmark: commands per second at 1 and 64 in flight, and client CPU time per command,
 * for the runtime's QmpClient next to the naive raw-socket client of `bench/baseline.ts`, against
 * real QEMU 10.0 and against the instant C peer. Read the ratios: both run in the same process,
 * interleaved, on the same (shared, noisy) machine. Then, against the same instant peer, the generated
 * 10.0 client with argument validation on next to the lean raw client (`bench/lean-client.ts`, issue 12's
 * bar: at least 0.95× of it at 64 in flight and 1.0× at 1); skipped with a line saying so if it is missing.
 *
 * Run: `npm run bench:runtime` (or `tsx bench/runtime.ts`; with `--lean`, only the typed-vs-lean rows).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QmpClient, launchQemu } from '../runtime/index.js';
import { findQemu } from '../scripts/qemus.js';
import { QmpClient as TypedClient } from '../generated/qemu-10.0-x86_64/index.js';
import { runRawClient, startInstantPeer, type ThroughputResult } from './baseline.js';
import { hasLeanClient, leanClientPath, runLeanClient } from './lean-client.js';

/** Runs `count` commands through `qmp`, keeping `inFlight` outstanding. */
export async function runQmpClient(
  qmp: QmpClient,
  opts: { inFlight: number; count: number; command?: string; arguments?: Record<string, unknown> },
): Promise<ThroughputResult> {
  const command = opts.command ?? 'query-status';
  const args = opts.arguments;
  let sent = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const worker = async (): Promise<void> => {
    while (sent < opts.count) {
      sent++;
      await qmp.execute(command, args);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.inFlight, opts.count) }, worker));
  const cpu = process.cpuUsage(cpu0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { opsPerSec: opts.count / seconds, cpuMicrosPerOp: (cpu.user + cpu.system) / opts.count };
}

interface Row {
  peer: string;
  inFlight: number;
  client: ThroughputResult;
  raw: ThroughputResult;
}

function best(a: ThroughputResult, b: ThroughputResult): ThroughputResult {
  return { opsPerSec: Math.max(a.opsPerSec, b.opsPerSec), cpuMicrosPerOp: Math.min(a.cpuMicrosPerOp, b.cpuMicrosPerOp) };
}

/** Interleaves client and raw runs (two rounds each, best of two) for one peer and depth. */
async function measure(
  peer: string,
  inFlight: number,
  count: number,
  client: () => Promise<ThroughputResult>,
  raw: () => Promise<ThroughputResult>,
): Promise<Row> {
  let c = await client();
  let r = await raw();
  c = best(c, await client());
  r = best(r, await raw());
  void count;
  return { peer, inFlight, client: c, raw: r };
}

function printTable(rows: Row[]): void {
  const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const header = ['peer', 'in flight', 'client cmd/s', 'raw cmd/s', 'client/raw', 'client CPU µs/cmd', 'raw CPU µs/cmd', 'client/raw CPU'];
  const lines = rows.map((r) => [
    r.peer,
    String(r.inFlight),
    fmt(r.client.opsPerSec),
    fmt(r.raw.opsPerSec),
    `${fmt(r.client.opsPerSec / r.raw.opsPerSec, 2)}×`,
    fmt(r.client.cpuMicrosPerOp, 1),
    fmt(r.raw.cpuMicrosPerOp, 1),
    `${fmt(r.client.cpuMicrosPerOp / r.raw.cpuMicrosPerOp, 2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]): string => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(row(header));
  console.log(`|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const l of lines) console.log(row(l));
}

interface LeanRow {
  inFlight: number;
  typed: number;
  lean: number;
}

/** Interleaved rounds of the typed-vs-lean rows (best of each side). */
const LEAN_ROUNDS = 3;

/**
 * The generated 10.0 client (argument validation on) against the lean raw client on the instant
 * peer at `path`: interleaved, best of {@link LEAN_ROUNDS} each, commands per second.
 */
async function measureLean(path: string): Promise<LeanRow[]> {
  const typed = await TypedClient.connect({ path, validateArguments: true });
  const rows: LeanRow[] = [];
  try {
    for (const inFlight of [1, 64]) {
      await runQmpClient(typed as never, { inFlight, count: 10000 }); // warm-up
    }
    for (const [inFlight, count] of [
      [1, 20000],
      [64, 100000],
    ] as const) {
      // Interleaved rounds, best of each side: on a shared machine one slow round (another process
      // scheduled in) says nothing about either client.
      let t = 0;
      let l = 0;
      for (let round = 0; round < LEAN_ROUNDS; round++) {
        t = Math.max(t, (await runQmpClient(typed as never, { inFlight, count })).opsPerSec);
        l = Math.max(l, await runLeanClient(path, { inFlight, count }));
      }
      rows.push({ inFlight, typed: t, lean: l });
    }
  } finally {
    await typed.close();
  }
  return rows;
}

function printLean(rows: LeanRow[]): void {
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log('');
  console.log(`instant C peer, query-status; typed = generated 10.0 client, validateArguments on; lean = raw-lean-client.mjs (own process); best of ${LEAN_ROUNDS} interleaved`);
  console.log('| in flight | typed cmd/s | lean cmd/s | typed/lean | bar  |');
  console.log('|----------:|------------:|-----------:|-----------:|-----:|');
  for (const r of rows) {
    const bar = r.inFlight === 1 ? 1.0 : 0.95;
    console.log(
      `| ${String(r.inFlight).padStart(9)} | ${fmt(r.typed).padStart(11)} | ${fmt(r.lean).padStart(10)} | ${`${(r.typed / r.lean).toFixed(2)}×`.padStart(10)} | ${`${bar.toFixed(2)}×`.padStart(4)} |`,
    );
  }
}

/** Prints the runtime benchmark table (about 20–40 s). */
export async function runRuntimeBench(): Promise<void> {
  const rows: Row[] = [];
  let leanRows: LeanRow[] | undefined;
  const q = findQemu('10.0');
  const rawDir = await mkdtemp(join(tmpdir(), 'qmp-bench-'));
  const rawPath = join(rawDir, 'raw.sock');
  // One QEMU, two QMP monitors: the launcher's client on one, the raw client on the other.
  const vm = await launchQemu({
    binary: q.binary,
    env: q.env,
    args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S', '-qmp', `unix:${rawPath},server=on,wait=off`],
  });
  const peer = await startInstantPeer();
  try {
    // Warm-up (JIT) on both sides, at both depths.
    for (const inFlight of [1, 64]) {
      await runQmpClient(vm.qmp, { inFlight, count: 2000 });
      await runRawClient(rawPath, { inFlight, count: 2000 });
    }
    for (const [inFlight, count] of [
      [1, 4000],
      [64, 20000],
    ] as const) {
      rows.push(
        await measure('QEMU 10.0', inFlight, count, () => runQmpClient(vm.qmp, { inFlight, count }), () => runRawClient(rawPath, { inFlight, count })),
      );
    }
    const instant = await QmpClient.connect({ path: peer.path });
    try {
      for (const inFlight of [1, 64]) {
        await runQmpClient(instant, { inFlight, count: 10000 });
        await runRawClient(peer.path, { inFlight, count: 10000 });
      }
      for (const [inFlight, count] of [
        [1, 20000],
        [64, 100000],
      ] as const) {
        rows.push(
          await measure('instant C peer', inFlight, count, () => runQmpClient(instant, { inFlight, count }), () => runRawClient(peer.path, { inFlight, count })),
        );
      }
    } finally {
      await instant.close();
    }
    if (hasLeanClient()) leanRows = await measureLean(peer.path);
  } finally {
    await peer.close();
    await vm.close();
    await rm(rawDir, { recursive: true, force: true });
  }
  console.log('query-status; best of 2 interleaved runs each; raw = net.Socket + JSON.stringify + split lines + Map of ids');
  printTable(rows);
  if (leanRows) printLean(leanRows);
  else console.log(`\nlean raw client not found at ${leanClientPath}: typed-vs-lean rows skipped (set QMP_LEAN_CLIENT to its path)`);
}

/** Only the typed-vs-lean rows (`tsx bench/runtime.ts --lean`): a fresh instant peer, no QEMU. */
export async function runLeanBench(): Promise<void> {
  if (!hasLeanClient()) throw new Error(`lean raw client not found at ${leanClientPath} (set QMP_LEAN_CLIENT to its path)`);
  const peer = await startInstantPeer();
  try {
    printLean(await measureLean(peer.path));
  } finally {
    await peer.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--lean')) await runLeanBench();
  else await runRuntimeBench();
}
