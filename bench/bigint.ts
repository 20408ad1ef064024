/**
 * `npm run bench` (bigint mode, issue 13): the bigint entry's client next to the default entry's, in
 * the same run, at 1 and 64 in flight (interleaved rounds, best of each):
 * 1. `query-status` against the instant C peer (a reply without 64-bit integers: the table is not
 *    even consulted — the price is one lookup);
 * 2. `query-blockstats` against the project's test server (in this process) answering 16 block
 *    nodes, each with its counters and a nested `parent` (about 1,000 64-bit integers, 28 KB): the
 *    default mode parses them as numbers; the bigint mode converts every one to a `bigint`;
 * 3. the conversion alone (`toBigints` on that parsed reply) next to parsing it (`parseJson`).
 *
 * Run: `tsx bench/bigint.ts`.
 */
import { pathToFileURL } from 'node:url';
import { QmpClient } from '../generated/qemu-10.0-x86_64/index.js';
import { QmpClient as BigintClient, bigintTable } from '../generated/qemu-10.0-x86_64/bigint.js';
import { parseJson } from '../runtime/json-parse.js';
import { toBigints, type BigintShape } from '../runtime/bigint-table.js';
import { createQmpServer } from '../testing/index.js';
import { startInstantPeer } from './baseline.js';
import { runQmpClient } from './runtime.js';

const ROUNDS = 3;

/** One block node's statistics as QEMU 10.0 sends them (counters non-zero, a few beyond 2^32). */
function stats(i: number): Record<string, unknown> {
  const counters = ['rd_bytes', 'wr_bytes', 'zone_append_bytes', 'unmap_bytes', 'rd_operations', 'wr_operations', 'zone_append_operations', 'flush_operations', 'unmap_operations', 'rd_total_time_ns', 'wr_total_time_ns', 'zone_append_total_time_ns', 'flush_total_time_ns', 'unmap_total_time_ns', 'wr_highest_offset', 'rd_merged', 'wr_merged', 'zone_append_merged', 'unmap_merged', 'idle_time_ns', 'failed_rd_operations', 'failed_wr_operations', 'failed_zone_append_operations', 'failed_flush_operations', 'failed_unmap_operations', 'invalid_rd_operations', 'invalid_wr_operations', 'invalid_zone_append_operations', 'invalid_flush_operations', 'invalid_unmap_operations'];
  const s: Record<string, unknown> = Object.fromEntries(counters.map((c, k) => [c, (i + 1) * 1_000_003 * (k + 1)]));
  s['account_invalid'] = true;
  s['account_failed'] = true;
  s['timed_stats'] = [];
  s['rd_latency_histogram'] = { boundaries: [10, 100, 1000], bins: [i, i + 1, i + 2, i + 3] };
  return s;
}

function blockstats(): unknown[] {
  return Array.from({ length: 16 }, (_, i) => ({ device: `d${i}`, 'node-name': `n${i}`, qdev: `/machine/peripheral/disk${i}`, stats: stats(i), parent: { 'node-name': `f${i}`, stats: stats(i + 100) } }));
}

async function pair(label: string, address: { path: string } | { host: string; port: number }, command: 'query-status' | 'query-blockstats', counts: Record<number, number>): Promise<void> {
  const plain = await QmpClient.connect({ ...address });
  const big = await BigintClient.connect({ ...address });
  try {
    for (const inFlight of [1, 64]) {
      const count = counts[inFlight] as number;
      await runQmpClient(plain as never, { inFlight, count: Math.ceil(count / 4), command });
      await runQmpClient(big as never, { inFlight, count: Math.ceil(count / 4), command });
      let p = 0;
      let b = 0;
      for (let r = 0; r < ROUNDS; r++) {
        p = Math.max(p, (await runQmpClient(plain as never, { inFlight, count, command })).opsPerSec);
        b = Math.max(b, (await runQmpClient(big as never, { inFlight, count, command })).opsPerSec);
      }
      const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
      console.log(`| ${label.padEnd(44)} | ${String(inFlight).padStart(9)} | ${fmt(p).padStart(12)} | ${fmt(b).padStart(11)} | ${`${(b / p).toFixed(2)}×`.padStart(12)} |`);
    }
  } finally {
    await plain.close();
    await big.close();
  }
}

export async function runBigintBench(): Promise<void> {
  console.log(`default = generated 10.0 client; bigint = its bigint entry (qmp-sdk/bigint); commands/s, best of ${ROUNDS} interleaved`);
  console.log('| reply                                        | in flight | default cmd/s | bigint cmd/s | bigint/default |');
  console.log('|:---------------------------------------------|----------:|-------------:|------------:|-------------:|');
  const peer = await startInstantPeer();
  try {
    await pair('query-status (instant C peer)', { path: peer.path }, 'query-status', { 1: 20000, 64: 100000 });
  } finally {
    await peer.close();
  }
  const reply = blockstats();
  const server = createQmpServer({ handlers: { 'query-blockstats': () => reply } });
  try {
    const address = await server.listen();
    await pair('query-blockstats, 16 nodes (test server)', address, 'query-blockstats', { 1: 2000, 64: 4000 });
  } finally {
    await server.close();
  }
  // the conversion alone, next to the parse it follows
  const text = JSON.stringify({ return: reply, id: 1 });
  const shape = bigintTable.returns['query-blockstats'] as BigintShape;
  const time = (f: () => unknown): number => {
    for (let k = 0; k < 200; k++) f();
    const samples: number[] = [];
    for (let r = 0; r < 7; r++) {
      const s = process.hrtime.bigint();
      for (let k = 0; k < 200; k++) f();
      samples.push(Number(process.hrtime.bigint() - s) / 200);
    }
    return samples.sort((a, b) => a - b)[3] as number;
  };
  const parse = time(() => parseJson(text));
  const both = time(() => toBigints(bigintTable, shape, (parseJson(text) as { return: unknown }).return));
  console.log(`\nquery-blockstats reply (${text.length} B, 16 nodes): parseJson ${(parse / 1000).toFixed(1)} µs; parseJson + toBigints ${(both / 1000).toFixed(1)} µs (${(both / parse).toFixed(2)}× the parse alone)`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runBigintBench();
