/**
 * Guest agent benchmark, against the real qemu-ga 10.0 started on this host (test/support/qemu-ga.ts, host-changing
 * commands blocked):
 * 1. `guest-ping` commands per second through the generated `QgaClient` (argument validation on, the default)
 *    at 1 and 64 in flight, beside the naive raw-socket client (`bench/qga-raw.ts`) in the same run: interleaved,
 *    best of 3 rounds each, printed as ratios. The agent serves one client at a time, so each round connects,
 *    runs and closes.
 * 2. `readFile` of a 16 MiB file at several chunk sizes (MiB/s, and the ratio to the default 1 MiB), which is what
 *    `runtime/qga/helpers/transfer-limits.ts` chose its default (64 KiB) from; and `exec('/bin/true')` per second.
 *
 * Run: `npm run bench` (all), or `tsx bench/qga.ts`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QgaClient } from '../generated/qga-10.0/index.js';
import { startQemuGa } from '../test/support/qemu-ga.js';
import type { ThroughputResult } from './baseline.js';
import { runRawQga } from './qga-raw.js';

const ROUNDS = 3;

async function runClient(path: string, opts: { inFlight: number; count: number }): Promise<ThroughputResult> {
  const qga = await QgaClient.connect({ path });
  try {
    let sent = 0;
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const worker = async (): Promise<void> => {
      while (sent < opts.count) {
        sent++;
        await qga.execute('guest-ping');
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.inFlight, opts.count) }, worker));
    const cpu = process.cpuUsage(cpu0);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { opsPerSec: opts.count / seconds, cpuMicrosPerOp: (cpu.user + cpu.system) / opts.count };
  } finally {
    await qga.close();
  }
}

const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** Prints the guest agent tables (about 20–40 s). */
export async function runQgaBench(): Promise<void> {
  const ga = await startQemuGa({ version: '10.0' });
  const dir = mkdtempSync(join(tmpdir(), 'qmp-bench-qga-'));
  try {
    for (const inFlight of [1, 64]) {
      await runClient(ga.path, { inFlight, count: 2000 }); // warm-up (JIT), both sides
      await runRawQga(ga.path, { inFlight, count: 2000 });
    }
    console.log(`qemu-ga 10.0 on a unix socket, guest-ping; client = generated QgaClient (validateArguments on); raw = net.Socket + JSON.stringify + split lines + Map of ids; best of ${ROUNDS} interleaved`);
    console.log('| in flight | client cmd/s | raw cmd/s | client/raw | client CPU µs/cmd | raw CPU µs/cmd |');
    console.log('|----------:|-------------:|----------:|-----------:|------------------:|---------------:|');
    for (const [inFlight, count] of [
      [1, 5000],
      [64, 20000],
    ] as const) {
      let c: ThroughputResult = { opsPerSec: 0, cpuMicrosPerOp: Infinity };
      let r: ThroughputResult = { opsPerSec: 0, cpuMicrosPerOp: Infinity };
      for (let round = 0; round < ROUNDS; round++) {
        const cr = await runClient(ga.path, { inFlight, count });
        const rr = await runRawQga(ga.path, { inFlight, count });
        c = { opsPerSec: Math.max(c.opsPerSec, cr.opsPerSec), cpuMicrosPerOp: Math.min(c.cpuMicrosPerOp, cr.cpuMicrosPerOp) };
        r = { opsPerSec: Math.max(r.opsPerSec, rr.opsPerSec), cpuMicrosPerOp: Math.min(r.cpuMicrosPerOp, rr.cpuMicrosPerOp) };
      }
      console.log(
        `| ${String(inFlight).padStart(9)} | ${fmt(c.opsPerSec).padStart(12)} | ${fmt(r.opsPerSec).padStart(9)} | ${`${fmt(c.opsPerSec / r.opsPerSec, 2)}×`.padStart(10)} | ${fmt(c.cpuMicrosPerOp, 1).padStart(17)} | ${fmt(r.cpuMicrosPerOp, 1).padStart(14)} |`,
      );
    }

    const file = join(dir, 'data.bin');
    const size = 16 * 1024 * 1024;
    writeFileSync(file, randomBytes(size));
    const qga = await QgaClient.connect({ path: ga.path });
    try {
      const chunks = [16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024, 8 * 1024 * 1024];
      const rate = new Map<number, number>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const chunkBytes of chunks) {
          const t0 = process.hrtime.bigint();
          const got = await qga.readFile(file, { chunkBytes });
          if (got.length !== size) throw new Error(`readFile returned ${got.length} bytes, expected ${size}`);
          const mibs = size / 1024 / 1024 / (Number(process.hrtime.bigint() - t0) / 1e9);
          rate.set(chunkBytes, Math.max(rate.get(chunkBytes) ?? 0, mibs));
        }
      }
      const base = rate.get(64 * 1024)!;
      console.log(`\nreadFile of a 16 MiB file, best of ${ROUNDS}; ratio to the default chunk (64 KiB)`);
      console.log('| chunk KiB | MiB/s | vs 64 KiB |');
      console.log('|----------:|------:|----------:|');
      for (const c of chunks) console.log(`| ${String(c / 1024).padStart(9)} | ${fmt(rate.get(c)!).padStart(5)} | ${`${fmt(rate.get(c)! / base, 2)}×`.padStart(9)} |`);

      await qga.exec('/bin/true');
      const n = 200;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await qga.exec('/bin/true');
      const execPerSec = n / (Number(process.hrtime.bigint() - t0) / 1e9);
      console.log(`\nexec('/bin/true'), one after the other: ${fmt(execPerSec)} per second (guest-exec + guest-exec-status polls from 1 ms)`);
    } finally {
      await qga.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await ga.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runQgaBench();
