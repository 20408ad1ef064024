/**
 * The members of a QAPI source definition as QAPI declares them (`qapi/*.json`, `qga/qapi-schema.json`):
 * a struct's own `data` after its `base`'s (recursively), a union's `base` (a dict or a struct name), a
 * command's or event's `data` (a dict, or the name of a struct). Member keys lose their `*` (optional) prefix;
 * a member's value is a type (`'int32'`, `['uint64']`) or `{ 'type', 'if'?, 'features'? }`.
 */
import type { QapiSource, QapiValue } from '../qapi/types.js';

/** One member as declared. */
export interface QapiMember {
  name: string;
  optional: boolean;
  /** The member's type as written: a type name, or `[name]` for a list. */
  type: QapiValue;
  /** The `'if'` condition as written, when there is one. */
  if?: QapiValue;
  /** The `'features'` as written, when there are any. */
  features?: QapiValue;
}

function isDict(v: QapiValue | undefined): v is { [key: string]: QapiValue } {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

/** Reads a `data`-style dict (`{'*name': type | {type, if, features}}`) into members, in source order. */
export function dictMembers(data: QapiValue | undefined): QapiMember[] {
  if (!isDict(data)) return [];
  return Object.keys(data).map((key) => {
    const optional = key.startsWith('*');
    const name = optional ? key.slice(1) : key;
    const v = data[key]!;
    if (isDict(v) && 'type' in v) {
      const m: QapiMember = { name, optional, type: v.type! };
      if (v.if !== undefined) m.if = v.if;
      if (v.features !== undefined) m.features = v.features;
      return m;
    }
    return { name, optional, type: v };
  });
}

/**
 * All members of the named definition as the wire sees them (base members first), or `undefined` when the
 * source has no such struct/union/command/event. `seen` guards against a base cycle in a malformed source.
 */
export function sourceMembers(source: QapiSource, name: string, seen: ReadonlySet<string> = new Set()): QapiMember[] | undefined {
  const def = source.byName.get(name);
  if (def === undefined || seen.has(name)) return undefined;
  const next = new Set([...seen, name]);
  const ofData = (data: QapiValue | undefined): QapiMember[] =>
    typeof data === 'string' ? (sourceMembers(source, data, next) ?? []) : dictMembers(data);
  switch (def.kind) {
    case 'struct':
      return [...(typeof def.expr.base === 'string' ? (sourceMembers(source, def.expr.base, next) ?? []) : []), ...dictMembers(def.expr.data)];
    case 'union':
      return ofData(def.expr.base);
    case 'command':
    case 'event':
      return ofData(def.expr.data);
    default:
      return undefined;
  }
}
