/**
 * `qmp` start-up: wall time of `qmp --help`, of a one-shot `query-status` against a running QEMU
 * 10.0 (no arguments: no schema needed), and of a one-shot with arguments (the live schema is
 * fetched, built by the importer and the command's validator compiled). The CLI runs as published:
 * built with `tsc` into a temporary folder, started with `node dist/cli/main.js`.
 * Baselines in the same run: `node -e 0`, and a raw one-shot client (net socket, greeting,
 * `qmp_capabilities`, `query-status`, print) in a dozen lines. Runs go round-robin.
 * Runnable directly: `npx tsx bench/cli.ts`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchQemu } from '../runtime/index.js';
import { findQemu, projectRoot as root } from '../scripts/qemus.js';

const runs = 9;

const rawClient = `import { connect } from 'node:net';
const s = connect(process.argv[2]);
let buf = '', step = 0;
s.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const m = JSON.parse(buf.slice(0, i)); buf = buf.slice(i + 1);
    if (m.QMP && step === 0) { step = 1; s.write('{"execute":"qmp_capabilities"}\\n'); }
    else if (m.return !== undefined && step === 1) { step = 2; s.write('{"execute":"query-status","id":1}\\n'); }
    else if (m.id === 1) { console.log(JSON.stringify(m.return, null, 2)); s.end(); }
  }
});
`;

/**
 * Median wall time of each command line, run round-robin (one of each per round) so that every
 * variant sees the same load on a shared machine.
 */
function medians(cases: readonly string[][], env: NodeJS.ProcessEnv): number[] {
  const times = cases.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    cases.forEach((args, k) => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', env });
      times[k]!.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

/** Runs the benchmark and prints its lines. */
export async function runCliBench(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'qmp-cli-bench-'));
  try {
    // The package as published: package.json, dist/ (fresh build), schema/, its dependencies beside it.
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(tmp, 'dist')], { cwd: root });
    cpSync(join(root, 'package.json'), join(tmp, 'package.json'));
    symlinkSync(join(root, 'schema'), join(tmp, 'schema'), 'dir');
    symlinkSync(join(root, 'node_modules'), join(tmp, 'node_modules'), 'dir');
    const raw = join(tmp, 'raw-client.mjs');
    writeFileSync(raw, rawClient);
    const qmp = join(tmp, 'dist/cli/main.js');
    const socket = join(tmp, 'cli.sock');

    const q = findQemu('10.0');
    const vm = await launchQemu({ binary: q.binary, env: q.env, args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S', '-qmp', `unix:${socket},server=on,wait=off`] });
    try {
      const env = { ...process.env, NO_COLOR: '1' };
      const cases = [['-e', '0'], [qmp, '--help'], [raw, socket], [qmp, '-s', socket, 'query-status'], [qmp, '-s', socket, 'qom-list', 'path=/machine']];
      medians(cases, env); // warm the file cache
      const [nodeOnly, help, rawOneShot, oneShot, withArgs] = medians(cases, env) as [number, number, number, number, number];
      const ms = (t: number) => `${t.toFixed(0)} ms`;
      console.log(`qmp start-up (median of ${runs} runs; baseline node -e 0: ${ms(nodeOnly)}, raw one-shot client: ${ms(rawOneShot)})`);
      console.log(`  qmp --help                         ${ms(help).padStart(7)}  ${(help / nodeOnly).toFixed(2)}× node -e 0`);
      console.log(`  qmp -s SOCK query-status           ${ms(oneShot).padStart(7)}  ${(oneShot / rawOneShot).toFixed(2)}× the raw client`);
      console.log(`  qmp -s SOCK qom-list path=/machine ${ms(withArgs).padStart(7)}  ${(withArgs / rawOneShot).toFixed(2)}× the raw client (live schema + validator)`);
    } finally {
      await vm.close();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runCliBench();
}
