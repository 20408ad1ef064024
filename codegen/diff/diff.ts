/**
 * What changed from schema A to schema B, for someone who calls B with code written for A. Works on
 * the schema model (`model.ts`): structure only, never type names (A and B may name the same type
 * differently: QAPI names, path-derived names).
 *
 * Paths: `<command>/arguments/…`, `<command>/returns/…`, `<EVENT>/data/…`, then member names,
 * `+case` for a union variant, `^value` for an enum value; arrays are entered transparently and an
 * alternate's members share its path (as in libvirt's queries). A type reached by several paths is
 * compared once, at the first path that reaches it (commands, then events, by wire name; members in
 * schema order), per direction: what the caller sends (arguments) or reads (returns, event data).
 */
import type { Introspection } from '../import/check.js';
import type { SchemaInfo, SchemaInfoEnum, SchemaInfoObject } from '../qapi/introspection.js';

/** How a change affects code written for A. */
export type DiffClass = 'breaking' | 'deprecation' | 'addition' | 'compatible';

/** What changed at a path. */
export type DiffChange =
  | 'command-removed'
  | 'command-added'
  | 'event-removed'
  | 'event-added'
  | 'allow-oob-removed'
  | 'allow-oob-added'
  /** Arguments (sent by the caller). */
  | 'argument-removed'
  | 'argument-added'
  | 'required-argument-added'
  | 'argument-now-required'
  | 'argument-now-optional'
  /** Reply and event members (read by the caller). */
  | 'member-removed'
  | 'member-added'
  | 'member-now-optional'
  | 'member-now-always-present'
  | 'type-changed'
  | 'enum-value-removed'
  | 'enum-value-added'
  | 'variant-removed'
  | 'variant-added'
  | 'alternative-removed'
  | 'alternative-added'
  | 'deprecated'
  | 'no-longer-deprecated'
  | 'unstable'
  | 'no-longer-unstable'
  | 'feature-added'
  | 'feature-removed';

/** One change. */
export interface DiffEntry {
  /** Where, e.g. `migrate/arguments/blk`, `query-status/returns/singlestep`, `blockdev-add/arguments/+file/aio/^io_uring`. */
  readonly path: string;
  readonly change: DiffChange;
  /** More words where the change needs them: `string → int`, a feature name. */
  readonly detail?: string;
}

/** The report: every list sorted by path, then change, then detail (code-point order). */
export interface DiffReport {
  /** Labels of A and B (target names, or the sources as given). */
  readonly from: string;
  readonly to: string;
  readonly summary: { readonly breaking: number; readonly deprecations: number; readonly additions: number; readonly compatible: number };
  /**
   * Code written for A may fail on B: removed commands/events/arguments/reply members, arguments
   * added as required or made required, reply members made optional, enum values/variants/alternatives
   * removed from arguments, changed types, `allow-oob` removed, features (other than
   * `deprecated`/`unstable`) removed.
   */
  readonly breaking: readonly DiffEntry[];
  /** Newly `deprecated` commands, events, members, enum values, types; `unstable` added or removed. */
  readonly deprecations: readonly DiffEntry[];
  /** New commands, events, arguments, reply members, enum values, union branches, alternatives, features, `allow-oob`. */
  readonly additions: readonly DiffEntry[];
  /**
   * Changes that do not affect code written for A: arguments that became optional or accept any
   * string instead of an enum, values/variants/alternatives no longer sent in replies, reply members
   * now always present, a reply string that became an enum, a deprecation lifted.
   */
  readonly compatible: readonly DiffEntry[];
}

type Direction = 'in' | 'out';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function featureSet(e: { features?: string[] | undefined }): Set<string> {
  return new Set(e.features ?? []);
}

function enumMembers(e: SchemaInfoEnum): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>(e.values.map((v) => [v, new Set<string>()]));
  for (const x of e.members ?? []) m.set(x.name, featureSet(x));
  return m;
}

class Differ {
  private readonly out: Record<DiffClass, DiffEntry[]> = { breaking: [], deprecation: [], addition: [], compatible: [] };
  private readonly seen = new Set<string>();

  constructor(
    private readonly a: Introspection,
    private readonly b: Introspection,
  ) {}

  private add(cls: DiffClass, path: string, change: DiffChange, detail?: string): void {
    this.out[cls].push(detail === undefined ? { path, change } : { path, change, detail });
  }

  private type(model: Introspection, name: string): SchemaInfo {
    const t = model.byName.get(name);
    if (t === undefined) throw new Error(`schema model: undefined type ${JSON.stringify(name)}`);
    return t;
  }

  /** `string`, `int`, `enum`, `object`, `array of …` */
  private describe(model: Introspection, name: string): string {
    const t = this.type(model, name);
    switch (t['meta-type']) {
      case 'builtin':
        return t['json-type'] === 'value' ? 'any' : t['json-type'];
      case 'array':
        return `array of ${this.describe(model, t['element-type'])}`;
      default:
        return t['meta-type'];
    }
  }

  private features(path: string, fa: Set<string>, fb: Set<string>): void {
    for (const f of fb) {
      if (fa.has(f)) continue;
      if (f === 'deprecated') this.add('deprecation', path, 'deprecated');
      else if (f === 'unstable') this.add('deprecation', path, 'unstable');
      else this.add('addition', path, 'feature-added', f);
    }
    for (const f of fa) {
      if (fb.has(f)) continue;
      if (f === 'deprecated') this.add('compatible', path, 'no-longer-deprecated');
      else if (f === 'unstable') this.add('deprecation', path, 'no-longer-unstable');
      else this.add('breaking', path, 'feature-removed', f);
    }
  }

  /** Compares the types at one path. */
  private types(path: string, dir: Direction, na: string, nb: string): void {
    const key = `${dir}\u0000${na}\u0000${nb}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const ta = this.type(this.a, na);
    const tb = this.type(this.b, nb);
    if (ta['meta-type'] === 'array' && tb['meta-type'] === 'array') return this.types(path, dir, ta['element-type'], tb['element-type']);
    const da = this.describe(this.a, na);
    const db = this.describe(this.b, nb);
    if (da !== db) {
      // A string that became an enum narrows what the caller may send and widens nothing it reads.
      const narrowed = da === 'string' && db === 'enum';
      const widened = da === 'enum' && db === 'string';
      const harmless = (dir === 'in' && widened) || (dir === 'out' && narrowed);
      this.add(harmless ? 'compatible' : 'breaking', path, 'type-changed', `${da} → ${db}`);
      return;
    }
    this.features(path, featureSet(ta), featureSet(tb));
    if (ta['meta-type'] === 'enum' && tb['meta-type'] === 'enum') this.enums(path, dir, ta, tb);
    else if (ta['meta-type'] === 'object' && tb['meta-type'] === 'object') this.objects(path, dir, ta, tb);
    else if (ta['meta-type'] === 'alternate' && tb['meta-type'] === 'alternate') {
      const kinds = (model: Introspection, e: typeof ta) => new Map(e.members.map((m) => [this.describe(model, m.type), m.type]));
      const ka = kinds(this.a, ta);
      const kb = kinds(this.b, tb as typeof ta);
      for (const [k, t] of ka) {
        const u = kb.get(k);
        if (u === undefined) this.add(dir === 'in' ? 'breaking' : 'compatible', path, 'alternative-removed', k);
        else this.types(path, dir, t, u);
      }
      for (const k of kb.keys()) if (!ka.has(k)) this.add('addition', path, 'alternative-added', k);
    }
  }

  private enums(path: string, dir: Direction, ta: SchemaInfoEnum, tb: SchemaInfoEnum): void {
    const va = enumMembers(ta);
    const vb = enumMembers(tb);
    for (const [v, fa] of va) {
      const fb = vb.get(v);
      if (fb === undefined) this.add(dir === 'in' ? 'breaking' : 'compatible', `${path}/^${v}`, 'enum-value-removed');
      else this.features(`${path}/^${v}`, fa, fb);
    }
    for (const v of vb.keys()) if (!va.has(v)) this.add('addition', `${path}/^${v}`, 'enum-value-added');
  }

  private objects(path: string, dir: Direction, ta: SchemaInfoObject, tb: SchemaInfoObject): void {
    const ma = new Map(ta.members.map((m) => [m.name, m]));
    const mb = new Map(tb.members.map((m) => [m.name, m]));
    const tagA = ta.tag;
    const tagB = tb.tag;
    for (const [name, m] of ma) {
      const p = `${path}/${name}`;
      const n = mb.get(name);
      if (n === undefined) {
        this.add('breaking', p, dir === 'in' ? 'argument-removed' : 'member-removed');
        continue;
      }
      const optA = 'default' in m;
      const optB = 'default' in n;
      if (optA && !optB) this.add(dir === 'in' ? 'breaking' : 'compatible', p, dir === 'in' ? 'argument-now-required' : 'member-now-always-present');
      if (!optA && optB) this.add(dir === 'in' ? 'compatible' : 'breaking', p, dir === 'in' ? 'argument-now-optional' : 'member-now-optional');
      this.features(p, featureSet(m), featureSet(n));
      // A union's tag values are its cases: compared below as variants.
      if (name === tagA && name === tagB) continue;
      this.types(p, dir, m.type, n.type);
    }
    for (const [name, n] of mb) {
      if (ma.has(name)) continue;
      const p = `${path}/${name}`;
      if (dir === 'out') this.add('addition', p, 'member-added');
      else if ('default' in n) this.add('addition', p, 'argument-added');
      else this.add('breaking', p, 'required-argument-added');
    }
    if (tagA === undefined && tagB === undefined) return;
    if (tagA !== undefined && tagB !== undefined && tagA !== tagB) {
      this.add('breaking', path, 'type-changed', `union tag ${tagA} → ${tagB}`);
      return;
    }
    // A plain object that became a union (or back): its tag member is compared above, its cases below.
    const caseFeatures = (model: Introspection, t: SchemaInfoObject) => {
      const tagType = model.byName.get(t.members.find((m) => m.name === t.tag)?.type ?? '');
      return tagType?.['meta-type'] === 'enum' ? enumMembers(tagType) : new Map<string, Set<string>>();
    };
    const fa = caseFeatures(this.a, ta);
    const fb = caseFeatures(this.b, tb);
    const vb = new Map((tb.variants ?? []).map((v) => [v.case, v.type]));
    const va = new Map((ta.variants ?? []).map((v) => [v.case, v.type]));
    for (const [c, t] of va) {
      const p = `${path}/+${c}`;
      const u = vb.get(c);
      if (u === undefined) {
        this.add(dir === 'in' ? 'breaking' : 'compatible', p, 'variant-removed');
        continue;
      }
      this.features(p, fa.get(c) ?? new Set(), fb.get(c) ?? new Set());
      this.types(p, dir, t, u);
    }
    for (const c of vb.keys()) if (!va.has(c)) this.add('addition', `${path}/+${c}`, 'variant-added');
  }

  run(): Record<DiffClass, DiffEntry[]> {
    const ca = new Map(this.a.commands.map((c) => [c.name, c]));
    const cb = new Map(this.b.commands.map((c) => [c.name, c]));
    for (const [name, c] of ca) {
      const d = cb.get(name);
      if (d === undefined) {
        this.add('breaking', name, 'command-removed');
        continue;
      }
      this.features(name, featureSet(c), featureSet(d));
      if (c['allow-oob'] === true && d['allow-oob'] !== true) this.add('breaking', name, 'allow-oob-removed');
      if (c['allow-oob'] !== true && d['allow-oob'] === true) this.add('addition', name, 'allow-oob-added');
      this.types(`${name}/arguments`, 'in', c['arg-type'], d['arg-type']);
      this.types(`${name}/returns`, 'out', c['ret-type'], d['ret-type']);
    }
    for (const name of cb.keys()) if (!ca.has(name)) this.add('addition', name, 'command-added');
    const ea = new Map(this.a.events.map((e) => [e.name, e]));
    const eb = new Map(this.b.events.map((e) => [e.name, e]));
    for (const [name, e] of ea) {
      const f = eb.get(name);
      if (f === undefined) {
        this.add('breaking', name, 'event-removed');
        continue;
      }
      this.features(name, featureSet(e), featureSet(f));
      this.types(`${name}/data`, 'out', e['arg-type'], f['arg-type']);
    }
    for (const name of eb.keys()) if (!ea.has(name)) this.add('addition', name, 'event-added');
    return this.out;
  }
}

function sorted(list: DiffEntry[]): DiffEntry[] {
  return [...list].sort((x, y) => cmp(x.path, y.path) || cmp(x.change, y.change) || cmp(x.detail ?? '', y.detail ?? ''));
}

/** Compares two schema models (see `schemaModel`). Pure and deterministic. */
export function diffModels(a: Introspection, b: Introspection, labels: { from: string; to: string }): DiffReport {
  const out = new Differ(a, b).run();
  const breaking = sorted(out.breaking);
  const deprecations = sorted(out.deprecation);
  const additions = sorted(out.addition);
  const compatible = sorted(out.compatible);
  return {
    from: labels.from,
    to: labels.to,
    summary: { breaking: breaking.length, deprecations: deprecations.length, additions: additions.length, compatible: compatible.length },
    breaking,
    deprecations,
    additions,
    compatible,
  };
}
