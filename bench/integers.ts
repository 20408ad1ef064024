/**
 * `npm run bench` (integers, issue 13): what lossless integers cost, each row next to the lossy
 * `JSON.parse`/`JSON.stringify` baseline measured in the same run (read the ratios).
 * 1. parseJson fast path (no 16-digit run: `JSON.parse` after a scan) on a query-status reply;
 * 2. the exact path on a real pci-bridge `device-list-properties` reply (four 2^64 − 1 defaults) and
 *    on a 64 KiB reply holding 1,200 integers beyond 2^53;
 * 3. the worst a peer can send within the framer's default limits: 1 Mi tokens of 17-digit integers;
 * 4. serialising arguments with a bigint (plain data; any data) vs `JSON.stringify` of them with a number;
 * 5. the generated validator (`x-int`) on `block_resize` arguments: number vs bigint size.
 * The typed client at 64 in flight against the instant peer (default mode) is bench/runtime.ts.
 *
 * Run: `tsx bench/integers.ts`.
 */
import { pathToFileURL } from 'node:url';
import { parseJson } from '../runtime/json-parse.js';
import { stringifyJson, stringifyPlainJson } from '../runtime/json-stringify.js';
import { validateArguments } from '../generated/qemu-10.0-x86_64/validators.js';

const STATUS = '{"return": {"status": "running", "singlestep": false, "running": true}, "id": 12}';
/** QEMU 10.0's reply to device-list-properties of pci-bridge (as sent; the same on 7.2). */
const PCI_BRIDGE =
  '{"return": [{"name": "failover_pair_id", "type": "str"}, {"name": "romfile", "type": "str"}, {"default-value": -1, "name": "addr", "description": "Slot and optional function number, example: 06.0 or 06", "type": "int32"}, {"default-value": 4294967295, "name": "romsize", "type": "uint32"}, {"default-value": true, "name": "x-pcie-lnksta-dllla", "description": "on/off", "type": "bool"}, {"default-value": 1, "name": "rombar", "type": "uint32"}, {"default-value": true, "name": "x-pcie-extcap-init", "description": "on/off", "type": "bool"}, {"default-value": 0, "name": "acpi-index", "type": "uint32"}, {"default-value": false, "name": "multifunction", "description": "on/off", "type": "bool"}, {"default-value": 0, "name": "chassis_nr", "type": "uint8"}, {"default-value": 4294967295, "name": "bus-reserve", "type": "uint32"}, {"default-value": 18446744073709551615, "name": "mem-reserve", "type": "size"}, {"default-value": 18446744073709551615, "name": "pref64-reserve", "type": "size"}, {"default-value": 18446744073709551615, "name": "io-reserve", "type": "size"}, {"default-value": "auto", "name": "msi", "description": "on/off/auto", "type": "OnOffAuto"}, {"default-value": 18446744073709551615, "name": "pref32-reserve", "type": "size"}, {"default-value": true, "name": "shpc", "description": "on/off", "type": "bool"}], "id": 7}';

function bigReply(): string {
  const items: string[] = [];
  let length = 0;
  for (let i = 0; length < 64 * 1024; i++) {
    const item = `{"node-name":"n${i}","rd_bytes":${2n ** 64n - 1n - BigInt(i)},"wr_bytes":${2n ** 53n + 1n + BigInt(i)},"rd_operations":${i},"idle_time_ns":${1800000000000000000n + BigInt(i)}}`;
    items.push(item);
    length += item.length + 1;
  }
  return `{"return": [${items.join(',')}], "id": 3}`;
}

/** Median ns per call of `f` over 7 rounds (after a warm-up), rounds sized to ~2 MB of input. */
function time(f: () => unknown, bytes: number): number {
  const rounds = Math.max(3, Math.floor(2e6 / Math.max(bytes, 1)));
  for (let k = 0; k < rounds; k++) f();
  const samples: number[] = [];
  for (let r = 0; r < 7; r++) {
    const s = process.hrtime.bigint();
    for (let k = 0; k < rounds; k++) f();
    samples.push(Number(process.hrtime.bigint() - s) / rounds);
  }
  samples.sort((a, b) => a - b);
  return samples[3] as number;
}

function row(label: string, ours: number, base: number): void {
  const us = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toFixed(1)} ms` : `${(ns / 1000).toFixed(2)} µs`);
  console.log(`| ${label.padEnd(64)} | ${us(ours).padStart(10)} | ${us(base).padStart(10)} | ${`${(ours / base).toFixed(2)}×`.padStart(6)} |`);
}

export async function runIntegersBench(): Promise<void> {
  console.log('| case                                                             |       ours |   baseline |  ratio |');
  console.log('|------------------------------------------------------------------|------------|------------|--------|');
  row('parseJson fast path vs JSON.parse: query-status reply', time(() => parseJson(STATUS), STATUS.length), time(() => JSON.parse(STATUS), STATUS.length));
  row(`exact path vs JSON.parse: pci-bridge properties (${PCI_BRIDGE.length} B)`, time(() => parseJson(PCI_BRIDGE), PCI_BRIDGE.length), time(() => JSON.parse(PCI_BRIDGE), PCI_BRIDGE.length));
  const big = bigReply();
  row(`exact path vs JSON.parse: 64 KiB, 3,600 integers > 2^53`, time(() => parseJson(big), big.length), time(() => JSON.parse(big), big.length));
  const hostile = `[${'12345678901234567,'.repeat(1024 * 1024 - 1)}12345678901234567]`;
  row(`exact path vs JSON.parse: 1 Mi × 17-digit ints (${(hostile.length / 2 ** 20).toFixed(0)} MiB)`, time(() => parseJson(hostile), hostile.length), time(() => JSON.parse(hostile), hostile.length));
  const argsBig = { 'node-name': 'drive0', size: 2n ** 60n + 4096n };
  const argsNum = { 'node-name': 'drive0', size: 2 ** 40 };
  row('stringifyPlainJson (plain args) bigint vs JSON.stringify number', time(() => stringifyPlainJson(argsBig), 64), time(() => JSON.stringify(argsNum), 64));
  row('stringifyJson (any args, marker pass) bigint vs JSON.stringify', time(() => stringifyJson(argsBig), 64), time(() => JSON.stringify(argsNum), 64));
  row('validator (x-int) block_resize: bigint size vs number size', time(() => validateArguments('block_resize', argsBig as never), 64), time(() => validateArguments('block_resize', argsNum), 64));
  await Promise.resolve();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runIntegersBench();
