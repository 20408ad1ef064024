/**
 * The introspection the guest agent would give if it had `query-qmp-schema`: built from its QAPI source
 * (`qga/qapi-schema.json`) the way QEMU's `scripts/qapi/introspect.py` builds it for QMP, with real (unmasked)
 * names, so the QMP importer (`check.ts`, `naming.ts`, `build.ts`) maps it to the same JSON Schema format.
 * Like introspect.py: every integer type is `int` (the exact widths are recorded afterwards from the source:
 * `int-widths.ts`), a list `['T']` is an array entry `TList`, a command's or event's dict `data` is an implicit
 * object `q_obj_<name>-arg`, a missing `data`/`returns` is the empty object `q_empty`, union tag values without
 * a branch get `q_empty` variants (after the branches), only types reached from a command or event are listed,
 * and features are names. `'if'` conditions are evaluated for a Linux build (`qga-conditions.ts`): what is false
 * is left out, as the compiled agent leaves it out.
 *
 * Bad source (an unknown type, a malformed condition or member, a condition that is false for a type a kept
 * definition uses) is an {@link ImportError} naming the file, line and entry.
 */
import { ImportError } from './errors.js';
import { dictMembers } from './qapi-members.js';
import { evaluateCondition, linuxBuildSymbols } from './qga-conditions.js';
import type { SchemaInfo, SchemaInfoObjectMember } from '../qapi/introspection.js';
import type { QapiDefinition, QapiSource, QapiValue } from '../qapi/types.js';

const intTypes = new Set(['int', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'size']);
const builtins: Record<string, string> = { str: 'string', number: 'number', bool: 'boolean', null: 'null', any: 'value' };

function isDict(v: QapiValue | undefined): v is { [key: string]: QapiValue } {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

/** Builds the introspection of a guest agent's QAPI source; `where` labels the source in errors. */
export function qgaIntrospection(source: QapiSource, where: string, symbols: ReadonlyMap<string, boolean> = linuxBuildSymbols): SchemaInfo[] {
  const out = new Map<string, SchemaInfo>();
  const place = (d: QapiDefinition): string => `${where}: ${d.location.file}:${d.location.line} "${d.name}" (${d.kind})`;
  const holds = (cond: QapiValue | undefined, at: string): boolean => {
    if (cond === undefined) return true;
    try {
      return evaluateCondition(cond, symbols);
    } catch (e) {
      throw new ImportError((e as Error).message, at, { cause: e });
    }
  };
  const featureNames = (f: QapiValue | undefined, at: string): string[] | undefined => {
    if (f === undefined) return undefined;
    if (!Array.isArray(f)) throw new ImportError(`'features' must be a list`, at);
    const names = f.flatMap((x) => {
      if (typeof x === 'string') return [x];
      if (isDict(x) && typeof x.name === 'string') return holds(x.if, at) ? [x.name] : [];
      throw new ImportError(`malformed feature ${JSON.stringify(x)}`, at);
    });
    return names.length > 0 ? names : undefined;
  };
  const put = (e: SchemaInfo): string => {
    if (!out.has(e.name)) out.set(e.name, e);
    return e.name;
  };
  const empty = (): string => put({ name: 'q_empty', 'meta-type': 'object', members: [] });

  const members = (data: QapiValue | undefined, at: string): SchemaInfoObjectMember[] => {
    if (data !== undefined && !isDict(data)) throw new ImportError(`member list must be a dict`, at);
    return dictMembers(data).flatMap((m) => {
      const mat = `${at} member "${m.name}"`;
      if (!holds(m.if, mat)) return [];
      const info: SchemaInfoObjectMember = { name: m.name, type: use(m.type, mat) };
      if (m.optional) info.default = null;
      const features = featureNames(m.features, mat);
      if (features !== undefined) info.features = features;
      return [info];
    });
  };

  /** The members of a struct named as a base (its own base first). */
  const structMembers = (name: string, at: string, seen: readonly string[]): SchemaInfoObjectMember[] => {
    const d = source.byName.get(name);
    if (d?.kind !== 'struct') throw new ImportError(`base ${JSON.stringify(name)} is not a struct`, at);
    if (seen.includes(name)) throw new ImportError(`base cycle through ${JSON.stringify(name)}`, at);
    if (!holds(d.expr.if, place(d))) throw new ImportError(`base ${JSON.stringify(name)} is compiled out (its 'if' is false)`, at);
    const base = typeof d.expr.base === 'string' ? structMembers(d.expr.base, place(d), [...seen, name]) : [];
    return [...base, ...members(d.expr.data, place(d))];
  };

  const define = (d: QapiDefinition, at: string): string => {
    if (out.has(d.name)) return d.name;
    const here = place(d);
    if (!holds(d.expr.if, here)) throw new ImportError(`uses ${JSON.stringify(d.name)}, which is compiled out (its 'if' is false)`, at);
    const features = featureNames(d.expr.features, here);
    const withFeatures = <T extends SchemaInfo>(e: T): T => (features !== undefined ? { ...e, features } : e);
    switch (d.kind) {
      case 'enum': {
        const data = d.expr.data;
        if (!Array.isArray(data)) throw new ImportError(`'data' must be a list of values`, here);
        const kept = data.flatMap((v) => {
          if (typeof v === 'string') return [{ name: v }];
          if (isDict(v) && typeof v.name === 'string') {
            const vat = `${here} value "${v.name}"`;
            if (!holds(v.if, vat)) return [];
            const f = featureNames(v.features, vat);
            return [f !== undefined ? { name: v.name, features: f } : { name: v.name }];
          }
          throw new ImportError(`malformed enum value ${JSON.stringify(v)}`, here);
        });
        return put(withFeatures({ name: d.name, 'meta-type': 'enum', values: kept.map((v) => v.name), members: kept }));
      }
      case 'struct': {
        // reserve the name first: a struct may reach itself through a member (a list of itself)
        const e: SchemaInfo = withFeatures({ name: d.name, 'meta-type': 'object', members: [] });
        out.set(d.name, e);
        e.members = structMembers(d.name, at, []);
        return d.name;
      }
      case 'union': {
        const e: SchemaInfo = withFeatures({ name: d.name, 'meta-type': 'object', members: [] });
        out.set(d.name, e);
        const base = d.expr.base;
        e.members = typeof base === 'string' ? structMembers(base, here, [d.name]) : members(base, here);
        const tag = d.expr.discriminator;
        if (typeof tag !== 'string') throw new ImportError(`a union needs a 'discriminator' naming a base member`, here);
        const tagMember = e.members.find((m) => m.name === tag);
        const tagEnum = tagMember === undefined ? undefined : out.get(tagMember.type);
        if (tagEnum?.['meta-type'] !== 'enum' || 'default' in tagMember!) {
          throw new ImportError(`discriminator ${JSON.stringify(tag)} is not a required enum member of the base`, here);
        }
        const branches = d.expr.data;
        if (!isDict(branches)) throw new ImportError(`'data' must be a dict of branches`, here);
        const variants: { case: string; type: string }[] = [];
        for (const c of Object.keys(branches)) {
          const b = branches[c]!;
          const bat = `${here} branch "${c}"`;
          const type = isDict(b) ? b.type : b;
          if (isDict(b) && !holds(b.if, bat)) continue;
          if (!tagEnum.values.includes(c)) throw new ImportError(`branch is not a value of the discriminator's enum`, bat);
          if (typeof type !== 'string') throw new ImportError(`a branch must name a struct`, bat);
          variants.push({ case: c, type: use(type, bat) });
        }
        for (const v of tagEnum.values) if (!variants.some((x) => x.case === v)) variants.push({ case: v, type: empty() });
        e.tag = tag;
        e.variants = variants;
        return d.name;
      }
      case 'alternate': {
        const data = d.expr.data;
        if (!isDict(data)) throw new ImportError(`'data' must be a dict of alternatives`, here);
        const e: SchemaInfo = withFeatures({ name: d.name, 'meta-type': 'alternate', members: [] });
        out.set(d.name, e);
        for (const k of Object.keys(data)) {
          const v = data[k]!;
          const kat = `${here} alternative "${k}"`;
          if (isDict(v) && !holds(v.if, kat)) continue;
          e.members.push({ type: use(isDict(v) ? v.type : v, kat) });
        }
        return d.name;
      }
      default:
        throw new ImportError(`a ${d.kind} is used as a type`, at);
    }
  };

  function use(t: QapiValue | undefined, at: string): string {
    if (Array.isArray(t)) {
      if (t.length !== 1) throw new ImportError(`a list type is written ['Type']`, at);
      const element = use(t[0], at);
      return put({ name: `${element}List`, 'meta-type': 'array', 'element-type': element });
    }
    if (typeof t !== 'string') throw new ImportError(`malformed type ${JSON.stringify(t) ?? 'nothing'}`, at);
    if (intTypes.has(t)) return put({ name: 'int', 'meta-type': 'builtin', 'json-type': 'int' });
    if (t in builtins) return put({ name: t, 'meta-type': 'builtin', 'json-type': builtins[t]! });
    const d = source.byName.get(t);
    if (d === undefined) throw new ImportError(`unknown type ${JSON.stringify(t)}`, at);
    return define(d, at);
  }

  const root = (d: QapiDefinition, what: 'arg' | 'ret'): string => {
    const here = place(d);
    const v = what === 'arg' ? d.expr.data : d.expr.returns;
    if (v === undefined) return empty();
    if (what === 'arg' && isDict(v)) {
      const name = `q_obj_${d.name}-arg`;
      return put({ name, 'meta-type': 'object', members: members(v, here) });
    }
    return use(v, here);
  };

  const entries: SchemaInfo[] = [];
  for (const d of source.definitions) {
    if (d.kind !== 'command' && d.kind !== 'event') continue;
    const here = place(d);
    if (!holds(d.expr.if, here)) continue;
    const features = featureNames(d.expr.features, here);
    if (d.kind === 'command') {
      const c: SchemaInfo = { name: d.name, 'meta-type': 'command', 'arg-type': root(d, 'arg'), 'ret-type': root(d, 'ret') };
      if (d.expr['allow-oob'] === true) c['allow-oob'] = true;
      entries.push(features !== undefined ? { ...c, features } : c);
    } else {
      const e: SchemaInfo = { name: d.name, 'meta-type': 'event', 'arg-type': root(d, 'arg') };
      entries.push(features !== undefined ? { ...e, features } : e);
    }
  }
  // the command/event names must not collide with type names (QAPI forbids it too)
  for (const e of entries) {
    if (out.has(e.name)) throw new ImportError(`a command or event has the name of a type`, `${where}: "${e.name}"`);
  }
  return [...entries, ...out.values()];
}
