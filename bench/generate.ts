/**
 * Generator benchmark: regenerating both committed targets, importing the built package root in a
 * fresh Node (beside Node's own start-up), `tsc --noEmit` of a small consumer, validator throughput
 * on a real `query-qmp-schema` reply, and commands/s of the generated client with argument
 * validation on (1 and 64 in flight) next to the raw-socket baseline, against real QEMU 10.0 and
 * the instant C peer. Read the ratios: everything runs on the same shared machine in one run.
 *
 * Run: `npx tsx bench/generate.ts` (or `npm run bench`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findQemu } from '../scripts/qemus.js';
import { runRawClient, startInstantPeer, type ThroughputResult } from './baseline.js';
import { runQmpClient } from './runtime.js';
import { QmpClient, launchQemu } from '../generated/qemu-10.0-x86_64/index.js';
import { validateArguments, validateReturn } from '../generated/qemu-10.0-x86_64/validators.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const targets = ['qemu-7.2-x86_64', 'qemu-10.0-x86_64'];
const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Runs a node command line `n` times; median wall time in ms. */
function nodeTime(args: string[], n: number, cwd: string): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(time(() => execFileSync(process.execPath, args, { cwd, stdio: 'ignore' })));
  return median(times);
}

function best(a: ThroughputResult, b: ThroughputResult): ThroughputResult {
  return { opsPerSec: Math.max(a.opsPerSec, b.opsPerSec), cpuMicrosPerOp: Math.min(a.cpuMicrosPerOp, b.cpuMicrosPerOp) };
}

/** Runs the generator benchmark and prints its figures. */
export async function runGenerateBench(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'qmp-bench-gen-'));
  symlinkSync(join(root, 'node_modules'), join(tmp, 'node_modules'), 'dir');
  writeFileSync(join(tmp, 'package.json'), '{"type":"module","private":true}\n');
  const lines: string[] = [];
  try {
    // 1. regenerate both targets, each in a fresh process (the CLI as users run it)
    const tsxCli = join(root, 'node_modules/tsx/dist/cli.mjs');
    const regen = time(() => {
      for (const t of targets) {
        execFileSync(process.execPath, [tsxCli, join(root, 'codegen/cli.ts'), 'generate', '--schema', join(root, 'schema', t), '--out', join(tmp, 'gen', t), '--runtime-import', '../../runtime/index.js'], { stdio: 'ignore' });
      }
    });
    const same = targets.every((t) => ['types.ts', 'commands.ts', 'validators-code.ts'].every((f) => readFileSync(join(tmp, 'gen', t, f), 'utf8') === readFileSync(join(root, 'generated', t, f), 'utf8')));
    lines.push(`regenerate both targets (2 CLI processes): ${fmt(regen)} ms (goal < 15 000 ms); identical to generated/: ${same}`);

    // 2. import of the built package root in a fresh Node, beside Node's own start-up
    const dist = join(tmp, 'dist');
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', dist, '--ignoreDeprecations', '6.0'], { cwd: root, stdio: 'ignore' });
    } catch {
      // a type error elsewhere in the tree still emits; the import below tells whether it worked
    }
    const entry = pathToFileURL(join(dist, 'generated/qemu-10.0-x86_64/index.js')).href;
    const validatorsEntry = pathToFileURL(join(dist, 'generated/qemu-10.0-x86_64/validators.js')).href;
    const base = nodeTime(['-e', '0'], 7, tmp);
    const imp = nodeTime(['--input-type=module', '-e', `await import(${JSON.stringify(entry)})`], 7, tmp);
    const impV = nodeTime(['--input-type=module', '-e', `await import(${JSON.stringify(validatorsEntry)})`], 7, tmp);
    const impConnectReady = nodeTime(['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); await m.target.loadValidators()`], 7, tmp);
    lines.push(`node -e 0: ${fmt(base)} ms; import dist/generated/qemu-10.0-x86_64/index.js: ${fmt(imp)} ms (+${fmt(imp - base)} ms over start-up; goal < 150 ms)`);
    lines.push(`  validators entry alone: ${fmt(impV)} ms; index + loadValidators() (what connect() awaits): ${fmt(impConnectReady)} ms (medians of 7)`);

    // 3. tsc --noEmit of a small consumer
    writeFileSync(
      join(tmp, 'consumer.ts'),
      `import { QmpClient } from ${JSON.stringify(join(root, 'generated/qemu-10.0-x86_64/index.js'))};\n` +
        'export async function f(path: string): Promise<string> {\n  const qmp = await QmpClient.connect({ path });\n  const s = await qmp.commands.queryStatus();\n  await qmp.close();\n  return s.status;\n}\n',
    );
    writeFileSync(
      join(tmp, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: ['node'], ignoreDeprecations: '6.0' }, files: ['consumer.ts'] }),
    );
    const tscMs = median([0, 1, 2].map(() => time(() => execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(tmp, 'tsconfig.json')], { cwd: tmp, stdio: 'inherit' }))));
    const tscBase = (() => {
      writeFileSync(join(tmp, 'empty.ts'), 'export const x = 1;\n');
      writeFileSync(join(tmp, 'tsconfig.empty.json'), JSON.stringify({ extends: './tsconfig.json', files: ['empty.ts'] }));
      return median([0, 1, 2].map(() => time(() => execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(tmp, 'tsconfig.empty.json')], { cwd: tmp }))));
    })();
    lines.push(`tsc --noEmit of a small consumer of the 10.0 target: ${fmt(tscMs)} ms (tsc on an empty file: ${fmt(tscBase)} ms)`);

    // 4. validator throughput on a real query-qmp-schema reply
    // (fetched here from the real QEMU 10.0: the bench used to read a dump nothing in the repository writes)
    const q10 = findQemu('10.0');
    const schemaVm = await launchQemu({ binary: q10.binary, env: q10.env, args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'] });
    let reply: unknown;
    try {
      reply = await schemaVm.qmp.execute('query-qmp-schema');
    } finally {
      await schemaVm.close();
    }
    const bytes = JSON.stringify(reply).length;
    const check = validateReturn('query-qmp-schema', reply);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 1500) {
      validateReturn('query-qmp-schema', reply);
      n++;
    }
    const per = (performance.now() - t0) / n;
    lines.push(`validateReturn('query-qmp-schema', real 10.0 reply of ${fmt(bytes / 1024)} KiB): ok=${check.ok}, ${fmt(per, 2)} ms each, ${fmt((bytes / 1024 / 1024) * (1000 / per), 0)} MiB/s`);
    const args = { driver: 'qcow2', 'node-name': 'disk0', file: { driver: 'file', filename: '/tmp/disk.qcow2' } };
    let m = 0;
    const t1 = performance.now();
    while (performance.now() - t1 < 500) {
      validateArguments('blockdev-add', args);
      m++;
    }
    lines.push(`validateArguments('blockdev-add', nested qcow2+file): ${fmt(m / ((performance.now() - t1) / 1000))} /s`);

    // 5. commands/s with argument validation on, vs the raw-socket client, same peers, interleaved
    const rows: string[] = [];
    const q = findQemu('10.0');
    const rawPath = join(tmp, 'raw.sock');
    const vm = await launchQemu({ binary: q.binary, env: q.env, args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S', '-qmp', `unix:${rawPath},server=on,wait=off`], qmp: { validateArguments: true } });
    const peer = await startInstantPeer();
    const instant = await QmpClient.connect({ path: peer.path, validateArguments: true });
    try {
      const run = async (name: string, client: QmpClient, path: string, inFlight: number, count: number, command = 'query-status', cmdArgs?: Record<string, unknown>): Promise<void> => {
        const o = { inFlight, count, command, ...(cmdArgs ? { arguments: cmdArgs } : {}) };
        let c = await runQmpClient(client, o);
        let r = await runRawClient(path, o);
        c = best(c, await runQmpClient(client, o));
        r = best(r, await runRawClient(path, o));
        rows.push(`| ${`${name}, ${command}`.padEnd(30)} | ${String(inFlight).padStart(9)} | ${fmt(c.opsPerSec).padStart(12)} | ${fmt(r.opsPerSec).padStart(9)} | ${fmt((c.opsPerSec / r.opsPerSec) * 100, 0).padStart(9)}% |`);
      };
      await runQmpClient(vm.qmp, { inFlight: 8, count: 2000 });
      await runRawClient(rawPath, { inFlight: 8, count: 2000 });
      await run('QEMU 10.0', vm.qmp, rawPath, 1, 3000);
      await run('QEMU 10.0', vm.qmp, rawPath, 64, 15000);
      await runQmpClient(instant, { inFlight: 8, count: 5000 });
      await run('instant C peer', instant, peer.path, 1, 20000);
      await run('instant C peer', instant, peer.path, 64, 100000);
      // a command whose arguments the validator really walks (nested union); the instant peer answers {}
      await run('instant C peer', instant, peer.path, 1, 20000, 'blockdev-add', args);
      await run('instant C peer', instant, peer.path, 64, 100000, 'blockdev-add', args);
    } finally {
      await instant.close();
      await peer.close();
      await vm.close();
    }
    lines.push('commands through the generated 10.0 client (argument validation on) vs the raw client sending the same JSON, best of 2 interleaved runs:');
    lines.push('| peer, command                  | in flight | generated/s  |   raw/s   | gen/raw    |');
    lines.push(...rows);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const l of lines) console.log(l);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runGenerateBench();
}
