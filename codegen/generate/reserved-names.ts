/**
 * The names a schema type may not take, derived rather than listed: every runtime name generated
 * code may use (`runtime/generated-symbols.ts`), every name the generated files other than
 * `types.ts` declare, import or re-export (read from a target printed with no schema types: these
 * names do not depend on the schema), and TypeScript's global names (`languageGlobalNames`). A
 * schema type named like one of them gets a `_` suffix (`QmpClient` → `QmpClient_`), so
 * `export type * from "./types.js"` in `index.ts` never loses it behind an explicit export.
 */
import { generatedSymbols } from '../../runtime/generated-symbols.js';
import { buildModel } from './model.js';
import { languageGlobalNames } from './names.js';
import type { TargetSchema } from './schema.js';
import { qmpTargetFiles, type TargetFilesInput } from './target-files.js';
import type { GeneratedFile } from './generated-file.js';

/** A kind of target: prints every file of one target (`qmpTargetFiles`, later the guest agent's). */
export type TargetFiles = (input: TargetFilesInput) => Map<string, GeneratedFile>;

const derived = new Map<TargetFiles, ReadonlySet<string>>();

/** A target with no commands, events or types (what every target's files declare regardless of its schema). */
function emptyTarget(): TargetSchema {
  const definitions = { types: new Map(), commands: new Map(), returns: new Map(), events: new Map() };
  return { name: 'reserved-names', display: 'schema/reserved-names', definitions, protocol: new Map() };
}

/** The reserved names of a kind of target (computed once per kind; default: QMP targets). */
export function reservedTypeNames(targetFiles: TargetFiles = qmpTargetFiles): ReadonlySet<string> {
  const known = derived.get(targetFiles);
  if (known !== undefined) return known;
  const names = new Set<string>([...languageGlobalNames, ...Object.keys(generatedSymbols)]);
  const files = targetFiles({
    model: buildModel(emptyTarget(), names),
    header: { source: 'schema/reserved-names' },
    runtime: { 'index.js': 'qmp-sdk/runtime', 'validation.js': 'qmp-sdk/runtime/validation', 'qga/index.js': 'qmp-sdk/runtime/qga' },
    compiled: { code: '', args: [], returns: [], events: [], greeting: 'greeting', message: 'message' },
  });
  for (const file of files.values()) {
    if (file.name === 'types.ts' || file.name === 'bigint-types.ts') continue;
    for (const n of file.names) names.add(n);
  }
  derived.set(targetFiles, names);
  return names;
}
