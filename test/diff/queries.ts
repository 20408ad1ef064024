/**
 * Queries generated from introspection for the cross-check of live and folder answers: from every
 * command and event, every step kind a few levels deep (members, optional members, variants, enum
 * values and their features, JSON types, features), plus near misses that must answer false.
 */
import type { IntrospectionEntry } from '../../runtime/schema-query.js';

type Rec = Record<string, unknown>;

function esc(name: string): string {
  return /^[A-Za-z]/.test(name) ? name : ` ${name}`;
}

/** Up to `limit` queries reachable in `depth` steps below each command/event of `entries`. */
export function generatedQueries(entries: readonly IntrospectionEntry[], depth = 4, limit = 20000): string[] {
  const types = new Map<string, IntrospectionEntry>();
  for (const e of entries) if (e['meta-type'] !== 'command' && e['meta-type'] !== 'event') types.set(e.name, e);
  const out = new Set<string>();
  const walk = (prefix: string, typeName: string, left: number, seen: ReadonlySet<string>): void => {
    if (out.size >= limit) return;
    const t = types.get(typeName);
    if (t === undefined || seen.has(typeName)) return;
    const next = new Set(seen).add(typeName);
    out.add(prefix);
    for (const f of (t.features as string[] | undefined) ?? []) out.add(`${prefix}/$${f}`);
    out.add(`${prefix}/$no-such-feature`);
    switch (t['meta-type']) {
      case 'builtin':
        out.add(`${prefix}/!${t['json-type'] as string}`);
        out.add(`${prefix}/!${t['json-type'] === 'string' ? 'int' : 'string'}`);
        return;
      case 'enum': {
        const members = (t.members as Rec[] | undefined) ?? ((t.values as string[]).map((name) => ({ name })) as Rec[]);
        for (const m of members) {
          out.add(`${prefix}/^${m.name as string}`);
          for (const f of (m.features as string[] | undefined) ?? []) out.add(`${prefix}/^${m.name as string}/$${f}`);
          out.add(`${prefix}/^${m.name as string}/$deprecated`);
        }
        out.add(`${prefix}/^no-such-value`);
        return;
      }
      case 'array':
        return walk(prefix, t['element-type'] as string, left, seen);
      case 'alternate':
        for (const m of t.members as Rec[]) walk(prefix, m.type as string, left, next);
        return;
      case 'object':
        if (left === 0) return;
        out.add(`${prefix}/no-such-member`);
        for (const m of t.members as Rec[]) {
          const name = esc(m.name as string);
          out.add(`${prefix}/*${m.name as string}`);
          walk(`${prefix}/${name}`, m.type as string, left - 1, next);
        }
        for (const v of (t.variants as Rec[] | undefined) ?? []) walk(`${prefix}/+${v.case as string}`, v.type as string, left - 1, next);
        out.add(`${prefix}/+no-such-case`);
        return;
    }
  };
  for (const e of entries) {
    if (e['meta-type'] !== 'command' && e['meta-type'] !== 'event') continue;
    out.add(e.name);
    for (const f of (e.features as string[] | undefined) ?? []) out.add(`${e.name}/$${f}`);
    out.add(`${e.name}/$deprecated`);
    out.add(`${e.name}/ret-type`);
    walk(`${e.name}/arg-type`, e['arg-type'] as string, depth, new Set());
    if (e['meta-type'] === 'command') walk(`${e.name}/ret-type`, e['ret-type'] as string, depth, new Set());
  }
  out.add('no-such-command');
  return [...out].sort();
}
