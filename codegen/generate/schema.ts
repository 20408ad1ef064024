/**
 * Reads a target's schema folder (`schema/<target>/`, see `schema/FORMAT.md`) and the protocol
 * schemas, and resolves `$ref`s. Every problem is a {@link GenerateError} naming file and JSON path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRecord } from '../guards.js';
import { protocolFiles, schemaFileName, schemaFiles, targetFileName, type SchemaFile } from '../schema-format/files.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import { parseDefinitionRef, type RefTarget } from '../schema-format/refs.js';
import { walkSchema } from '../schema-format/walk.js';
import { loadDevices, type DeviceSet } from './devices.js';
import { GenerateError } from './errors.js';
import { parseSchemaJson } from './exact-integers.js';

/** A loaded target. */
export interface TargetSchema {
  /** Target name from `target.json`, e.g. `qemu-10.0-x86_64`. */
  readonly name: string;
  /** Display name of the schema folder for messages and headers (`schema/<folder>`), no absolute path. */
  readonly display: string;
  /** `target.json` `qemu`: the QEMU version the schema was imported from, when recorded. */
  readonly qemu?: { readonly major: number; readonly minor: number; readonly micro: number };
  /** `target.json` `arch` (e.g. `x86_64`), when recorded. */
  readonly arch?: string;
  /** `target.json` `protocol`: `"qga"` for a QEMU guest agent target; absent for QMP. */
  readonly agent?: 'qga';
  readonly definitions: Readonly<Record<SchemaFile, ReadonlyMap<string, JsonSchema>>>;
  /** Protocol schemas by file base name. */
  readonly protocol: ReadonlyMap<string, JsonSchema>;
  /** Device models for `device_add` (`devices.json`), when the importer read them. */
  readonly devices?: DeviceSet;
}

function readJson(path: string, where: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new GenerateError(where, `cannot read: ${(err as Error).message}`);
  }
  try {
    return parseSchemaJson(text); // lossless: exact integers beyond 2^53 kept (exact-integers.ts)
  } catch (err) {
    throw new GenerateError(where, `not valid JSON: ${(err as Error).message}`);
  }
}

/** The folder of this package's protocol schemas (walks up from this module to `schema/protocol`). */
export function defaultProtocolDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'schema', 'protocol');
    if (existsSync(join(candidate, 'greeting.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('qmp-codegen: cannot find schema/protocol/ of the qmp-sdk package');
    dir = parent;
  }
}

/** Loads `target.json` and the four definition files of `schemaDir`, plus the protocol schemas. */
export function loadTargetSchema(schemaDir: string, protocolDir = defaultProtocolDir()): TargetSchema {
  const display = `schema/${basename(resolve(schemaDir))}`;
  const meta = readJson(join(schemaDir, targetFileName), `${display}/${targetFileName}`);
  if (!isRecord(meta) || typeof meta['target'] !== 'string' || !/^[A-Za-z0-9._-]+$/.test(meta['target'])) {
    throw new GenerateError(`${display}/target.json`, 'needs a "target" name made of letters, digits, ".", "_" and "-"');
  }
  const definitions = {} as Record<SchemaFile, Map<string, JsonSchema>>;
  for (const file of schemaFiles) {
    const where = `${display}/${schemaFileName(file)}`;
    const doc = readJson(join(schemaDir, schemaFileName(file)), where);
    if (!isRecord(doc) || !isRecord(doc['definitions'])) throw new GenerateError(where, 'has no "definitions" object');
    const map = new Map<string, JsonSchema>();
    for (const key of Object.keys(doc['definitions']).sort(compareCodePoints)) {
      const def = doc['definitions'][key];
      if (!isRecord(def)) throw new GenerateError(`${where}#/definitions/${key}`, 'is not a schema object');
      map.set(key, def);
    }
    definitions[file] = map;
  }
  for (const key of definitions.commands.keys()) {
    if (!definitions.returns.has(key)) {
      throw new GenerateError(`${display}/returns.json`, `has no entry for command '${key}' of commands.json`);
    }
  }
  for (const key of definitions.returns.keys()) {
    if (!definitions.commands.has(key)) {
      throw new GenerateError(`${display}/commands.json`, `has no entry for command '${key}' of returns.json`);
    }
  }
  const protocol = new Map<string, JsonSchema>();
  for (const file of protocolFiles) {
    const doc = readJson(join(protocolDir, `${file}.json`), `schema/protocol/${file}.json`);
    if (!isRecord(doc)) throw new GenerateError(`schema/protocol/${file}.json`, 'is not a schema object');
    protocol.set(file, doc);
  }
  const devices = loadDevices(schemaDir, display, definitions.types);
  const schema: TargetSchema = {
    name: meta['target'],
    display,
    definitions,
    protocol,
    ...targetFacts(meta, `${display}/target.json`),
    ...targetProtocol(meta, `${display}/target.json`),
    ...(devices !== undefined ? { devices } : {}),
  };
  checkRefs(schema);
  return schema;
}

/** `target.json` `protocol`: absent or `"qmp"` (a QMP target), `"qga"` (a guest agent target). */
function targetProtocol(meta: Record<string, unknown>, where: string): Pick<TargetSchema, 'agent'> {
  const p = meta['protocol'];
  if (p === undefined || p === null || p === 'qmp') return {};
  if (p === 'qga') return { agent: 'qga' };
  throw new GenerateError(`${where}#/protocol`, 'must be "qmp" or "qga" when present');
}

/** The version and architecture of `target.json` (each may be absent or `null`, as an import `--file` writes them; a present one must be well formed). */
function targetFacts(meta: Record<string, unknown>, where: string): Pick<TargetSchema, 'qemu' | 'arch'> {
  const out: { qemu?: { major: number; minor: number; micro: number }; arch?: string } = {};
  const q = meta['qemu'];
  if (q !== undefined && q !== null) {
    const ok = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    if (!isRecord(q) || !ok(q['major']) || !ok(q['minor']) || !ok(q['micro'])) {
      throw new GenerateError(`${where}#/qemu`, 'must be { "major", "minor", "micro" }, each a non-negative integer');
    }
    out.qemu = { major: q['major'], minor: q['minor'], micro: q['micro'] };
  }
  const a = meta['arch'];
  if (a !== undefined && a !== null) {
    if (typeof a !== 'string' || !/^[A-Za-z0-9_]{1,32}$/.test(a)) throw new GenerateError(`${where}#/arch`, 'must be an architecture name of letters, digits and "_" (e.g. "x86_64")');
    out.arch = a;
  }
  return out;
}

/** Code-point order (the order of `schema/FORMAT.md`), independent of locale. */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Resolves a `$ref` found in `file` to the definition it names; only whole definitions of the
 * four target files are supported (`#/definitions/K`, `types.json#/definitions/K`, …).
 */
export function resolveRef(schema: TargetSchema, ref: string, file: SchemaFile, where: string): RefTarget {
  const r = parseDefinitionRef(ref, file);
  if ('error' in r) throw new GenerateError(where, r.error);
  if (!schema.definitions[r.file].has(r.key)) {
    throw new GenerateError(where, `$ref ${JSON.stringify(ref)} points to nothing (no definition '${r.key}' in ${schemaFileName(r.file)})`);
  }
  return r;
}

/** Fails on the first `$ref` that is unsupported or points to nothing. */
function checkRefs(schema: TargetSchema): void {
  for (const file of schemaFiles) {
    for (const [key, def] of schema.definitions[file]) {
      walkSchema(def, `${schema.display}/${schemaFileName(file)}#/definitions/${key}`, (node, path) => {
        if ('$ref' in node) {
          if (typeof node['$ref'] !== 'string') throw new GenerateError(path, '$ref is not a string');
          resolveRef(schema, node['$ref'], file, path);
        }
      });
    }
  }
}
