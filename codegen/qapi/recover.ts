/**
 * `recoverQapiNames`: walks the introspection (structure, masked names) and the QAPI source (names, docs)
 * in parallel from every command and event. A masked type gets a QAPI name only where both agree on its
 * structure; everything else stays unnamed with a reason, and every disagreement becomes a warning.
 */
import type { SchemaInfo, SchemaInfoObject } from './introspection.js';
import {
  baseChain,
  branchesOf,
  enumValues,
  flattenedMembers,
  introspectionBuiltin,
  membersOfData,
  qtypeValues,
  showRef,
  typeRef,
  type QapiTypeRef,
  type SourceMember,
} from './source-model.js';
import type { QapiDefinition, QapiDoc, QapiNames, QapiSource, QapiWarning } from './types.js';

/** Why a masked type kept a path-derived name. */
export type QapiUnnamedReason =
  /** Has no QAPI name: command/event argument objects, the empty object, array types. */
  | 'implicit'
  /** Binary and source disagree on its structure. */
  | 'mismatch'
  /** Reached under two QAPI names, or its QAPI name was given to another type too. */
  | 'conflict'
  /** Not reached from any command or event that the source knows (e.g. below a missing command). */
  | 'unreached';

/** What the source side of a meeting is. */
type SourceSide =
  | { kind: 'ref'; ref: QapiTypeRef }
  | { kind: 'inline'; members: SourceMember[] }
  | { kind: 'empty' };

/** State of one recovery run. */
class Walk {
  /** Masked name → QAPI names it met (agreeing or not). */
  readonly met = new Map<string, Set<string>>();
  readonly mismatched = new Set<string>();
  readonly implicit = new Set<string>();
  readonly visited = new Set<string>();
  readonly warnings: QapiWarning[] = [];
  /** While true, `meet` does nothing: comparisons report local disagreements only. */
  dry = false;

  readonly index: ReadonlyMap<string, SchemaInfo>;

  constructor(
    schema: readonly SchemaInfo[],
    readonly source: QapiSource,
    index?: ReadonlyMap<string, SchemaInfo>,
  ) {
    this.index = index ?? new Map(schema.map((e) => [e.name, e]));
  }

  lookup = (name: string): QapiDefinition | undefined => this.source.byName.get(name);

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }

  /** Meets binary type `b` with what the source says at `path`. */
  meet(b: string, side: SourceSide, path: string): void {
    if (this.dry) return;
    const info = this.index.get(b);
    if (!info) {
      this.warn(path, `introspection names type ${b} but does not define it`);
      return;
    }
    if (side.kind === 'empty') {
      if (info['meta-type'] === 'object' && info.members.length === 0 && !info.variants) this.implicit.add(b);
      else {
        this.implicit.add(b);
        this.warn(path, `the binary has ${describe(info)} where the source has nothing`);
      }
      return;
    }
    if (side.kind === 'inline') {
      this.implicit.add(b);
      if (info['meta-type'] !== 'object' || info.variants) {
        this.warn(path, `the binary has ${describe(info)} where the source has an inline object`);
        return;
      }
      this.compareMembers(info, side.members, path);
      return;
    }
    const ref = side.ref;
    if (ref.kind === 'array') {
      if (info['meta-type'] !== 'array') {
        this.warn(path, `the binary has ${describe(info)} where the source has ${showRef(ref)}`);
        return;
      }
      this.implicit.add(b);
      this.meet(info['element-type'], { kind: 'ref', ref: { kind: 'name', name: ref.element } }, `${path}[]`);
      return;
    }
    const builtin = introspectionBuiltin(ref.name);
    if (builtin !== undefined) {
      if (b !== builtin) this.warn(path, `the binary has ${describe(info)} where the source has builtin '${ref.name}'`);
      return;
    }
    if (info['meta-type'] === 'builtin') {
      this.warn(path, `the binary has builtin '${b}' where the source has '${ref.name}'`);
      return;
    }
    let names = this.met.get(b);
    if (!names) this.met.set(b, (names = new Set()));
    names.add(ref.name);
    const key = `${b}\u0000${ref.name}`;
    if (this.visited.has(key)) return;
    this.visited.add(key);
    const issues = this.compareNamed(info, ref.name, path);
    if (issues.length > 0) {
      this.mismatched.add(b);
      for (const issue of issues) this.warn(path, `'${ref.name}': ${issue}`);
    }
  }

  /** Compares a masked type with the named source type; recurses; returns local disagreements. */
  compareNamed(info: SchemaInfo, name: string, path: string): string[] {
    if (name === 'QType') {
      if (info['meta-type'] !== 'enum') return [`the binary has ${describe(info)}, the source an enum`];
      return compareEnum(info.values, qtypeValues.map((v) => ({ name: v, conditional: false })));
    }
    const def = this.lookup(name);
    if (!def) return ['the source does not define this type'];
    const meta = info['meta-type'];
    switch (def.kind) {
      case 'enum':
        if (meta !== 'enum') return [`the binary has ${describe(info)}, the source an enum`];
        return compareEnum(info.values, enumValues(def));
      case 'struct': {
        const members = flattenedMembers(def, this.lookup);
        if (meta !== 'object' || info.variants) {
          // A struct that became a union: its members are still met, to name what they use.
          if (meta === 'object' && members) this.compareMembers(info, members, path);
          return [`the binary has ${describe(info)}, the source a struct`];
        }
        if (!members) return ['its base chain is broken in the source'];
        return this.compareMembers(info, members, path);
      }
      case 'union':
        if (meta !== 'object' || !info.variants) {
          const members = flattenedMembers(def, this.lookup);
          if (meta === 'object' && members) this.compareMembers(info, members, path);
          return [`the binary has ${describe(info)}, the source a union`];
        }
        return this.compareUnion(info, def, path);
      case 'alternate':
        if (meta !== 'alternate') return [`the binary has ${describe(info)}, the source an alternate`];
        return this.compareAlternate(info.members, def, path);
      default:
        return [`the source's '${name}' is a ${def.kind}, not a type`];
    }
  }

  /** Compares object members (names, optionality, kind of type) and meets the member types. */
  compareMembers(info: SchemaInfoObject, members: readonly SourceMember[], path: string): string[] {
    const issues: string[] = [];
    const bySource = new Map(members.map((m) => [m.name, m]));
    const inBinary = new Set<string>();
    for (const m of info.members) {
      inBinary.add(m.name);
      const s = bySource.get(m.name);
      if (!s) {
        issues.push(`member '${m.name}' of the binary is not in the source`);
        continue;
      }
      const optional = 'default' in m;
      if (optional !== s.optional) {
        issues.push(`member '${m.name}' is ${optional ? 'optional' : 'required'} in the binary, not in the source`);
      }
      const clash = this.kindClash(m.type, s.type);
      if (clash) {
        issues.push(`member '${m.name}': ${clash}`);
        continue;
      }
      this.meet(m.type, { kind: 'ref', ref: s.type! }, `${path}/${m.name}`);
    }
    for (const s of members) {
      if (!s.conditional && !inBinary.has(s.name)) issues.push(`member '${s.name}' of the source is not in the binary`);
    }
    return issues;
  }

  /** Why binary type `b` cannot be the source type `ref` judging by kind alone (builtin/array/named). */
  kindClash(b: string, ref: QapiTypeRef | undefined): string | undefined {
    if (!ref) return 'the source type is unreadable';
    const info = this.index.get(b);
    const meta = info?.['meta-type'];
    if (ref.kind === 'array') return meta === 'array' ? undefined : `binary type is not an array, the source has ${showRef(ref)}`;
    if (meta === 'array') return `binary type is an array, the source has ${showRef(ref)}`;
    const builtin = introspectionBuiltin(ref.name);
    if (builtin !== undefined) return b === builtin ? undefined : `binary type is not builtin '${builtin}', the source has ${showRef(ref)}`;
    if (meta === 'builtin') return `binary type is builtin '${b}', the source has ${showRef(ref)}`;
    return undefined;
  }

  compareUnion(info: SchemaInfoObject, def: QapiDefinition, path: string): string[] {
    const members = flattenedMembers(def, this.lookup);
    if (!members) return ['its base is broken in the source'];
    const issues: string[] = [];
    const discriminator = def.expr.discriminator;
    if (info.tag !== discriminator) issues.push(`the binary's tag is '${info.tag ?? ''}', the source's discriminator '${String(discriminator)}'`);
    issues.push(...this.compareMembers(info, members, path));
    const branches = new Map(branchesOf(def).map((br) => [br.name, br]));
    for (const v of info.variants ?? []) {
      const br = branches.get(v.case);
      const vpath = `${path}/(${info.tag ?? '?'}=${v.case})`;
      if (!br) this.meet(v.type, { kind: 'empty' }, vpath);
      else if (!br.type) issues.push(`branch '${v.case}' has an unreadable type in the source`);
      else this.meet(v.type, { kind: 'ref', ref: br.type }, vpath);
    }
    return issues;
  }

  compareAlternate(binary: readonly { type: string }[], def: QapiDefinition, path: string): string[] {
    const issues: string[] = [];
    const source = branchesOf(def);
    const used = new Set<string>();
    for (const m of binary) {
      const s = source.find((br) => !used.has(br.name) && this.alternateFits(m.type, br.type));
      if (!s) {
        issues.push(`an alternative of the binary (${this.describeType(m.type)}) is not in the source`);
        continue;
      }
      used.add(s.name);
      this.meet(m.type, { kind: 'ref', ref: s.type! }, `${path}/${s.name}`);
    }
    for (const s of source) {
      if (!s.conditional && !used.has(s.name)) issues.push(`alternative '${s.name}' of the source is not in the binary`);
    }
    return issues;
  }

  /** Whether a binary alternative could be the source alternative (same JSON kind). */
  alternateFits(b: string, ref: QapiTypeRef | undefined): boolean {
    if (!ref || this.kindClash(b, ref)) return false;
    if (ref.kind === 'array' || introspectionBuiltin(ref.name) !== undefined) return true;
    const meta = this.index.get(b)?.['meta-type'];
    const def = this.lookup(ref.name);
    if (ref.name === 'QType') return meta === 'enum';
    if (!def) return false;
    if (def.kind === 'enum') return meta === 'enum';
    if (def.kind === 'struct' || def.kind === 'union') return meta === 'object';
    return false;
  }

  describeType(b: string): string {
    const info = this.index.get(b);
    return info ? (info['meta-type'] === 'builtin' ? `'${b}'` : describe(info)) : b;
  }
}

function describe(info: SchemaInfo): string {
  switch (info['meta-type']) {
    case 'object':
      return info.variants ? `a union object (tag '${info.tag ?? ''}')` : `an object with ${info.members.length} member(s)`;
    case 'builtin':
      return `builtin '${info.name}'`;
    case 'enum':
      return 'an enum';
    case 'alternate':
      return 'an alternate';
    default:
      return `a ${info['meta-type']}`;
  }
}

function compareEnum(binary: readonly string[], source: readonly { name: string; conditional: boolean }[]): string[] {
  const issues: string[] = [];
  const names = new Set(source.map((v) => v.name));
  const have = new Set(binary);
  for (const v of binary) if (!names.has(v)) issues.push(`value '${v}' of the binary is not in the source`);
  for (const v of source) if (!v.conditional && !have.has(v.name)) issues.push(`value '${v.name}' of the source is not in the binary`);
  return issues;
}

/** The source side of a command's or event's `data` / a command's `returns`. */
function sideOf(v: Parameters<typeof typeRef>[0]): SourceSide | undefined {
  if (v === undefined) return { kind: 'empty' };
  if (typeof v === 'object' && !Array.isArray(v)) return { kind: 'inline', members: membersOfData(v) };
  const ref = typeRef(v);
  return ref ? { kind: 'ref', ref } : undefined;
}

/** A doc with the member docs of its `base` chain added (own texts win). */
function withInheritedMembers(def: QapiDefinition, lookup: (n: string) => QapiDefinition | undefined): QapiDoc | undefined {
  const chain = baseChain(def, lookup);
  if (!def.doc && chain.every((b) => !b.doc)) return undefined;
  const doc: QapiDoc = def.doc ? { ...def.doc, members: { ...def.doc.members } } : { members: {}, features: {} };
  for (const b of chain) {
    for (const [k, v] of Object.entries(b.doc?.members ?? {})) if (!(k in doc.members)) doc.members[k] = v;
  }
  return doc;
}

/**
 * Recovers QAPI names and docs for the masked types of `schema` (the `query-qmp-schema` reply) from
 * `source` (the QAPI source of, ideally, the same QEMU). Never gives a name the structure contradicts.
 */
export function recoverQapiNames(schema: readonly SchemaInfo[], source: QapiSource): QapiNames {
  const w = new Walk(schema, source);
  const commandDocs = new Map<string, QapiDoc>();
  const eventDocs = new Map<string, QapiDoc>();

  for (const e of schema) {
    if (e['meta-type'] !== 'command' && e['meta-type'] !== 'event') continue;
    const kind = e['meta-type'];
    const def = w.lookup(e.name);
    const where = `${kind} ${e.name}`;
    if (!def || def.kind !== kind) {
      w.warn(where, `the source has no ${kind} '${e.name}'`);
      continue;
    }
    const args = sideOf(def.expr.data);
    const argPath = `${where}/${kind === 'command' ? 'arguments' : 'data'}`;
    if (args) w.meet(e['arg-type'], args, argPath);
    else w.warn(argPath, 'the source data is unreadable');
    if (e['meta-type'] === 'command') {
      const ret = sideOf(def.expr.returns);
      if (ret) w.meet(e['ret-type'], ret, `${where}/returns`);
      else w.warn(`${where}/returns`, 'the source returns is unreadable');
    }
    const doc = docWithArgMembers(def, w.lookup);
    if (doc) (kind === 'command' ? commandDocs : eventDocs).set(e.name, doc);
  }

  nameOrphans(w, schema);

  const unnamed = new Map<string, QapiUnnamedReason>();
  const candidates = new Map<string, string>();
  for (const [b, names] of w.met) {
    if (names.size > 1 || w.implicit.has(b)) {
      unnamed.set(b, 'conflict');
      w.warn(`type ${b}`, `reached as ${[...names].map((n) => `'${n}'`).join(' and ')}${w.implicit.has(b) ? ' and as an implicit type' : ''}`);
    } else if (w.mismatched.has(b)) unnamed.set(b, 'mismatch');
    else candidates.set(b, [...names][0]!);
  }
  const byName = new Map<string, string[]>();
  for (const [b, n] of candidates) byName.set(n, [...(byName.get(n) ?? []), b]);
  const typeNames = new Map<string, string>();
  for (const [n, bs] of byName) {
    if (bs.length === 1) typeNames.set(bs[0]!, n);
    else {
      for (const b of bs) unnamed.set(b, 'conflict');
      w.warn(`type '${n}'`, `the QAPI name fits ${bs.length} different binary types`);
    }
  }
  for (const b of w.implicit) if (!unnamed.has(b)) unnamed.set(b, 'implicit');
  for (const e of schema) {
    const meta = e['meta-type'];
    if (meta === 'command' || meta === 'event' || meta === 'builtin') continue;
    if (!typeNames.has(e.name) && !unnamed.has(e.name)) unnamed.set(e.name, 'unreached');
  }

  const typeDocs = new Map<string, QapiDoc>();
  for (const n of typeNames.values()) {
    const def = w.lookup(n);
    const doc = def && withInheritedMembers(def, w.lookup);
    if (doc) typeDocs.set(n, doc);
  }
  return { typeNames, typeDocs, commandDocs, eventDocs, unnamed, warnings: w.warnings };
}

/** A command's/event's doc, with the member docs of a named `data` type (and its bases) added. */
function docWithArgMembers(def: QapiDefinition, lookup: (n: string) => QapiDefinition | undefined): QapiDoc | undefined {
  const data = def.expr.data;
  const argType = typeof data === 'string' ? lookup(data) : undefined;
  const inherited = argType && withInheritedMembers(argType, lookup);
  if (!inherited) return def.doc;
  const doc: QapiDoc = def.doc ? { ...def.doc, members: { ...def.doc.members } } : { members: {}, features: {} };
  for (const [k, v] of Object.entries(inherited.members)) if (!(k in doc.members)) doc.members[k] = v;
  return doc;
}

/** The types an introspection entry refers to. */
function referencedTypes(e: SchemaInfo): string[] {
  switch (e['meta-type']) {
    case 'command':
      return [e['arg-type'], e['ret-type']];
    case 'event':
      return [e['arg-type']];
    case 'array':
      return [e['element-type']];
    case 'alternate':
      return e.members.map((m) => m.type);
    case 'object':
      return [...e.members.map((m) => m.type), ...(e.variants ?? []).map((v) => v.type)];
    default:
      return [];
  }
}

/**
 * Orphans: types the introspection lists but nothing refers to (their only user was compiled out by an
 * `if`, e.g. `DisplayCocoa`, `CpuModelCompareResult`). No path reaches them, so each is compared with every
 * source type of its kind that no other binary type met: first by local structure, then by a full trial walk
 * (its members' types too) that must give no warning. When exactly one source type passes, the orphan meets it.
 */
function nameOrphans(w: Walk, schema: readonly SchemaInfo[]): void {
  const used = new Set<string>();
  for (const e of schema) for (const t of referencedTypes(e)) used.add(t);
  const metNames = new Set<string>();
  for (const names of w.met.values()) for (const n of names) metNames.add(n);
  for (const e of schema) {
    const meta = e['meta-type'];
    if (meta === 'command' || meta === 'event' || meta === 'builtin' || meta === 'array') continue;
    if (used.has(e.name) || w.met.has(e.name) || w.implicit.has(e.name)) continue;
    const size = e['meta-type'] === 'enum' ? e.values.length : e.members.length;
    if (size < 2) continue; // too little structure to tell one type from another
    const local: string[] = [];
    w.dry = true;
    try {
      for (const def of w.source.definitions) {
        if (def.kind === 'command' || def.kind === 'event' || metNames.has(def.name)) continue;
        if (w.compareNamed(e, def.name, '').length === 0) local.push(def.name);
      }
    } finally {
      w.dry = false;
    }
    const fits = local.filter((name) => {
      const trial = new Walk(schema, w.source, w.index);
      trial.meet(e.name, { kind: 'ref', ref: { kind: 'name', name } }, '');
      return trial.warnings.length === 0;
    });
    if (fits.length === 1) w.meet(e.name, { kind: 'ref', ref: { kind: 'name', name: fits[0]! } }, `orphan type ${e.name}`);
  }
}
