/**
 * Generator capacity (issue 10 item 10): import and generate a synthetic introspection of N commands
 * (each with its own argument and return object: 3 entries per command), at two sizes, so that the
 * ratio shows how time grows; beside it, in the same run, the baseline of parsing and serialising
 * the same introspection. `QMP_BENCH_CAPACITY=20000 npx tsx bench/capacity.ts` runs a large one
 * (measured once: import 228 s, generate 518 s, peak 2.9 GB, at load 19 on 2 cores). Each size runs
 * in a fresh Node process (peak RSS per size).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTarget } from '../codegen/import/index.js';
import { renderTarget } from '../codegen/generate/generate.js';

const builtins = ['str:string', 'any:value', 'bool:boolean', 'int:int', 'null:null', 'number:number'].map((s) => {
  const [name, json] = s.split(':');
  return { name, 'json-type': json, 'meta-type': 'builtin' };
});

/** N commands, each with its own arguments and return object; or (chain) one command over N nested objects. */
export function syntheticIntrospection(n: number, shape: 'wide' | 'chain' = 'wide'): unknown[] {
  const schema: unknown[] = [...builtins, { name: '0', 'meta-type': 'object', members: [] }];
  if (shape === 'chain') {
    schema.push({ name: 'head', 'meta-type': 'command', 'arg-type': 'c0', 'ret-type': '0' });
    for (let i = 0; i < n; i++) schema.push({ name: `c${i}`, 'meta-type': 'object', members: i + 1 < n ? [{ name: 'next', type: `c${i + 1}`, default: null }] : [] });
    return schema;
  }
  for (let i = 0; i < n; i++) {
    schema.push({ name: `cmd-${i}`, 'meta-type': 'command', 'arg-type': `a${i}`, 'ret-type': `r${i}` });
    schema.push({ name: `a${i}`, 'meta-type': 'object', members: [{ name: 'x', type: 'int' }, { name: 'y', type: 'str', default: null }] });
    schema.push({ name: `r${i}`, 'meta-type': 'object', members: [{ name: 'v', type: 'int' }] });
  }
  return schema;
}

/** Imports then renders N commands in this process; prints one JSON line with the figures. */
async function measureOne(n: number): Promise<void> {
  const schema = syntheticIntrospection(n);
  const dir = mkdtempSync(join(tmpdir(), 'qmp-capacity-'));
  try {
    let t0 = performance.now();
    const text = JSON.stringify(schema);
    JSON.parse(text);
    const baseline = performance.now() - t0;
    t0 = performance.now();
    await buildTarget({ schema, version: { qemu: { major: 9, minor: 1, micro: 0 }, package: '' }, target: { arch: 'x86_64' }, from: 'file' }, { outDir: join(dir, 's'), targetName: 'big' });
    const imp = performance.now() - t0;
    t0 = performance.now();
    renderTarget({ schemaDir: join(dir, 's') });
    const gen = performance.now() - t0;
    console.log(JSON.stringify({ n, baseline, imp, gen, rssMb: process.resourceUsage().maxRSS / 1024 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the capacity benchmark (each size in a fresh process) and prints its lines. */
export async function runCapacityBench(): Promise<void> {
  const sizes = (process.env.QMP_BENCH_CAPACITY ?? '500,2000').split(',').map(Number);
  const self = fileURLToPath(import.meta.url);
  const tsxCli = join(self, '../../node_modules/tsx/dist/cli.mjs');
  const rows: Array<{ n: number; baseline: number; imp: number; gen: number; rssMb: number }> = [];
  for (const n of sizes) {
    const out = execFileSync(process.execPath, [tsxCli, self, '--one', String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const row = JSON.parse(out.trim().split('\n').pop() as string) as (typeof rows)[number];
    rows.push(row);
    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `capacity: ${n.toLocaleString('en-US')} commands (${(3 * n).toLocaleString('en-US')} entries): import ${s(row.imp)}, generate ${s(row.gen)}, ` +
        `peak RSS ${Math.round(row.rssMb)} MB; baseline JSON parse+stringify of the introspection ${Math.round(row.baseline)} ms ` +
        `(${Math.round((row.imp + row.gen) / n * 1000)} µs per command)`,
    );
  }
  if (rows.length >= 2) {
    const [a, b] = [rows[0]!, rows[rows.length - 1]!];
    console.log(`capacity: time per command at ${b.n} vs ${a.n}: ×${((b.imp + b.gen) / b.n / ((a.imp + a.gen) / a.n)).toFixed(2)} (1.0 = linear)`);
  }
}

if (process.argv[2] === '--one') await measureOne(Number(process.argv[3]));
else if (import.meta.url === `file://${process.argv[1]}`) await runCapacityBench();
