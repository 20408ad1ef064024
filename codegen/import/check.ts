/**
 * Checks raw introspection (the reply of `query-qmp-schema`) and indexes it. Every problem is an
 * {@link ImportError} naming the entry: not an array, an entry without (or with an unknown) `meta-type`,
 * a missing or ill-typed member, a duplicate name, a reference to an undefined type, or a cycle that
 * JSON Schema cannot express (see {@link checkCycles}).
 */
import { ImportError } from './errors.js';
import type {
  SchemaInfo,
  SchemaInfoAlternate,
  SchemaInfoArray,
  SchemaInfoCommand,
  SchemaInfoEvent,
  SchemaInfoObject,
} from '../qapi/introspection.js';
import { isRecord } from '../guards.js';

/** Introspection that passed {@link checkIntrospection}. */
export interface Introspection {
  entries: readonly SchemaInfo[];
  /** Entry by (masked) name. */
  byName: ReadonlyMap<string, SchemaInfo>;
  /** Commands, sorted by wire name (code-unit order). */
  commands: readonly SchemaInfoCommand[];
  /** Events, sorted by wire name. */
  events: readonly SchemaInfoEvent[];
}

const metaTypes = new Set(['builtin', 'enum', 'array', 'object', 'alternate', 'command', 'event']);

/** Describes an entry for error messages: `entry #3 "query-status" (command)`. */
export function describeEntry(index: number, e: unknown): string {
  const rec = e !== null && typeof e === 'object' ? (e as Record<string, unknown>) : {};
  const name = typeof rec.name === 'string' ? ` ${JSON.stringify(rec.name)}` : '';
  const meta = typeof rec['meta-type'] === 'string' ? ` (${rec['meta-type']})` : '';
  return `introspection entry #${index}${name}${meta}`;
}

function checkFeatures(v: unknown, place: string, what: string): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || !v.every((f) => typeof f === 'string')) {
    throw new ImportError(`${what}"features" must be an array of strings`, place);
  }
}

function needString(rec: Record<string, unknown>, key: string, place: string, what = ''): string {
  const v = rec[key];
  if (typeof v !== 'string') throw new ImportError(`${what}"${key}" must be a string (got ${JSON.stringify(v) ?? 'nothing'})`, place);
  return v;
}

function needArray(rec: Record<string, unknown>, key: string, place: string): unknown[] {
  const v = rec[key];
  if (!Array.isArray(v)) throw new ImportError(`"${key}" must be an array`, place);
  return v;
}

/** Checks the shape of one entry (not its references). */
function checkShape(e: unknown, place: string): SchemaInfo {
  if (!isRecord(e)) throw new ImportError('entry is not an object', place);
  needString(e, 'name', place);
  if (!('meta-type' in e)) throw new ImportError('entry has no "meta-type"', place);
  const meta = e['meta-type'];
  if (typeof meta !== 'string' || !metaTypes.has(meta)) {
    throw new ImportError(`unknown "meta-type" ${JSON.stringify(meta)}`, place);
  }
  checkFeatures(e.features, place, '');
  switch (meta) {
    case 'builtin':
      needString(e, 'json-type', place);
      break;
    case 'enum': {
      const values = needArray(e, 'values', place);
      if (!values.every((v) => typeof v === 'string')) throw new ImportError('"values" must be strings', place);
      if (new Set(values).size !== values.length) throw new ImportError('duplicate enum value', place);
      if (e.members !== undefined) {
        const members = needArray(e, 'members', place);
        for (const m of members) {
          if (!isRecord(m)) throw new ImportError('enum member is not an object', place);
          const n = needString(m, 'name', place, 'enum member ');
          checkFeatures(m.features, place, `enum member ${JSON.stringify(n)}: `);
        }
      }
      break;
    }
    case 'array':
      needString(e, 'element-type', place);
      break;
    case 'object': {
      const seen = new Set<string>();
      for (const m of needArray(e, 'members', place)) {
        if (!isRecord(m)) throw new ImportError('member is not an object', place);
        const n = needString(m, 'name', place, 'member ');
        needString(m, 'type', place, `member ${JSON.stringify(n)}: `);
        checkFeatures(m.features, place, `member ${JSON.stringify(n)}: `);
        if (seen.has(n)) throw new ImportError(`duplicate member ${JSON.stringify(n)}`, place);
        seen.add(n);
      }
      if (e.tag !== undefined || e.variants !== undefined) {
        const tag = needString(e, 'tag', place);
        if (!seen.has(tag)) throw new ImportError(`tag ${JSON.stringify(tag)} is not a member`, place);
        for (const v of needArray(e, 'variants', place)) {
          if (!isRecord(v)) throw new ImportError('variant is not an object', place);
          const c = needString(v, 'case', place, 'variant ');
          needString(v, 'type', place, `variant ${JSON.stringify(c)}: `);
        }
      }
      break;
    }
    case 'alternate':
      for (const m of needArray(e, 'members', place)) {
        if (!isRecord(m)) throw new ImportError('alternate member is not an object', place);
        needString(m, 'type', place, 'alternate member ');
      }
      break;
    case 'command':
      needString(e, 'arg-type', place);
      needString(e, 'ret-type', place);
      if (e['allow-oob'] !== undefined && typeof e['allow-oob'] !== 'boolean') {
        throw new ImportError('"allow-oob" must be a boolean', place);
      }
      break;
    case 'event':
      needString(e, 'arg-type', place);
      break;
  }
  return e as unknown as SchemaInfo;
}

/** Every type name an entry refers to, with a label for error messages. */
function references(e: SchemaInfo): [string, string][] {
  switch (e['meta-type']) {
    case 'command':
      return [['"arg-type"', e['arg-type']], ['"ret-type"', e['ret-type']]];
    case 'event':
      return [['"arg-type"', e['arg-type']]];
    case 'array':
      return [['"element-type"', e['element-type']]];
    case 'object':
      return [
        ...e.members.map((m): [string, string] => [`member ${JSON.stringify(m.name)}`, m.type]),
        ...(e.variants ?? []).map((v): [string, string] => [`variant ${JSON.stringify(v.case)}`, v.type]),
      ];
    case 'alternate':
      return e.members.map((m, i): [string, string] => [`alternate member #${i}`, m.type]);
    default:
      return [];
  }
}

const typeMetas = new Set(['builtin', 'enum', 'array', 'object', 'alternate']);

/**
 * Checks and indexes introspection: the bare array, or a `{"return": [...]}` reply.
 * Throws {@link ImportError} naming the entry at fault.
 */
export function checkIntrospection(value: unknown): Introspection {
  const list = isRecord(value) && 'return' in value ? value.return : value;
  if (!Array.isArray(list)) {
    throw new ImportError(
      `introspection must be an array of entries (query-qmp-schema's reply), got ${list === null ? 'null' : typeof list}`,
    );
  }
  const entries: SchemaInfo[] = [];
  const types = new Map<string, SchemaInfo>();
  const indexOf = new Map<SchemaInfo, number>();
  // Types, commands and events are separate namespaces; a duplicate within one is an error.
  const seen = new Map<string, number>();
  list.forEach((raw, i) => {
    const e = checkShape(raw, describeEntry(i, raw));
    const space = typeMetas.has(e['meta-type']) ? 'type' : e['meta-type'];
    const key = `${space}\u0000${e.name}`;
    const prev = seen.get(key);
    if (prev !== undefined) throw new ImportError(`duplicate ${space} name (also entry #${prev})`, describeEntry(i, raw));
    seen.set(key, i);
    if (space === 'type') types.set(e.name, e);
    indexOf.set(e, i);
    entries.push(e);
  });
  for (const e of entries) {
    const place = describeEntry(indexOf.get(e) ?? -1, e);
    for (const [label, target] of references(e)) {
      if (!types.has(target)) throw new ImportError(`${label} refers to undefined type ${JSON.stringify(target)}`, place);
    }
    if (e['meta-type'] === 'object' && e.tag !== undefined) checkUnion(e, types, place);
  }
  checkCycles(types, (e) => describeEntry(indexOf.get(e) ?? -1, e));
  const byCode = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    entries,
    byName: types,
    commands: entries.filter((e): e is SchemaInfoCommand => e['meta-type'] === 'command').sort(byCode),
    events: entries.filter((e): e is SchemaInfoEvent => e['meta-type'] === 'event').sort(byCode),
  };
}

function checkUnion(e: SchemaInfoObject, types: Map<string, SchemaInfo>, place: string): void {
  const tagMember = e.members.find((m) => m.name === e.tag);
  const tagType = tagMember && types.get(tagMember.type);
  if (tagType?.['meta-type'] !== 'enum') throw new ImportError(`tag ${JSON.stringify(e.tag)} is not of an enum type`, place);
  if (tagMember && 'default' in tagMember) throw new ImportError(`tag ${JSON.stringify(e.tag)} is optional`, place);
  const seen = new Set<string>();
  for (const v of e.variants ?? []) {
    if (!tagType.values.includes(v.case)) {
      throw new ImportError(`variant ${JSON.stringify(v.case)} is not a value of the tag's enum`, place);
    }
    if (seen.has(v.case)) throw new ImportError(`duplicate variant ${JSON.stringify(v.case)}`, place);
    seen.add(v.case);
    if (types.get(v.type)?.['meta-type'] !== 'object') {
      throw new ImportError(`variant ${JSON.stringify(v.case)} is not an object type`, place);
    }
  }
}

/**
 * Cycles JSON Schema cannot express. Objects, enums and alternates become named definitions, so a
 * cycle through an object member (a struct holding a list of itself) is legal and becomes a `$ref`.
 * Three kinds of cycle are errors, because expanding them never ends or never consumes input:
 * - an array whose element type leads back to itself through arrays only (`[[…[A]…]]` with A = that array):
 *   arrays are written inline;
 * - an alternate that contains itself through alternates only (no object or array in between):
 *   validating it would recurse without reading any input;
 * - a union whose variant types lead back to itself through variants: its branches are flattened.
 */
export function checkCycles(types: ReadonlyMap<string, SchemaInfo>, describe: (e: SchemaInfo) => string): void {
  const kinds: [string, string, (e: SchemaInfo) => string[]][] = [
    ['array', 'an array that is its own element (through arrays only)', (e) =>
      e['meta-type'] === 'array' ? [(e as SchemaInfoArray)['element-type']] : []],
    ['alternate', 'an alternate that contains itself directly (through alternates only)', (e) =>
      e['meta-type'] === 'alternate' ? (e as SchemaInfoAlternate).members.map((m) => m.type) : []],
    ['object', 'a union that is its own variant (through variants only)', (e) =>
      e['meta-type'] === 'object' ? ((e as SchemaInfoObject).variants ?? []).map((v) => v.type) : []],
  ];
  for (const [meta, what, next] of kinds) {
    const state = new Map<string, 'open' | 'done'>();
    const visit = (name: string, trail: string[]): void => {
      const e = types.get(name);
      if (e === undefined || e['meta-type'] !== meta) return;
      const s = state.get(name);
      if (s === 'done') return;
      if (s === 'open') {
        throw new ImportError(`cycle that JSON Schema cannot express: ${what} (${[...trail, name].join(' → ')})`, describe(e));
      }
      state.set(name, 'open');
      for (const n of next(e)) visit(n, [...trail, name]);
      state.set(name, 'done');
    };
    for (const name of [...types.keys()]) visit(name, []);
  }
}
