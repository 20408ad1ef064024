/**
 * Cost of validating exactly what is sent (runtime/wire-arguments.ts): the generated 10.0 client with
 * argument validation on, sending `blockdev-add` with nested arguments (the validator walks a union),
 * against the instant C peer, next to the raw-socket client sending the same JSON in the same run.
 * The arguments are serialised once and the validator checks that text parsed back: one
 * `JSON.parse` per validated call. Read CPU µs per command (client vs raw) and the ratio.
 *
 * Run: `npx tsx bench/caller-input.ts` (also part of `npm run bench`).
 */
import { pathToFileURL } from 'node:url';
import { QmpClient } from '../generated/qemu-10.0-x86_64/index.js';
import { runRawClient, startInstantPeer, type ThroughputResult } from './baseline.js';
import { runQmpClient } from './runtime.js';

const args = { driver: 'qcow2', 'node-name': 'disk0', file: { driver: 'file', filename: '/tmp/disk.qcow2' } };

function best(a: ThroughputResult, b: ThroughputResult): ThroughputResult {
  return { opsPerSec: Math.max(a.opsPerSec, b.opsPerSec), cpuMicrosPerOp: Math.min(a.cpuMicrosPerOp, b.cpuMicrosPerOp) };
}

/** Prints one table: validated blockdev-add and unvalidated query-status, 1 and 64 in flight. */
export async function runCallerInputBench(): Promise<void> {
  const peer = await startInstantPeer();
  const validated = await QmpClient.connect({ path: peer.path, validateArguments: true });
  const unvalidated = await QmpClient.connect({ path: peer.path, validateArguments: false });
  const rows: string[] = [];
  try {
    for (const [label, client, command, cmdArgs] of [
      ['blockdev-add, validated', validated, 'blockdev-add', args],
      ['blockdev-add, not validated', unvalidated, 'blockdev-add', args],
    ] as const) {
      for (const [inFlight, count] of [[1, 20000], [64, 100000]] as const) {
        const o = { inFlight, count, command, arguments: cmdArgs };
        await runQmpClient(client as never, { ...o, count: 5000 }); // warm-up
        let c = await runQmpClient(client as never, o);
        let r = await runRawClient(peer.path, o);
        c = best(c, await runQmpClient(client as never, o));
        r = best(r, await runRawClient(peer.path, o));
        rows.push(
          `| ${label.padEnd(28)} | ${String(inFlight).padStart(9)} | ${c.cpuMicrosPerOp.toFixed(2).padStart(14)} | ${r.cpuMicrosPerOp.toFixed(2).padStart(11)} | ${(c.cpuMicrosPerOp / r.cpuMicrosPerOp).toFixed(2).padStart(7)}× | ${Math.round(c.opsPerSec).toLocaleString('en').padStart(11)} | ${Math.round(r.opsPerSec).toLocaleString('en').padStart(9)} |`,
        );
      }
    }
  } finally {
    await validated.close();
    await unvalidated.close();
    await peer.close();
  }
  console.log('generated 10.0 client vs raw client, instant C peer, best of 2 interleaved runs');
  console.log('| command                      | in flight | client CPU µs | raw CPU µs | client/raw | client cmd/s | raw cmd/s |');
  console.log('|:-----------------------------|----------:|--------------:|-----------:|-----------:|-------------:|----------:|');
  for (const r of rows) console.log(r);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCallerInputBench();
}
