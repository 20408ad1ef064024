/**
 * `importTarget`: introspection (file, socket or QEMU binary) [+ QAPI source] → the schema documents of
 * a target, validated, and written atomically when `outDir` is given.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SchemaBuilder } from './build.js';
import { checkIntrospection } from './check.js';
import { devicesDocument } from './devices.js';
import { ImportError } from './errors.js';
import { stringifyStable } from './json.js';
import { nameTypes } from './naming.js';
import { recordIntWidths, type IntWidthCounts } from './int-widths.js';
import { loadQapi } from './qapi.js';
import type { LoadedQapi } from './qapi.js';
import { readIntrospectionFile } from './source-file.js';
import { fetchFromQemu, fetchFromSocket } from './source-live.js';
import { compileTarget } from './validate.js';
import { importerVersion } from './version.js';
import { checkSchemaFolder, replaceFolder } from './write.js';
import { schemaFileNames, targetFileName, devicesFileName, type SchemaFileName } from '../schema-format/files.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import type { Fetched } from './fetched.js';
import type { QapiNames } from '../qapi/types.js';
import { isRecord } from '../guards.js';

/** Where the introspection comes from. */
export type ImportSource =
  | { file: string }
  | { socket: string }
  | { qemu: string; env?: Record<string, string>; args?: string[]; /** Read the device models too (default `true`): `devices.json`. */ devices?: boolean };

/** Options of {@link importTarget}. */
export interface ImportOptions {
  source: ImportSource;
  /** QAPI source (folder holding `qapi-schema.json`, that file, or a QEMU source tarball): names and docs. */
  qapiSource?: string;
  /** When given, the target folder to (re)write atomically, e.g. `schema/qemu-10.0-x86_64`. */
  outDir?: string;
  /** Target name; default `qemu-<major>.<minor>-<arch>` from `query-version`/`query-target`. */
  targetName?: string;
}

/** `target.json`: metadata of an imported target. */
export interface TargetMeta {
  target: string;
  /** `"qga"` for a guest agent target (`qga-import.ts`); absent for QMP. */
  protocol?: 'qga';
  qemu: { major: number; minor: number; micro: number } | null;
  package: string | null;
  arch: string | null;
  importer: { version: string; from: Fetched['from'] | 'qapi-source'; qapiSource: null | { version: string | null } };
  counts: { commands: number; events: number; types: number; qapiNamed: number; pathNamed: number };
}

/** What the import found, for the CLI summary. */
export interface ImportSummary {
  commands: number;
  events: number;
  /** Definitions in `types.json`. */
  types: number;
  /** With device models (`devices.json`): non-abstract models described, and those skipped with the reason. */
  devices?: { described: number; skipped: Array<[string, string]> };
  /** Only with a QAPI source: named types (in `types.json` or inline) with their QAPI name / a path-derived one. */
  qapi?: { named: number; pathNamed: number; reasons: Record<string, number> };
  /** Only with a QAPI source: integer places narrowed to their QAPI width (`x-qmp.int`), per width. */
  intWidths?: IntWidthCounts;
  warnings: string[];
}

/** The result of {@link importTarget}. */
export interface ImportResult {
  target: string;
  meta: TargetMeta;
  /** The four schema documents by file name (`types.json`, `commands.json`, `returns.json`, `events.json`). */
  documents: Record<string, JsonSchema>;
  /** Exact text of every file (`target.json` included), as written. */
  files: ReadonlyMap<string, string>;
  summary: ImportSummary;
}

function versionOf(v: unknown): { qemu: TargetMeta['qemu']; package: string | null } {
  if (!isRecord(v) || !isRecord(v.qemu)) return { qemu: null, package: null };
  const { major, minor, micro } = v.qemu;
  if (typeof major !== 'number' || typeof minor !== 'number' || typeof micro !== 'number') {
    throw new ImportError('query-version reply has no numeric qemu.major/minor/micro');
  }
  return { qemu: { major, minor, micro }, package: typeof v.package === 'string' ? v.package.trim() : null };
}

function qapiSourceVersion(path: string): string | null {
  try {
    const dir = statSync(path).isDirectory() ? path : join(path, '..');
    const file = join(dir, '.version');
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
  } catch {
    return null;
  }
}

async function fetchIntrospection(source: ImportSource): Promise<Fetched> {
  if ('file' in source) return readIntrospectionFile(source.file);
  if ('socket' in source) return fetchFromSocket(source.socket);
  return fetchFromQemu(source.qemu, { env: source.env, args: source.args, devices: source.devices });
}

/** Turns the path-derived-name reasons into grouped counts. */
function reasonCounts(names: QapiNames | undefined, pathNamed: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const masked of pathNamed) {
    const reason = names?.unnamed.get(masked) ?? 'not reached by name recovery';
    out[reason] = (out[reason] ?? 0) + 1;
  }
  return out;
}

/**
 * Imports a target. Everything is built and validated (Ajv strict) in memory first; with `outDir`
 * the folder is then replaced atomically. Any error (an {@link ImportError} naming the place) writes nothing.
 */
export async function importTarget(options: ImportOptions): Promise<ImportResult> {
  if (options.outDir !== undefined) checkSchemaFolder(options.outDir); // refuse before the slow part, and again when writing
  const [fetched, qapi] = await Promise.all([
    fetchIntrospection(options.source),
    options.qapiSource === undefined ? Promise.resolve(undefined) : loadQapi(options.qapiSource),
  ]);
  return buildTarget(fetched, options, qapi);
}

/** The synchronous part of {@link importTarget} after fetching (also used by tests and the bench). */
export async function buildTarget(
  fetched: Fetched,
  options: Pick<ImportOptions, 'outDir' | 'targetName' | 'qapiSource'>,
  qapi?: LoadedQapi,
  /** Another dialect's additions (the guest agent's, `qga-import.ts`), applied before anything is written. */
  dialect?: { annotate(documents: Record<SchemaFileName, JsonSchema>): void; meta(meta: TargetMeta): TargetMeta },
): Promise<ImportResult> {
  const intro = checkIntrospection(fetched.schema);
  const { qemu, package: pkg } = versionOf(fetched.version);
  const arch = isRecord(fetched.target) && typeof fetched.target.arch === 'string' ? fetched.target.arch : null;
  const target = options.targetName ?? (qemu !== null && arch !== null ? `qemu-${qemu.major}.${qemu.minor}-${arch}` : undefined);
  if (target === undefined) {
    throw new ImportError('QEMU version or architecture unknown (introspection without query-version/query-target): give a target name');
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(target)) throw new ImportError(`target name ${JSON.stringify(target)} is not a plain folder name`);
  const names = qapi === undefined ? undefined : qapi.recover(intro.entries, qapi.source);
  const naming = nameTypes(intro, names?.typeNames);
  const built = new SchemaBuilder(intro, naming, target, names, qapi?.source).build();
  const intWidths = qapi === undefined ? undefined : recordIntWidths(built.documents, qapi.source);
  dialect?.annotate(built.documents);

  let meta: TargetMeta = {
    target,
    qemu,
    package: pkg,
    arch,
    importer: {
      version: importerVersion,
      from: fetched.from,
      qapiSource: options.qapiSource === undefined ? null : { version: qapiSourceVersion(options.qapiSource) },
    },
    counts: {
      commands: intro.commands.length,
      events: intro.events.length,
      types: built.typeCount,
      qapiNamed: built.qapiNamed,
      pathNamed: built.pathNamed,
    },
  };
  if (dialect !== undefined) meta = dialect.meta(meta);
  const files = new Map<string, string>();
  for (const f of schemaFileNames) files.set(f, stringifyStable(built.documents[f]));
  files.set(targetFileName, stringifyStable(meta));
  if (fetched.devices !== undefined) files.set(devicesFileName, stringifyStable(devicesDocument(target, fetched.devices)));
  compileTarget(files);

  const pathNamed = [...naming.types.values()]
    .filter((t) => t.origin !== 'qapi' && intro.byName.get(t.masked)?.['meta-type'] !== 'array')
    .map((t) => t.masked);
  const summary: ImportSummary = {
    commands: intro.commands.length,
    events: intro.events.length,
    types: built.typeCount,
    warnings: [...naming.warnings, ...(names?.warnings ?? []).map((w) => `${w.path}: ${w.message}`)],
  };
  if (fetched.devices !== undefined) {
    const models = [...fetched.devices.models];
    summary.devices = {
      described: models.filter(([, m]) => m.properties !== undefined).length,
      skipped: models.flatMap(([n, m]) => (m.skipped !== undefined ? [[n, m.skipped] as [string, string]] : [])),
    };
  }
  if (qapi !== undefined) summary.qapi = { named: built.qapiNamed, pathNamed: built.pathNamed, reasons: reasonCounts(names, pathNamed) };
  if (intWidths !== undefined) summary.intWidths = intWidths;
  if (options.outDir !== undefined) await replaceFolder(options.outDir, files);
  return { target, meta, documents: { ...built.documents }, files, summary };
}
