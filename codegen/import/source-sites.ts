/**
 * Walks the built schema documents of a target beside the QAPI source they were named from, and hands each
 * place that has a source declaration to a visitor: every property of a QAPI-named type or of a command's or
 * event's inline arguments/data (union branches included: the union's base members, then the variant's), every
 * command's return value, and every QAPI-named definition. Places without a source match (path-derived names,
 * no source) are not visited: callers leave them as they are.
 */
import { sourceMembers, type QapiMember } from './qapi-members.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import type { SchemaFileName } from '../schema-format/files.js';
import type { QapiDefinition, QapiSource, QapiValue } from '../qapi/types.js';

/** What {@link walkSourceSites} calls. */
export interface SourceSiteVisitor {
  /** A property schema and the member QAPI declares for it. */
  member?(schema: JsonSchema, member: QapiMember): void;
  /** A command's `returns.json` entry and its `'returns'` as written (absent: returns nothing). */
  returns?(schema: JsonSchema, returns: QapiValue | undefined, command: QapiDefinition): void;
  /** A `commands.json` / `events.json` entry and the command or event. */
  entry?(schema: JsonSchema, def: QapiDefinition): void;
  /** A QAPI-named `types.json` definition and its source definition. */
  definition?(schema: JsonSchema, def: QapiDefinition): void;
}

function isObject(v: unknown): v is JsonSchema {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function definitionsOf(doc: JsonSchema | undefined): Record<string, JsonSchema> {
  const d = doc?.definitions;
  return isObject(d) ? (d as Record<string, JsonSchema>) : {};
}

function xqmp(s: JsonSchema): Record<string, unknown> | undefined {
  const x = s['x-qmp'];
  return isObject(x) ? x : undefined;
}

/** Visits the properties of an object body (closed object or discriminated union) against `members`. */
function walkBody(
  body: JsonSchema,
  members: readonly QapiMember[],
  source: QapiSource,
  types: Record<string, JsonSchema>,
  visit: SourceSiteVisitor,
): void {
  const props = body.properties;
  if (isObject(props)) {
    const byName = new Map(members.map((m) => [m.name, m]));
    for (const name of Object.keys(props)) {
      const m = byName.get(name);
      const p = props[name];
      if (m !== undefined && isObject(p)) visit.member?.(p, m);
    }
  }
  const branches = body.oneOf;
  if (!Array.isArray(branches)) return;
  for (const b of branches) {
    if (!isObject(b)) continue;
    const variant = xqmp(b)?.variant;
    let extra: readonly QapiMember[] = [];
    if (typeof variant === 'string' && xqmp(types[variant] ?? {})?.qapiName === true) {
      extra = sourceMembers(source, variant) ?? [];
    }
    walkBody(b, [...members, ...extra], source, types, visit);
  }
}

/** Walks `documents` (by file name) beside `source`; see the module doc. */
export function walkSourceSites(documents: Readonly<Record<SchemaFileName, JsonSchema>>, source: QapiSource, visit: SourceSiteVisitor): void {
  const types = definitionsOf(documents['types.json']);
  for (const name of Object.keys(types)) {
    const s = types[name]!;
    if (xqmp(s)?.qapiName !== true) continue;
    const def = source.byName.get(name);
    if (def === undefined) continue;
    visit.definition?.(s, def);
    const members = sourceMembers(source, name);
    if (members !== undefined) walkBody(s, members, source, types, visit);
  }
  for (const file of ['commands.json', 'events.json'] as const) {
    const kind = file === 'commands.json' ? 'command' : 'event';
    const entries = definitionsOf(documents[file]);
    for (const name of Object.keys(entries)) {
      const def = source.byName.get(name);
      if (def?.kind !== kind) continue;
      const s = entries[name]!;
      visit.entry?.(s, def);
      if (s.$ref === undefined) walkBody(s, sourceMembers(source, name) ?? [], source, types, visit);
    }
  }
  const returns = definitionsOf(documents['returns.json']);
  for (const name of Object.keys(returns)) {
    const def = source.byName.get(name);
    if (def?.kind === 'command') visit.returns?.(returns[name]!, def.expr.returns, def);
  }
}
