/**
 * `generateTarget()`: schema folder → `generated/<target>/` (types, command map and methods, event
 * map, standalone validators, runtime binding, typed client). Output is written to a temporary
 * sibling folder and swapped in only when everything succeeded, so a failure leaves the previous
 * output untouched.
 */
import { resolve } from 'node:path';
import { checkOwnFolder, isGeneratedFile, replaceOwnFolder } from '../own-folder.js';
import { compileValidators } from './compile-validators.js';
import { GenerateError } from './errors.js';
import { deviceTableCode } from './device-table.js';
import { buildModel, type TargetModel } from './model.js';
import { reservedTypeNames } from './reserved-names.js';
import { loadTargetSchema } from './schema.js';
import { qgaTargetFiles, qmpTargetFiles } from './target-files.js';

/** Options of {@link generateTarget}. */
export interface GenerateOptions {
  /** The target's schema folder (`target.json`, `types.json`, `commands.json`, `returns.json`, `events.json`). */
  readonly schemaDir: string;
  /** Output folder; replaced as a whole (it may only hold files this generator wrote). */
  readonly outDir: string;
  /** Module specifier of the runtime in generated imports (default `qmp-sdk/runtime`). */
  readonly runtimeImport?: string;
  /** Folder of the protocol schemas (default: this package's `schema/protocol/`). */
  readonly protocolDir?: string;
}

/** What {@link generateTarget} produced. */
export interface GenerateResult {
  readonly target: string;
  readonly outDir: string;
  readonly files: readonly string[];
  readonly counts: { readonly types: number; readonly commands: number; readonly events: number };
}

/**
 * The runtime's socket-free validation module beside the runtime entry: `qmp-sdk/runtime` →
 * `qmp-sdk/runtime/validation`, `../../runtime/index.js` → `../../runtime/validation.js`.
 */
export function validationModuleOf(runtimeImport: string): string {
  if (runtimeImport.endsWith('/index.js')) return `${runtimeImport.slice(0, -'index.js'.length)}validation.js`;
  if (/\.[cm]?[jt]s$/.test(runtimeImport)) throw new GenerateError('--runtime-import', `must name the runtime's index.js or its package entry (got ${JSON.stringify(runtimeImport)})`);
  return `${runtimeImport}/validation`;
}

/**
 * The guest agent's runtime entry beside the runtime entry: `qmp-sdk/runtime` → `qmp-sdk/runtime/qga`,
 * `../../runtime/index.js` → `../../runtime/qga/index.js` (call after {@link validationModuleOf} checked it).
 */
export function qgaModuleOf(runtimeImport: string): string {
  if (runtimeImport.endsWith('/index.js')) return `${runtimeImport.slice(0, -'index.js'.length)}qga/index.js`;
  return `${runtimeImport}/qga`;
}

/** Renders every file of a target in memory (no file is written). */
export function renderTarget(options: Omit<GenerateOptions, 'outDir'>): { target: string; files: Map<string, string>; counts: GenerateResult['counts'] } {
  const runtimeImport = options.runtimeImport ?? 'qmp-sdk/runtime';
  if (runtimeImport === '' || /[\u0000-\u001f\u2028\u2029]/.test(runtimeImport)) throw new GenerateError('--runtime-import', 'is not a module specifier');
  const validationImport = validationModuleOf(runtimeImport);
  const schema = loadTargetSchema(options.schemaDir, options.protocolDir);
  const targetFiles = schema.agent === 'qga' ? qgaTargetFiles : qmpTargetFiles;
  const model = buildModel(schema, reservedTypeNames(targetFiles));
  const compiled = compileValidators(model);
  const deviceTable = deviceTableOf(model);
  const printed = targetFiles({
    model,
    header: { source: schema.display },
    runtime: { 'index.js': runtimeImport, 'validation.js': validationImport, 'qga/index.js': qgaModuleOf(runtimeImport) },
    compiled,
    ...(deviceTable === undefined ? {} : { deviceTable }),
  });
  const files = new Map([...printed].map(([name, file]) => [name, file.toString()]));
  return { target: schema.name, files, counts: { types: model.types.size, commands: model.commands.length, events: model.events.length } };
}

const refuse = (path: string, why: string): GenerateError => new GenerateError(path, why);

/** The `device_add` table code when the target has device models (`bus`, `id`: what introspection lists besides `driver`). */
function deviceTableOf(model: TargetModel): string | undefined {
  const devices = model.schema.devices;
  const cmd = model.commands.find((c) => c.wire === 'device_add');
  if (devices === undefined || cmd === undefined) return undefined;
  const props = cmd.args['properties'];
  const common = typeof props === 'object' && props !== null ? Object.keys(props).filter((k) => k !== 'driver') : [];
  return deviceTableCode(devices, model.schema.name, common);
}

/** Generates one target into `outDir` (atomically replaced; refused when it holds anything this generator did not write). */
export async function generateTarget(options: GenerateOptions): Promise<GenerateResult> {
  const outDir = resolve(options.outDir);
  checkOwnFolder(outDir, isGeneratedFile, refuse);
  const { target, files, counts } = renderTarget(options);
  replaceOwnFolder(outDir, files, isGeneratedFile, refuse);
  return { target, outDir, files: [...files.keys()], counts };
}
