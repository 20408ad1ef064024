/**
 * Names of the introspection's (masked) types: QAPI names when name recovery found them, otherwise
 * names derived from the first path that reaches the type (see `schema/FORMAT.md`, "Path-derived names").
 *
 * Paths start at a command's arguments or return value or an event's data and step through object
 * members, union cases, array elements and alternate members. A type reached by several paths is named
 * by the lexicographically first one (commands before events, then by wire name, arguments before
 * returns, then step by step), so the name never depends on the masked numbers.
 */
import { ImportError } from './errors.js';
import type { Introspection } from './check.js';
import type { SchemaInfo, SchemaInfoObject, SchemaInfoObjectVariant } from '../qapi/introspection.js';
import { pascalCase } from '../pascal-case.js';

/** One step of a path. */
export type Step =
  | { kind: 'root'; root: 'command' | 'event'; name: string; part: 'arguments' | 'returns' | 'data' }
  | { kind: 'member'; name: string }
  | { kind: 'case'; name: string }
  | { kind: 'item' }
  | { kind: 'alternative'; which: string }
  | { kind: 'unreferenced'; word: string };

/** How a type was reached first, and the name it got. */
export interface NamedType {
  /** The masked (introspection) name. */
  masked: string;
  name: string;
  /** Where the name comes from. */
  origin: 'qapi' | 'introspection' | 'path';
  /** The first path, for messages, e.g. `command query-status/returns/status`. */
  path: string;
  /** Parent type (masked) on the first path; undefined at a root. */
  parent: string | undefined;
  step: Step;
  /** True when no command or event reaches the type (its first path starts at an unreferenced type). */
  unreferenced: boolean;
}

/** The result of naming. */
export interface Naming {
  /** Every reached object, enum, alternate and array type (arrays get names only to name their elements). */
  types: ReadonlyMap<string, NamedType>;
  /** Types no command or event reaches (named `Unreferenced…` by their structure). */
  unreachable: readonly string[];
  /** Names that could not be used as wished, with why. */
  warnings: readonly string[];
}

/** The name part a step adds. */
function stepWord(step: Step): string {
  switch (step.kind) {
    case 'root': {
      const base = pascalCase(step.name);
      const head = /^[0-9]/.test(base) ? `_${base}` : base;
      return head + (step.part === 'arguments' ? 'Arguments' : step.part === 'returns' ? 'Result' : 'Data');
    }
    case 'member':
    case 'case':
      return pascalCase(step.name);
    case 'item':
      return 'Item';
    case 'alternative':
      return step.which;
    case 'unreferenced':
      return step.word;
  }
}

/** Sort key of a step among its siblings (members before cases, by wire name). */
function stepKey(step: Step): string {
  switch (step.kind) {
    case 'root':
      return `${step.root === 'command' ? 0 : 1}${step.name}\u0000${step.part === 'returns' ? 1 : 0}`;
    case 'item':
      return '0';
    case 'member':
      return `1${step.name}`;
    case 'case':
      return `2${step.name}`;
    case 'alternative':
      return `3${step.which}`;
    case 'unreferenced':
      return `4${step.word}`;
  }
}

/** Path text of a step, appended to the parent's path. */
function stepText(step: Step): string {
  switch (step.kind) {
    case 'root':
      return `${step.root} ${step.name}/${step.part}`;
    case 'member':
      return `/${step.name}`;
    case 'case':
      return `/(case ${step.name})`;
    case 'item':
      return '[]';
    case 'alternative':
      return `/(${step.which.toLowerCase()})`;
    case 'unreferenced':
      return `(unreferenced ${step.word})`;
  }
}

/** True for an object type without members and variants (QAPI's empty object). */
export function isEmptyObject(e: SchemaInfo | undefined): boolean {
  return e?.['meta-type'] === 'object' && e.members.length === 0 && (e.variants ?? []).length === 0;
}

/**
 * The variants of a union that add members. QEMU lists every tag value, giving the ones without
 * members of their own the empty object; those count as values without a variant.
 */
export function realVariants(e: SchemaInfoObject, byName: ReadonlyMap<string, SchemaInfo>): SchemaInfoObjectVariant[] {
  return (e.variants ?? []).filter((v) => !isEmptyObject(byName.get(v.type)));
}

const alternativeWords: Record<string, string> = { object: 'Object', enum: 'Enum', array: 'Array', alternate: 'Alternate' };

/** Children of a type with the step leading to each. */
function children(e: SchemaInfo, byName: ReadonlyMap<string, SchemaInfo>): [Step, string][] {
  switch (e['meta-type']) {
    case 'object':
      return [
        ...e.members.map((m): [Step, string] => [{ kind: 'member', name: m.name }, m.type]),
        ...realVariants(e, byName).map((v): [Step, string] => [{ kind: 'case', name: v.case }, v.type]),
      ];
    case 'array':
      return [[{ kind: 'item' }, e['element-type']]];
    case 'alternate': {
      const used = new Map<string, number>();
      const out: [Step, string][] = [];
      for (const m of e.members) {
        const meta = byName.get(m.type)?.['meta-type'] ?? 'builtin';
        const word = alternativeWords[meta];
        if (word === undefined) continue;
        const n = (used.get(word) ?? 0) + 1;
        used.set(word, n);
        out.push([{ kind: 'alternative', which: n === 1 ? word : `${word}${n}` }, m.type]);
      }
      return out;
    }
    default:
      return [];
  }
}

/** Root edges in path order; empty objects at a root are written inline and name nothing. */
export function rootEdges(intro: Introspection): [Step, string][] {
  const out: [Step, string][] = [];
  const add = (step: Step, type: string) => {
    if (!isEmptyObject(intro.byName.get(type))) out.push([step, type]);
  };
  for (const c of intro.commands) {
    add({ kind: 'root', root: 'command', name: c.name, part: 'arguments' }, c['arg-type']);
    add({ kind: 'root', root: 'command', name: c.name, part: 'returns' }, c['ret-type']);
  }
  for (const e of intro.events) add({ kind: 'root', root: 'event', name: e.name, part: 'data' }, e['arg-type']);
  return out;
}

/** True when an introspection name is a real (unmasked) type name worth keeping. */
function unmaskedName(name: string): boolean {
  return !/^[0-9]+$/.test(name) && !name.startsWith('q_') && !name.startsWith('[');
}

/**
 * Names every type reached from a command or event. `qapiNames` (masked → QAPI name) wins where given;
 * otherwise an unmasked introspection name is kept; otherwise the path-derived name. Two types wanting
 * the same name: the QAPI/introspection name stays with the first in path order and the other falls
 * back to its path name (with a warning); a path-derived name already taken becomes
 * `<Parent>_<Word>`; if that is taken too, an {@link ImportError}.
 */
export function nameTypes(intro: Introspection, qapiNames?: ReadonlyMap<string, string>): Naming {
  const { byName } = intro;
  const order: { masked: string; parent: string | undefined; step: Step; path: string }[] = [];
  const reached = new Map<string, number>();
  // Depth first in path order, on an explicit stack (a chain of nested types must not recurse per type).
  const visit = (rootType: string, rootStep: Step, rootPath: string): void => {
    const stack: { masked: string; parent: string | undefined; step: Step; path: string }[] = [{ masked: rootType, parent: undefined, step: rootStep, path: rootPath }];
    while (stack.length > 0) {
      const { masked, parent, step, path } = stack.pop()!;
      const e = byName.get(masked);
      if (e === undefined || e['meta-type'] === 'builtin' || reached.has(masked)) continue;
      reached.set(masked, order.length);
      order.push({ masked, parent, step, path });
      const kids = children(e, byName).sort((a, b) => (stepKey(a[0]) < stepKey(b[0]) ? -1 : stepKey(a[0]) > stepKey(b[0]) ? 1 : 0));
      for (let i = kids.length - 1; i >= 0; i--) {
        const [s, t] = kids[i]!;
        stack.push({ masked: t, parent: masked, step: s, path: path + stepText(s) });
      }
    }
  };
  for (const [step, type] of rootEdges(intro)) visit(type, step, stepText(step));
  // Types no command or event reaches (QEMU emits a few, e.g. branch types of a union case compiled
  // out): kept, named by their structure, and their own members named by path from there.
  const unreachable = unreferencedRoots(intro, reached);
  for (const [step, type] of unreachable) visit(type, step, stepText(step));

  const warnings: string[] = [];
  const taken = new Map<string, string>(); // name → masked
  const wanted = new Map<string, { name: string; origin: 'qapi' | 'introspection' }>();
  for (const { masked, path } of order) {
    if (byName.get(masked)?.['meta-type'] === 'array') continue;
    const q = qapiNames?.get(masked);
    const want = q !== undefined ? { name: q, origin: 'qapi' as const } : unmaskedName(masked) ? { name: masked, origin: 'introspection' as const } : undefined;
    if (want === undefined) continue;
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(want.name)) {
      warnings.push(`${path}: name ${JSON.stringify(want.name)} is not a plain type name; using the path-derived name`);
      continue;
    }
    const holder = taken.get(want.name);
    if (holder !== undefined) {
      warnings.push(`${path}: name ${want.name} already given to the type first reached at ${order[reached.get(holder) ?? 0]?.path}; using the path-derived name`);
      continue;
    }
    taken.set(want.name, masked);
    wanted.set(masked, want);
  }
  const types = new Map<string, NamedType>();
  for (const { masked, parent, step, path } of order) {
    const isArray = byName.get(masked)?.['meta-type'] === 'array';
    const own = wanted.get(masked);
    if (own !== undefined) {
      types.set(masked, { masked, name: own.name, origin: own.origin, path, parent, step, unreferenced: path.startsWith('(unreferenced') });
      continue;
    }
    const parentName = parent === undefined ? '' : (types.get(parent)?.name ?? '');
    let name = parentName + stepWord(step);
    if (!isArray && taken.has(name) && taken.get(name) !== masked) {
      const alt = parentName === '' ? `${name}_` : `${parentName}_${stepWord(step)}`;
      if (taken.has(alt)) {
        throw new ImportError(
          `path-derived name ${name} (and ${alt}) already given to the type first reached at ${order[reached.get(taken.get(name) ?? '') ?? 0]?.path}`,
          path,
        );
      }
      warnings.push(`${path}: path-derived name ${name} is taken; using ${alt}`);
      name = alt;
    }
    if (!isArray) taken.set(name, masked);
    types.set(masked, { masked, name, origin: 'path', path, parent, step, unreferenced: path.startsWith('(unreferenced') });
  }
  return { types, unreachable: unreachable.map(([, t]) => t), warnings };
}

/** Signature words of a type: member and case names, enum values, alternative kinds. */
function signature(e: SchemaInfo, byName: ReadonlyMap<string, SchemaInfo>): string[] {
  switch (e['meta-type']) {
    case 'object':
      return [...e.members.map((m) => m.name), ...(e.variants ?? []).map((v) => v.case)];
    case 'enum':
      return [...e.values];
    case 'alternate':
      return e.members.map((m) => {
        const t = byName.get(m.type);
        return t?.['meta-type'] === 'builtin' ? t['json-type'] : (t?.['meta-type'] ?? 'unknown');
      });
    default:
      return [];
  }
}

/**
 * Object, enum and alternate types not reached from any command or event (nor only an empty object
 * at a root): `Unreferenced<Kind>` + the PascalCase of their member names / values, sorted by that name.
 */
function unreferencedRoots(intro: Introspection, reached: ReadonlyMap<string, number>): [Step, string][] {
  const out: [Step, string][] = [];
  for (const e of intro.byName.values()) {
    const meta = e['meta-type'];
    if ((meta !== 'object' && meta !== 'enum' && meta !== 'alternate') || reached.has(e.name)) continue;
    if (isEmptyObject(e) && (referencedAtRoot(intro, e.name) || referencedAsVariant(intro, e.name))) continue;
    const sig = signature(e, intro.byName);
    const word = `Unreferenced${alternativeWords[meta] ?? ''}${sig.map(pascalCase).join('')}`;
    out.push([{ kind: 'unreferenced', word }, e.name]);
  }
  // Types referenced by another unreferenced type come after the others, so they are named by path from it.
  const inner = new Set<string>();
  for (const [, t] of out) {
    const e = intro.byName.get(t);
    if (e === undefined) continue;
    for (const [, c] of children(e, intro.byName)) if (c !== t) inner.add(c);
  }
  const key = (x: [Step, string]) => `${inner.has(x[1]) ? 1 : 0}${stepKey(x[0])}`;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** An empty object that is a union variant stands for "no members of its own" (see `realVariants`): not a type of its own. */
function referencedAsVariant(intro: Introspection, name: string): boolean {
  return intro.entries.some((e) => e['meta-type'] === 'object' && (e.variants ?? []).some((v) => v.type === name));
}

function referencedAtRoot(intro: Introspection, name: string): boolean {
  return intro.commands.some((c) => c['arg-type'] === name || c['ret-type'] === name) || intro.events.some((e) => e['arg-type'] === name);
}
