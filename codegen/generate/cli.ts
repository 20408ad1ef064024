/** `qmp-codegen generate --schema <dir> --out <dir> [--runtime-import <specifier>]`. */
import { relative } from 'node:path';
import { isGenerateError } from './errors.js';
import { generateTarget } from './generate.js';

const usage = `usage: qmp-codegen generate --schema <schema/target dir> --out <output dir> [--runtime-import <specifier>]
  --schema          folder written by 'qmp-codegen import' (target.json, types.json, commands.json, returns.json, events.json)
  --out             output folder (replaced as a whole; e.g. src/qmp)
  --runtime-import  module the generated code imports the runtime from (default: qmp-sdk/runtime;
                    the validators import its socket-free sibling, qmp-sdk/runtime/validation)`;

function parse(args: readonly string[]): Map<string, string> | string {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--help' || a === '-h') return 'help';
    const m = /^--(schema|out|runtime-import)(?:=(.*))?$/.exec(a);
    if (m === null) return `unknown option '${a}'`;
    const value = m[2] ?? args[++i];
    if (value === undefined || value === '') return `option --${m[1] as string} needs a value`;
    out.set(m[1] as string, value);
  }
  return out;
}

function report(err: unknown): number {
  console.error(`qmp-codegen generate: ${isGenerateError(err) ? err.message : err instanceof Error ? err.message : String(err)}`);
  return 1;
}

/** `qmp-codegen generate …`; returns the exit code. */
export async function generateCli(args: string[]): Promise<number> {
  const opts = parse(args);
  if (opts === 'help') {
    console.log(usage);
    return 0;
  }
  if (typeof opts === 'string' || !opts.has('schema') || !opts.has('out')) {
    console.error(`qmp-codegen generate: ${typeof opts === 'string' ? opts : '--schema and --out are required'}\n${usage}`);
    return 2;
  }
  try {
    const t0 = performance.now();
    const r = await generateTarget({ schemaDir: opts.get('schema') as string, outDir: opts.get('out') as string, runtimeImport: opts.get('runtime-import') });
    console.log(`generated ${r.target} → ${relative(process.cwd(), r.outDir) || '.'}: ${r.counts.commands} commands, ${r.counts.events} events, ${r.counts.types} types (${Math.round(performance.now() - t0)} ms)`);
    return 0;
  } catch (err) {
    return report(err);
  }
}
