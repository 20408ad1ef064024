/**
 * The schema of the QEMU at the other end of a connection, read live: `query-qmp-schema`,
 * `query-version` and `query-target`, turned into the project's schema documents
 * (`schema/FORMAT.md`) by the importer's own code (`codegen/import`: check → name → build), so the
 * shell completes and validates for exactly that QEMU, whatever its version or architecture.
 * No QAPI source is read here: names are path-derived and there are no docs (see `docs.ts`).
 */
import { SchemaBuilder } from '../codegen/import/build.js';
import { checkIntrospection } from '../codegen/import/check.js';
import { nameTypes } from '../codegen/import/naming.js';
import type { SchemaFileName } from '../codegen/schema-format/files.js';
import type { JsonSchema } from '../codegen/schema-format/json-schema.js';
import type { QmpClient } from '../runtime/index.js';

/** The live schema of one QEMU. */
export interface LiveSchema {
  /** `qemu-<major>.<minor>-<arch>`, as the importer names targets. */
  readonly target: string;
  /** From `query-version`. */
  readonly version: { major: number; minor: number; micro: number };
  /** From `query-target`; `null` for a guest agent (its schemas have no architecture: `cli/qga-tools.ts`). */
  readonly arch: string | null;
  /** The four documents by file name (`commands.json`, `types.json`, `returns.json`, `events.json`). */
  readonly documents: Readonly<Record<SchemaFileName, JsonSchema>>;
  /** Command wire names, sorted. */
  readonly commands: readonly string[];
  /** Event names, sorted. */
  readonly events: readonly string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Builds a {@link LiveSchema} from the three replies. Throws the importer's `ImportError` (naming the
 * introspection entry) when the reply is malformed, or an Error when the version or target is.
 */
export function liveSchemaFrom(introspection: unknown, version: unknown, target: unknown): LiveSchema {
  const q = isRecord(version) ? version['qemu'] : undefined;
  if (!isRecord(q) || typeof q['major'] !== 'number' || typeof q['minor'] !== 'number' || typeof q['micro'] !== 'number') {
    throw new Error('query-version reply has no numeric qemu.major/minor/micro');
  }
  const arch = isRecord(target) && typeof target['arch'] === 'string' ? target['arch'] : undefined;
  if (arch === undefined) throw new Error('query-target reply has no arch');
  const v = { major: q['major'], minor: q['minor'], micro: q['micro'] };
  const name = `qemu-${v.major}.${v.minor}-${arch}`;
  const intro = checkIntrospection(introspection);
  const built = new SchemaBuilder(intro, nameTypes(intro), name).build();
  const keys = (file: SchemaFileName) => Object.keys(built.documents[file]['definitions'] as object).sort();
  return { target: name, version: v, arch, documents: built.documents, commands: keys('commands.json'), events: keys('events.json') };
}

/** Asks the connected QEMU for its schema, version and architecture (three commands, in parallel). */
export async function fetchLiveSchema(qmp: QmpClient): Promise<LiveSchema> {
  const [introspection, version, target] = await Promise.all([
    qmp.execute('query-qmp-schema'),
    qmp.execute('query-version'),
    qmp.execute('query-target'),
  ]);
  return liveSchemaFrom(introspection, version, target);
}
