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
import { qmpTargetFiles } from './target-files.js';

let derived: ReadonlySet<string> | undefined;

/** A target with no commands, events or types (what every target's files declare regardless of its schema). */
function emptyTarget(): TargetSchema {
  const definitions = { types: new Map(), commands: new Map(), returns: new Map(), events: new Map() };
  return { name: 'reserved-names', display: 'schema/reserved-names', definitions, protocol: new Map() };
}

/** The reserved names (computed once). */
export function reservedTypeNames(): ReadonlySet<string> {
  if (derived !== undefined) return derived;
  const names = new Set<string>([...languageGlobalNames, ...Object.keys(generatedSymbols)]);
  const files = qmpTargetFiles({
    model: buildModel(emptyTarget(), names),
    header: { source: 'schema/reserved-names' },
    runtime: { 'index.js': 'qmp-sdk/runtime', 'validation.js': 'qmp-sdk/runtime/validation' },
    compiled: { code: '', args: [], returns: [], events: [], greeting: 'greeting', message: 'message' },
  });
  for (const file of files.values()) {
    if (file.name === 'types.ts') continue;
    for (const n of file.names) names.add(n);
  }
  derived = names;
  return derived;
}
