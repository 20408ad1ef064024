/** `qmp-codegen import`: returns the process exit code (0 ok, 1 import failed, 2 usage error). */
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { isImportError } from './errors.js';
import { importTarget } from './import-target.js';
import type { ImportResult, ImportSource } from './import-target.js';

const importUsage = `usage: qmp-codegen import (--qemu <binary> | --socket <path> | --file <json> | --qga-source <p>)
                          [--qapi-source <dir|qapi-schema.json|tarball>] [--out <dir>] [--target <name>] [--dry-run]
                          [--generate <dir> [--runtime-import <specifier>]]
  --qemu <binary>      start this QEMU (-machine none -nodefaults -display none -S) and ask it;
                       its device models too, for device_add (devices.json)
  --socket <path>      ask a running QEMU over its QMP unix socket
  --file <json>        read a saved query-qmp-schema reply (bare array, {"return": [...]},
                       or {greeting, schema, version, target})
  --qapi-source <p>    QAPI source of the same QEMU version: QAPI names and docs
  --qga-source <p>     a guest agent target (qga-<major>.<minor>) from the agent's QAPI source:
                       a folder holding qapi-schema.json or qga/qapi-schema.json, that file,
                       or a QEMU source tarball
  --out <dir>          target folder to replace (default schema/<target>)
  --target <name>      target name (default qemu-<major>.<minor>-<arch>, or qga-<major>.<minor>)
  --dry-run            build and validate, write nothing
  --generate <dir>     then generate the typed SDK from the new schema into <dir> (as
                       'qmp-codegen generate' does): one command after a QEMU upgrade, and
                       'tsc' shows every call site the upgrade broke
  --runtime-import <s> with --generate: module the generated code imports the runtime from
                       (default qmp-sdk/runtime)`;

/** Prints the summary of one import. */
export function printSummary(r: ImportResult, where: string | undefined, log: (s: string) => void = console.log): void {
  const s = r.summary;
  log(`${r.target} (from ${r.meta.importer.from}): ${s.commands} commands, ${s.events} events, ${s.types} types${where === undefined ? ' (not written)' : ` → ${where}`}`);
  if (s.devices !== undefined) {
    log(`  device models: ${s.devices.described} described (devices.json), ${s.devices.skipped.length} skipped`);
    for (const [name, why] of s.devices.skipped) log(`    skipped ${name}: ${why}`);
  }
  if (s.qapi !== undefined) {
    const total = s.qapi.named + s.qapi.pathNamed;
    log(`  QAPI names: ${s.qapi.named} of ${total} named types; ${s.qapi.pathNamed} kept a path-derived name:`);
    const reasons = Object.entries(s.qapi.reasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (const [reason, n] of reasons) log(`    ${String(n).padStart(5)}  ${reason}`);
  }
  if (s.intWidths !== undefined) log(`  integer widths from the source: ${Object.entries(s.intWidths).map(([w, n]) => `${w} ${n}`).join(', ') || 'none'}`);

  if (s.warnings.length > 0) {
    log(`  warnings (${s.warnings.length}):`);
    for (const w of s.warnings) log(`    ${w}`);
  }
}

function fail(err: unknown, prefix: string): number {
  console.error(`${prefix}: ${isImportError(err) || err instanceof Error ? err.message : String(err)}`);
  return 1;
}

/** `qmp-codegen import …`. */
export async function importCli(args: readonly string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        qemu: { type: 'string' },
        socket: { type: 'string' },
        file: { type: 'string' },
        'qapi-source': { type: 'string' },
        'qga-source': { type: 'string' },
        out: { type: 'string' },
        target: { type: 'string' },
        'dry-run': { type: 'boolean' },
        generate: { type: 'string' },
        'runtime-import': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    console.error(`qmp-codegen import: ${(err as Error).message}\n${importUsage}`);
    return 2;
  }
  if (values.help === true) {
    console.log(importUsage);
    return 0;
  }
  const given = (['qemu', 'socket', 'file', 'qga-source'] as const).filter((k) => typeof values[k] === 'string');
  if (given.length !== 1) {
    console.error(`qmp-codegen import: give exactly one of --qemu, --socket, --file, --qga-source\n${importUsage}`);
    return 2;
  }
  if (given[0] === 'qga-source' && typeof values['qapi-source'] === 'string') {
    console.error(`qmp-codegen import: --qga-source is the agent's QAPI source itself (no --qapi-source)\n${importUsage}`);
    return 2;
  }
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  if (str('generate') !== undefined && values['dry-run'] === true) {
    console.error(`qmp-codegen import: --generate needs the schema written (not --dry-run)\n${importUsage}`);
    return 2;
  }
  if (str('runtime-import') !== undefined && str('generate') === undefined) {
    console.error(`qmp-codegen import: --runtime-import goes with --generate\n${importUsage}`);
    return 2;
  }
  const source: ImportSource =
    given[0] === 'qemu' ? { qemu: str('qemu') ?? '' } : given[0] === 'socket' ? { socket: str('socket') ?? '' } : { file: str('file') ?? '' };
  try {
    const dry = values['dry-run'] === true;
    const common = {
      ...(str('target') !== undefined ? { targetName: str('target') } : {}),
      ...(str('out') !== undefined && !dry ? { outDir: str('out') } : {}),
    };
    // The target name is known only after asking QEMU: build first, then write to the default folder.
    const first =
      given[0] === 'qga-source'
        ? await (await import('./qga-import.js')).importQga({ qgaSource: str('qga-source') ?? '', ...common })
        : await importTarget({ source, ...(str('qapi-source') !== undefined ? { qapiSource: str('qapi-source') } : {}), ...common });
    let where = dry ? undefined : (str('out') ?? join('schema', first.target));
    if (!dry && str('out') === undefined && where !== undefined) {
      const { replaceFolder } = await import('./write.js');
      await replaceFolder(where, first.files);
    }
    printSummary(first, where);
    const generateDir = str('generate');
    if (generateDir !== undefined && where !== undefined) {
      const { generateTarget } = await import('../generate/generate.js');
      const runtimeImport = str('runtime-import');
      const g = await generateTarget({ schemaDir: where, outDir: generateDir, ...(runtimeImport !== undefined ? { runtimeImport } : {}) });
      console.log(`generated ${g.target} → ${relative(process.cwd(), g.outDir) || '.'}: ${g.counts.commands} commands, ${g.counts.events} events, ${g.counts.types} types`);
    }
    return 0;
  } catch (err) {
    return fail(err, 'qmp-codegen import');
  }
}
