/**
 * `importQga`: the guest agent's QAPI source (`qga/qapi-schema.json`) → a target `schema/qga-<major>.<minor>/`
 * in the same format as the QMP targets (schema/FORMAT.md, "Guest agent targets"). The agent has no
 * `query-qmp-schema`: the structure is built from the source (`qga-introspect.ts`), then named, documented,
 * validated and written atomically by the QMP importer (`import-target.ts`), plus the agent's own facts:
 * `x-qmp.successResponse: false` on commands that answer nothing on success, `x-qmp.if` with the `'if'`
 * condition (true for a Linux build) of commands, types, members, enum values and union branches, and `"protocol": "qga"`
 * in `target.json`. Any error is an {@link ImportError} naming the file and entry; nothing is written then.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { loadQapiSource, recoverQapiNames } from '../qapi/index.js';
import { isQapiSourceError, isQapiSyntaxError } from '../qapi/errors.js';
import { ImportError } from './errors.js';
import { buildTarget, type ImportResult, type TargetMeta } from './import-target.js';
import { dict, orderedMap } from './json.js';
import { qgaIntrospection } from './qga-introspect.js';
import { walkSourceSites } from './source-sites.js';
import { checkSchemaFolder } from './write.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import type { SchemaFileName } from '../schema-format/files.js';
import type { QapiSource, QapiValue } from '../qapi/types.js';

const run = promisify(execFile);

/** Options of {@link importQga}. */
export interface QgaImportOptions {
  /**
   * The agent's QAPI source: a folder holding `qapi-schema.json` (e.g. `.cache/qga-src-10.0`) or `qga/qapi-schema.json`
   * (a QEMU source tree), that file itself, or a QEMU source tarball (`*.orig.tar.xz`; only `qga/*.json` and
   * `VERSION` are extracted, into a temporary folder removed afterwards).
   */
  qgaSource: string;
  /** When given, the target folder to (re)write atomically, e.g. `schema/qga-10.0`. */
  outDir?: string;
  /** Target name; default `qga-<major>.<minor>` from the source's version (`.version` or `VERSION`). */
  targetName?: string;
}

/** `1:10.0.2+ds-2+deb13u1~bpo12+1` (Debian) or `10.0.2` (QEMU's VERSION) → the numbers. */
export function parseQemuVersion(text: string): { major: number; minor: number; micro: number } | undefined {
  const m = /^(?:\d+:)?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  return m === null ? undefined : { major: Number(m[1]), minor: Number(m[2]), micro: Number(m[3] ?? 0) };
}

function readVersion(dir: string): string | undefined {
  for (const f of [join(dir, '.version'), join(dir, 'VERSION'), join(dir, '..', 'VERSION')]) {
    if (existsSync(f)) return readFileSync(f, 'utf8').trim();
  }
  return undefined;
}

/** The QAPI file to read and the version found beside it; for a tarball, a temp folder to remove. */
async function locate(path: string): Promise<{ schemaFile: string; version: string | undefined; dispose?: () => Promise<void> }> {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new ImportError('no such file or folder', path, { cause: e });
  }
  if (isDir) {
    for (const f of [join(path, 'qapi-schema.json'), join(path, 'qga', 'qapi-schema.json')]) {
      if (existsSync(f)) return { schemaFile: f, version: readVersion(dirname(f)) };
    }
    throw new ImportError('the folder has no qapi-schema.json (nor qga/qapi-schema.json)', path);
  }
  if (/\.(tar(\.(xz|gz|bz2|zst))?|tgz|txz|tbz2)$/.test(path)) {
    const tmp = await mkdtemp(join(tmpdir(), 'qmp-qga-'));
    const dispose = (): Promise<void> => rm(tmp, { recursive: true, force: true });
    try {
      await run('tar', ['-xf', path, '-C', tmp, '--wildcards', '--no-wildcards-match-slash', '*/qga/*.json', '*/VERSION'], { maxBuffer: 1 << 20 });
      for (const top of await readdir(tmp)) {
        const f = join(tmp, top, 'qga', 'qapi-schema.json');
        if (existsSync(f)) return { schemaFile: f, version: readVersion(join(tmp, top)), dispose };
      }
      throw new ImportError('the archive has no <top>/qga/qapi-schema.json', path);
    } catch (e) {
      await dispose();
      if (e instanceof ImportError) throw e;
      const stderr = (e as { stderr?: string }).stderr ?? String(e);
      throw new ImportError(`cannot extract qga/*.json with tar: ${stderr.trim()}`, path, { cause: e });
    }
  }
  return { schemaFile: path, version: readVersion(dirname(path)) };
}

function xqmp(s: JsonSchema): Record<string, unknown> {
  const x = s['x-qmp'];
  if (x !== null && typeof x === 'object' && !Array.isArray(x)) return x as Record<string, unknown>;
  const o = dict();
  s['x-qmp'] = o;
  return o;
}

/** Adds the agent's facts to the built documents (see the module doc). */
function annotateQga(documents: Readonly<Record<SchemaFileName, JsonSchema>>, source: QapiSource): void {
  const setIf = (s: JsonSchema, cond: QapiValue | undefined): void => {
    if (cond !== undefined) xqmp(s).if = cond;
  };
  const seen = new WeakSet<JsonSchema>();
  walkSourceSites(documents, source, {
    entry: (s, def) => {
      setIf(s, def.expr.if);
      if (def.kind === 'command' && def.expr['success-response'] === false) xqmp(s).successResponse = false;
    },
    definition: (s, def) => {
      setIf(s, def.expr.if);
      const data = def.expr.data;
      // a union branch's condition, on the branch that narrows the tag to its value
      if (def.kind === 'union' && data !== null && typeof data === 'object' && !Array.isArray(data) && Array.isArray(s.oneOf)) {
        const tag = typeof def.expr.discriminator === 'string' ? def.expr.discriminator : '';
        for (const b of s.oneOf as JsonSchema[]) {
          const value = ((b.properties as Record<string, JsonSchema> | undefined)?.[tag] as JsonSchema | undefined)?.const;
          const branch = typeof value === 'string' && Object.prototype.hasOwnProperty.call(data, value) ? data[value] : undefined;
          if (branch !== null && typeof branch === 'object' && !Array.isArray(branch)) setIf(b, branch.if);
        }
        return;
      }
      if (def.kind !== 'enum' || !Array.isArray(data) || !Array.isArray(s.enum)) return;
      const conds = new Map<string, QapiValue>();
      for (const v of data) if (typeof v === 'object' && !Array.isArray(v) && typeof v.name === 'string' && v.if !== undefined) conds.set(v.name, v.if);
      if (conds.size === 0) return;
      const x = xqmp(s);
      const old = (x.values ?? {}) as Record<string, Record<string, unknown>>;
      x.values = orderedMap(
        (s.enum as string[]).flatMap((v) => {
          const o = Object.prototype.hasOwnProperty.call(old, v) ? old[v]! : dict();
          if (conds.has(v)) o.if = conds.get(v);
          return Object.keys(o).length > 0 ? [[v, o] as const] : [];
        }),
      );
    },
    member: (s, m) => {
      if (seen.has(s)) return;
      seen.add(s);
      setIf(s, m.if);
    },
  });
}

/** Imports a guest agent target; see the module doc. */
export async function importQga(options: QgaImportOptions): Promise<ImportResult> {
  if (options.outDir !== undefined) checkSchemaFolder(options.outDir);
  const where = options.qgaSource;
  const located = await locate(where);
  try {
    let source: QapiSource;
    try {
      source = await loadQapiSource(located.schemaFile);
    } catch (e) {
      if (isQapiSyntaxError(e) || isQapiSourceError(e)) throw new ImportError(e.message, where, { cause: e });
      throw e;
    }
    if (source.byName.get('guest-sync-delimited')?.kind !== 'command') {
      throw new ImportError(`not the guest agent's QAPI schema (${basename(located.schemaFile)} has no command guest-sync-delimited)`, where);
    }
    const qemu = located.version === undefined ? undefined : parseQemuVersion(located.version);
    const targetName = options.targetName ?? (qemu !== undefined ? `qga-${qemu.major}.${qemu.minor}` : undefined);
    if (targetName === undefined) {
      throw new ImportError('the agent version is unknown (no .version or VERSION beside the source): give a target name (--target)', where);
    }
    const schema = qgaIntrospection(source, where);
    const versionDir = statSync(where).isDirectory() ? where : dirname(located.schemaFile);
    return await buildTarget(
      { schema, version: qemu === undefined ? undefined : { qemu, package: '' }, target: undefined, from: 'file' },
      {
        targetName,
        ...(options.outDir !== undefined ? { outDir: options.outDir } : {}),
        qapiSource: versionDir,
      },
      { source, recover: recoverQapiNames },
      {
        annotate: (documents) => annotateQga(documents, source),
        meta: (m: TargetMeta) => ({
          target: m.target,
          protocol: 'qga',
          qemu: m.qemu,
          package: null,
          arch: null,
          importer: { ...m.importer, from: 'qapi-source' },
          counts: m.counts,
        }),
      },
    );
  } finally {
    await located.dispose?.();
  }
}
