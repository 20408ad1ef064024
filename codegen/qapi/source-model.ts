/**
 * Reading QAPI definitions as written: member lists (with the `*` optional prefix and `{type, if}` forms),
 * `base` chains, union branches, enum values, alternate members, and QAPI builtin types.
 */
import type { QapiValue } from './parser.js';
import type { QapiDefinition } from './types.js';

/** A type as a member, argument or return value names it: a type name or an array of one. */
export type QapiTypeRef = { kind: 'name'; name: string } | { kind: 'array'; element: string };

/** One member of a struct, union base, command `data` or event `data`. */
export interface SourceMember {
  name: string;
  optional: boolean;
  type: QapiTypeRef | undefined;
  /** True when the member has an `if` (the binary may lack it). */
  conditional: boolean;
}

/** One union branch or alternate member. */
export interface SourceBranch {
  name: string;
  type: QapiTypeRef | undefined;
  conditional: boolean;
}

/** One enum value. */
export interface SourceEnumValue {
  name: string;
  conditional: boolean;
}

type Dict = Record<string, QapiValue>;

const isDict = (v: QapiValue | undefined): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** QAPI builtin type → the builtin introspection names it (all integer types collapse to `int`). */
const builtins: Record<string, string> = {
  str: 'str',
  number: 'number',
  int: 'int',
  int8: 'int',
  int16: 'int',
  int32: 'int',
  int64: 'int',
  uint8: 'int',
  uint16: 'int',
  uint32: 'int',
  uint64: 'int',
  size: 'int',
  bool: 'bool',
  null: 'null',
  any: 'any',
};

/** The introspection builtin a QAPI builtin type appears as, or undefined when `name` is no builtin. */
export function introspectionBuiltin(name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(builtins, name) ? builtins[name] : undefined;
}

/** Values of QAPI's own builtin enum `QType` (defined by the generator, not in any `.json`). */
export const qtypeValues: readonly string[] = ['none', 'qnull', 'qnum', 'qstring', 'qdict', 'qlist', 'qbool'];

/** Reads a type reference: `'Foo'`, `['Foo']`, or the `type` of a `{type, if, features}` dict. */
export function typeRef(v: QapiValue | undefined): QapiTypeRef | undefined {
  if (typeof v === 'string') return { kind: 'name', name: v };
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return { kind: 'array', element: v[0] };
  if (isDict(v)) return typeRef(v.type);
  return undefined;
}

const hasIf = (v: QapiValue | undefined): boolean => isDict(v) && v.if !== undefined;

/** Members of a `data` dict as written (`*name` → optional). */
export function membersOfData(data: QapiValue | undefined): SourceMember[] {
  if (!isDict(data)) return [];
  return Object.keys(data).map((key) => {
    const v = data[key];
    const optional = key.startsWith('*');
    return { name: optional ? key.slice(1) : key, optional, type: typeRef(v), conditional: hasIf(v) };
  });
}

/** Lookup of definitions by name. */
export type DefinitionLookup = (name: string) => QapiDefinition | undefined;

/**
 * All members of a struct (its `base` chain first, as introspection flattens them) or the base members of a
 * union (named or inline `base`). Undefined when a base is missing or not a struct.
 */
export function flattenedMembers(def: QapiDefinition, lookup: DefinitionLookup, seen = new Set<string>()): SourceMember[] | undefined {
  if (seen.has(def.name)) return undefined;
  seen.add(def.name);
  const base = def.expr.base;
  let inherited: SourceMember[] = [];
  if (typeof base === 'string') {
    const b = lookup(base);
    if (!b || b.kind !== 'struct') return undefined;
    const m = flattenedMembers(b, lookup, seen);
    if (!m) return undefined;
    inherited = m;
  } else if (isDict(base)) {
    inherited = membersOfData(base);
  }
  return def.kind === 'union' ? inherited : [...inherited, ...membersOfData(def.expr.data)];
}

/** The base struct definitions of a definition, nearest first. */
export function baseChain(def: QapiDefinition, lookup: DefinitionLookup): QapiDefinition[] {
  const out: QapiDefinition[] = [];
  let base = def.expr.base;
  while (typeof base === 'string') {
    const b = lookup(base);
    if (!b || out.includes(b)) break;
    out.push(b);
    base = b.expr.base;
  }
  return out;
}

/** Branches of a union (`data`: case → type) or members of an alternate (`data`: name → type). */
export function branchesOf(def: QapiDefinition): SourceBranch[] {
  const data = def.expr.data;
  if (!isDict(data)) return [];
  return Object.keys(data).map((name) => ({ name, type: typeRef(data[name]), conditional: hasIf(data[name]) }));
}

/** Values of an enum (`data`: strings or `{name, if}` dicts). */
export function enumValues(def: QapiDefinition): SourceEnumValue[] {
  const data = def.expr.data;
  if (!Array.isArray(data)) return [];
  const out: SourceEnumValue[] = [];
  for (const v of data) {
    if (typeof v === 'string') out.push({ name: v, conditional: false });
    else if (isDict(v) && typeof v.name === 'string') out.push({ name: v.name, conditional: v.if !== undefined });
  }
  return out;
}

/** Renders a type reference as QAPI writes it, for messages. */
export function showRef(ref: QapiTypeRef | undefined): string {
  if (!ref) return '(unreadable type)';
  return ref.kind === 'array' ? `['${ref.element}']` : `'${ref.name}'`;
}
