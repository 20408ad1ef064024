/**
 * `npm run bench`: every benchmark of the project, one after the other. Each prints its figures next
 * to a baseline measured in the same run (the machines are shared and noisy: read the ratios).
 */
const benches: Array<[string, string, string]> = [
  ['runtime: commands/s and CPU per command vs a raw-socket client', './runtime.js', 'runRuntimeBench'],
  ['wire: cost of one hostile message under the default limits; listeners on one event name', './wire.js', 'runWireBench'],
  ['importer: QEMU 10.0 import time', './import.js', 'runImportBench'],
  ['generator: regenerate, import, tsc, validators, validated throughput', './generate.js', 'runGenerateBench'],
  ['diff and probing: diff 7.2 → 10.0, first and cached supports()', './diff.js', 'runDiffBench'],
  ['qmp: CLI start-up vs node -e 0 and a raw one-shot client', './cli.js', 'runCliBench'],
  ['capacity: import + generate of synthetic introspections (500 and 2,000 commands)', './capacity.js', 'runCapacityBench'],
  ['package: install size per kind of user, validator bundle, vs the commit before issue 11', './install-size.js', 'runInstallSizeBench'],
  ['caller input: validating exactly what is sent (arguments serialised once, parsed back)', './caller-input.js', 'runCallerInputBench'],
  ['device_add: import with device models, consumer tsc, validator', './devices.js', 'runDevicesBench'],
  ['integers: lossless parse/serialise/validate vs JSON.parse/JSON.stringify (issue 13)', './integers.js', 'runIntegersBench'],
  ['bigint mode: the bigint entry vs the default entry (query-status, query-blockstats; issue 13)', './bigint.js', 'runBigintBench'],
  ['guest agent: QgaClient vs a raw socket (guest-ping, 1 and 64 in flight); readFile per chunk size; exec', './qga.js', 'runQgaBench'],
];

let failed = 0;
for (const [title, file, fn] of benches) {
  console.log(`\n=== ${title}`);
  try {
    const mod = (await import(file)) as Record<string, () => Promise<void>>;
    const run = mod[fn];
    if (typeof run !== 'function') throw new Error(`${file} does not export ${fn}()`);
    await run();
  } catch (err) {
    failed++;
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
