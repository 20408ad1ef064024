/**
 * device_add benchmark (issue 18 part 1), every figure beside its baseline from the same run:
 * - import of QEMU 10.0 from its binary (with its QAPI source) without device models (the import
 *   before this change) and with them; goal: under 10 s;
 * - `tsc --noEmit` of a small consumer (query-status + device_add) of the 10.0 target generated
 *   without and with the device models; goal: at most +25 %;
 * - `validateArguments('device_add', …)` calls/s beside `blockdev-add`'s.
 * Run: `npx tsx bench/devices.ts` (or `npm run bench`).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateTarget } from '../codegen/generate/generate.js';
import { importTarget } from '../codegen/import/index.js';
import { validateArguments } from '../generated/qemu-10.0-x86_64/validators.js';
import { findQemu } from '../scripts/qemus.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function timed(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function rate(fn: () => void, ms = 500): number {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    fn();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** Runs the benchmark and prints its figures. */
export async function runDevicesBench(): Promise<void> {
  const q = findQemu('10.0');
  const tmp = mkdtempSync(join(tmpdir(), 'qmp-bench-devices-'));
  const lines: string[] = [];
  try {
    // 1. import time, interleaved (one warm-up of each first)
    const source = (devices: boolean) => ({ source: { qemu: q.binary, env: q.env, devices }, qapiSource: q.qapiSource });
    await importTarget(source(false));
    await importTarget(source(true));
    const without: number[] = [];
    const withDevices: number[] = [];
    for (let i = 0; i < 3; i++) {
      without.push(await timed(() => importTarget(source(false))));
      withDevices.push(await timed(() => importTarget(source(true))));
    }
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    lines.push(`import QEMU 10.0 from its binary with QAPI source (median of 3): ${s(median(withDevices))} with device models, ${s(median(without))} without (the import before device models); goal < 10 s`);

    // 2. consumer tsc, target generated without / with devices.json
    symlinkSync(join(root, 'node_modules'), join(tmp, 'node_modules'), 'dir');
    writeFileSync(join(tmp, 'package.json'), '{"type":"module","private":true}\n');
    const schemaSrc = join(root, 'schema', q.target);
    for (const variant of ['without', 'with']) {
      const schemaDir = join(tmp, variant, 'schema', q.target);
      mkdirSync(schemaDir, { recursive: true });
      for (const f of readdirSync(schemaSrc)) if (variant === 'with' || f !== 'devices.json') copyFileSync(join(schemaSrc, f), join(schemaDir, f));
      await generateTarget({ schemaDir, outDir: join(tmp, variant, 'gen'), runtimeImport: join(root, 'runtime/index.js') });
      const deviceCall = variant === 'with' ? "await qmp.commands.deviceAdd({ driver: 'virtio-blk-pci', id: 'vblk0', bus: 'rp1', drive: 'disk0' });" : "await qmp.commands.deviceAdd({ driver: 'virtio-blk-pci', id: 'vblk0', bus: 'rp1' });";
      writeFileSync(
        join(tmp, variant, 'consumer.ts'),
        `import { QmpClient } from ${JSON.stringify(join(tmp, variant, 'gen/index.js'))};\n` +
          `export async function f(path: string): Promise<string> {\n  const qmp = await QmpClient.connect({ path });\n  ${deviceCall}\n  const s = await qmp.commands.queryStatus();\n  await qmp.close();\n  return s.status;\n}\n`,
      );
      writeFileSync(
        join(tmp, variant, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: ['node'], ignoreDeprecations: '6.0', typeRoots: [join(root, 'node_modules/@types')] }, files: ['consumer.ts'] }),
      );
    }
    // CPU time of the tsc process (user + system, read by tsc's own process at exit): the machine is
    // shared, and wall time there mostly measures the wait for a core
    const tscJs = join(root, 'node_modules/typescript/lib/tsc.js');
    const tsc = (variant: string): { cpu: number; wall: number } => {
      const script = `process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('CPU ' + (u.user + u.system) / 1000 + '\\n'); }); process.argv = [process.argv[0], 'tsc', '-p', ${JSON.stringify(join(tmp, variant, 'tsconfig.json'))}]; require(${JSON.stringify(tscJs)});`;
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['-e', script], { cwd: tmp, encoding: 'utf8' });
      const wall = performance.now() - t0;
      const m = /CPU ([0-9.]+)/.exec(r.stderr);
      if (r.status !== 0 || m === null) throw new Error(`tsc of the ${variant} consumer failed: ${r.stdout}${r.stderr}`);
      return { cpu: Number(m[1]), wall };
    };
    const runs: Record<string, Array<{ cpu: number; wall: number }>> = { without: [], with: [] };
    for (let i = 0; i < 5; i++) for (const v of ['without', 'with']) runs[v]!.push(tsc(v));
    const med = (v: string, k: 'cpu' | 'wall') => median(runs[v]!.map((r) => r[k]));
    const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${fmt(((b - a) / a) * 100, 1)} %`;
    lines.push(
      `tsc --noEmit of a small consumer (query-status + device_add; generated .ts sources, so every declaration is checked) of the 10.0 target, median of 5 interleaved: ` +
        `CPU ${fmt(med('with', 'cpu'))} ms with device models vs ${fmt(med('without', 'cpu'))} ms without: ${pct(med('without', 'cpu'), med('with', 'cpu'))} (goal ≤ +25 %); ` +
        `wall ${fmt(med('with', 'wall'))} vs ${fmt(med('without', 'wall'))} ms (${pct(med('without', 'wall'), med('with', 'wall'))}, noisy on a shared machine)`,
    );

    // 3. validator speed
    const dev = { driver: 'virtio-blk-pci', id: 'vblk0', bus: 'rp1', drive: 'disk0', 'num-queues': 2, 'write-cache': 'on' };
    const blk = { driver: 'qcow2', 'node-name': 'disk0', file: { driver: 'file', filename: '/tmp/disk.qcow2' } };
    if (!validateArguments('device_add', dev).ok) throw new Error('device_add bench arguments do not validate');
    validateArguments('device_add', { driver: 'e1000' }); // first use of a driver builds its property map
    lines.push(`validateArguments: device_add (virtio-blk-pci, 6 members) ${fmt(rate(() => validateArguments('device_add', dev)))} /s; blockdev-add (nested qcow2+file, Ajv) ${fmt(rate(() => validateArguments('blockdev-add', blk)))} /s`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  for (const l of lines) console.log(l);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runDevicesBench();
}
