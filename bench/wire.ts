/**
 * `npm run bench` (wire): what one hostile message can cost under the default limits, and the
 * cost of many event listeners on one name.
 *
 * 1. Message cost: the attack shapes at the default limits (16 MiB, nesting 1024, 1 Mi structural
 *    tokens), each framed and parsed once: parse time and the heap the parsed value holds, next to
 *    the same figures for the largest real reply (QEMU 10.0's `query-qmp-schema`, about 212 KB)
 *    measured in the same run. Then the issue's 60 MiB shapes (accepted before): how soon they are
 *    refused.
 * 2. Listeners: register N listeners on one event name, fire one event, remove them all, for
 *    `on()` and for `waitForEvent()` at 10k and 100k; the baseline is the same work on a plain `Set`
 *    (O(1) per operation). Linear cost shows as µs per listener staying flat from 10k to 100k
 *    (before: 40,000 waits took about 24 s, quadratic).
 */
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { JsonFramer, QmpClient, launchQemu, type QmpEvent } from '../runtime/index.js';
import { EventHub } from '../runtime/qmp/events.js';
import { findQemu } from '../scripts/qemus.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;
const TOKENS = 1024 * 1024;

function heap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** The attack shapes at the default limits (each accepted: exactly at the token or byte limit). */
function shapes(): Array<[string, () => Buffer]> {
  const distinct = (n: number, f: (i: number) => string): string => {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(f(i));
    return parts.join(',');
  };
  return [
    ['[[],[],…] (1 Mi tokens)', () => Buffer.from(`[${'[],'.repeat(TOKENS / 2 - 1)}[]]`)],
    ['[{},{},…] (1 Mi tokens)', () => Buffer.from(`[${'{},'.repeat(TOKENS / 2 - 1)}{}]`)],
    ['[[[[…]]]] (depth 1024)', () => Buffer.from('['.repeat(1024) + ']'.repeat(1024))],
    ['[1.5,1.5,…] (1 Mi tokens)', () => Buffer.from(`[${'1.5,'.repeat(TOKENS - 1)}1.5]`)],
    ['["x…",…] distinct strings (1 Mi tokens, 15 MiB)', () => Buffer.from(`[${distinct(TOKENS - 1, (i) => `"${i.toString(36).padStart(12, 'x')}"`)}]`)],
    ['{"k…":0,…} distinct keys (1 Mi tokens)', () => Buffer.from(`{${distinct(TOKENS / 2 - 1, (i) => `"${i.toString(36).padStart(12, 'k')}":0`)}}`)],
    ['[{"a":1,"b":2},…] (1 Mi tokens)', () => Buffer.from(`[${'{"a":1,"b":2},'.repeat(Math.floor((TOKENS - 1) / 5) - 1)}{"a":1,"b":2}]`)],
    ['one 16 MiB string', () => Buffer.from(`["${'x'.repeat(16 * MiB - 4)}"]`)],
    ['one 16 MiB string of €', () => Buffer.from(`["${'€'.repeat(Math.floor((16 * MiB - 4) / 3))}"]`)],
  ];
}

interface Cost {
  label: string;
  bytes: number;
  ms: number;
  heapMiB: number;
}

/** Frames and parses `wire` once (in 64 KiB reads), keeping the value: time and heap held. */
function cost(label: string, wire: Buffer): Cost {
  const framer = new JsonFramer();
  const kept: unknown[] = [];
  const before = heap();
  const t0 = performance.now();
  for (let i = 0; i < wire.length; i += 65536) framer.push(wire.subarray(i, i + 65536), (m) => kept.push(m));
  const ms = performance.now() - t0;
  const heapMiB = (heap() - before) / MiB;
  if (kept.length !== 1) throw new Error(`${label}: expected one message, got ${kept.length}`);
  return { label, bytes: wire.length, ms, heapMiB };
}

async function realReply(): Promise<Buffer> {
  const q = findQemu('10.0');
  const vm = await launchQemu({ binary: q.binary, env: q.env, args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'] });
  try {
    const schema = await (vm.qmp as QmpClient).execute('query-qmp-schema');
    return Buffer.from(`${JSON.stringify({ return: schema, id: 1 })}\r\n`);
  } finally {
    await vm.close();
  }
}

async function messageCosts(): Promise<void> {
  const real = await realReply();
  // Warm-up, then the best of 3 for the baseline.
  for (let i = 0; i < 5; i++) cost('warm-up', real);
  const base = [0, 1, 2].map(() => cost('query-qmp-schema (QEMU 10.0), baseline', real)).sort((a, b) => a.ms - b.ms)[0]!;
  const rows: Cost[] = [base];
  for (const [label, make] of shapes()) {
    const wire = make();
    rows.push(cost(label, wire));
  }
  console.log('one message, framed and parsed with the default limits; heap = what the parsed value holds');
  console.log('| message | bytes | parse ms | × baseline | heap MiB |');
  console.log('|:--|--:|--:|--:|--:|');
  for (const r of rows) {
    console.log(`| ${r.label} | ${(r.bytes / MiB).toFixed(2)} MiB | ${r.ms.toFixed(1)} | ${(r.ms / base.ms).toFixed(0)}× | ${r.heapMiB.toFixed(1)} |`);
  }
  const worstTime = rows.slice(1).sort((a, b) => b.ms - a.ms)[0]!;
  const worstHeap = rows.slice(1).sort((a, b) => b.heapMiB - a.heapMiB)[0]!;
  console.log(`worst accepted: time ${worstTime.ms.toFixed(0)} ms (${worstTime.label}); heap ${worstHeap.heapMiB.toFixed(0)} MiB (${worstHeap.label})`);

  console.log('\nthe 60 MiB attack messages of issue 10 (accepted before the limits): read until refused');
  for (const [label, unit] of [
    ['[[],[],…] 60 MiB', '[],'],
    ['[{},{},…] 60 MiB', '{},'],
    ['[[[[…]]]] 60 MiB', '['],
    ['one 60 MiB string', 'x'],
  ] as const) {
    const chunk = Buffer.from(unit.repeat(Math.floor(65536 / unit.length)));
    const framer = new JsonFramer();
    const t0 = performance.now();
    let read = 0;
    let violation = 'none';
    try {
      framer.push(Buffer.from(unit === 'x' ? '["' : '['), () => {});
      for (; read < 60 * MiB; read += chunk.length) framer.push(chunk, () => {});
    } catch (e) {
      violation = (e as { violation?: string }).violation ?? String(e);
    }
    console.log(`- ${label}: refused (${violation}) after ${(read / MiB).toFixed(1)} MiB, in ${(performance.now() - t0).toFixed(1)} ms`);
  }
}

const event: QmpEvent = { event: 'X', data: undefined, timestamp: { seconds: 1, microseconds: 2 } } as QmpEvent;

async function listenerRound(kind: 'on()' | 'waitForEvent()' | 'Set (baseline)', n: number): Promise<number> {
  const t0 = performance.now();
  if (kind === 'Set (baseline)') {
    const set = new Set<() => void>();
    const fns = Array.from({ length: n }, () => () => {});
    for (const f of fns) set.add(f);
    for (const f of set) f();
    for (const f of fns) set.delete(f);
  } else if (kind === 'on()') {
    const hub = new EventHub(() => {});
    const removers: Array<() => void> = [];
    for (let i = 0; i < n; i++) removers.push(hub.on('X', () => {}));
    hub.emit(event);
    for (const r of removers) r();
  } else {
    const hub = new EventHub(() => {});
    const waits: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) waits.push(hub.waitFor('X'));
    hub.emit(event); // each wait removes itself when it resolves
    await Promise.all(waits);
  }
  return performance.now() - t0;
}

async function listenerCosts(): Promise<void> {
  console.log('\nlisteners on one event name: register N, fire one event, remove all (best of 3)');
  console.log('| listeners | N | total ms | µs per listener | × Set baseline |');
  console.log('|:--|--:|--:|--:|--:|');
  for (const n of [10_000, 100_000]) {
    const best = async (kind: Parameters<typeof listenerRound>[0]): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        gc();
        times.push(await listenerRound(kind, n));
      }
      return Math.min(...times);
    };
    const base = await best('Set (baseline)');
    for (const kind of ['Set (baseline)', 'on()', 'waitForEvent()'] as const) {
      const ms = kind === 'Set (baseline)' ? base : await best(kind);
      console.log(`| ${kind} | ${n.toLocaleString('en-US')} | ${ms.toFixed(1)} | ${((ms * 1000) / n).toFixed(2)} | ${(ms / base).toFixed(1)}× |`);
    }
  }
}

/** Prints the wire benchmark (about 10–20 s). */
export async function runWireBench(): Promise<void> {
  await messageCosts();
  await listenerCosts();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runWireBench();
}
