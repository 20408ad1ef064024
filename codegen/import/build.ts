/**
 * Maps checked introspection (+ names, + optional QAPI docs) to the four schema documents of a target
 * (`types.json`, `commands.json`, `returns.json`, `events.json`), following `schema/FORMAT.md`.
 */
import { ImportError } from './errors.js';
import { dict, orderedMap, sortedMap } from './json.js';
import { isEmptyObject, realVariants } from './naming.js';
import type { Introspection } from './check.js';
import type { Naming } from './naming.js';
import type {
  SchemaInfo,
  SchemaInfoCommand,
  SchemaInfoEnum,
  SchemaInfoEvent,
  SchemaInfoObject,
  SchemaInfoObjectMember,
} from '../qapi/introspection.js';
import type { QapiDefinition, QapiDoc, QapiNames, QapiSource } from '../qapi/types.js';
import type { SchemaFile, SchemaFileName } from '../schema-format/files.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import { definitionRef, schemaId } from '../schema-format/refs.js';

/** Built documents (prototype-less objects, see `json.ts`) plus facts for the summary. */
export interface BuiltSchemas {
  documents: Record<SchemaFileName, JsonSchema>;
  /** Number of definitions in `types.json`. */
  typeCount: number;
  /** Named (non-array) types, emitted or inline: how many carry their QAPI name, how many a path-derived one. */
  qapiNamed: number;
  pathNamed: number;
}

const int64Min = -(2 ** 63);
/** Introspection reports every integer type (int8…int64, uint8…uint64, size) as `int`: the union of both ranges. */
const uint64Max = 2 ** 64;


function builtin(e: SchemaInfo & { 'meta-type': 'builtin' }, place: string): JsonSchema {
  switch (e['json-type']) {
    case 'string':
      return { type: 'string' };
    case 'int':
      return { type: 'integer', minimum: int64Min, maximum: uint64Max };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'null':
      return { type: 'null' };
    case 'value':
      return {};
    case 'object':
      return { type: 'object' };
    case 'array':
      return { type: 'array' };
    default:
      throw new ImportError(`unknown builtin json-type ${JSON.stringify(e['json-type'])}`, place);
  }
}

/**
 * Whether a command takes members its introspected arguments do not list: `'gen': false` in its QAPI
 * source (in QEMU 7.2 and 10.0 only `device_add`, qapi/qdev.json: "so we can get the additional
 * arguments"), or, without the source, `device_add` by name.
 */
function hasExtraArguments(name: string, expr: QapiDefinition | undefined): boolean {
  return (expr?.kind === 'command' && expr.expr['gen'] === false) || name === 'device_add';
}

function sortedFeatures(f: readonly string[] | undefined): string[] | undefined {
  return f === undefined || f.length === 0 ? undefined : [...f].sort();
}

/** Puts `x-qmp` on a schema when it has any member set. */
function withXQmp(schema: JsonSchema, x: Record<string, unknown>): JsonSchema {
  const present = Object.keys(x).filter((k) => x[k] !== undefined);
  if (present.length > 0) {
    const o = dict();
    for (const k of present) o[k] = x[k];
    schema['x-qmp'] = o;
  }
  return schema;
}

function nonEmpty<T>(a: readonly T[] | undefined): T[] | undefined {
  return a === undefined || a.length === 0 ? undefined : [...a];
}

/** An own string member of a doc map (never an inherited `__proto__`/`constructor`). */
function own(map: Record<string, string> | undefined, key: string): string | undefined {
  if (map === undefined || !Object.prototype.hasOwnProperty.call(map, key)) return undefined;
  const v = map[key];
  return typeof v === 'string' ? v : undefined;
}

/** The member docs of a doc (empty when none). */
function memberDocs(...docs: (QapiDoc | undefined)[]): (name: string) => string | undefined {
  return (name) => {
    for (const d of docs) {
      const t = d !== undefined ? own(d.members, name) : undefined;
      if (t !== undefined && t !== '') return t;
    }
    return undefined;
  };
}

function deprecationText(doc: QapiDoc | undefined): string | undefined {
  return doc?.deprecated ?? own(doc?.features, 'deprecated');
}

interface Member {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

/** Builds the documents. */
export class SchemaBuilder {
  private readonly refCount = new Map<string, number>();
  private readonly inlineRoots = new Set<string>();
  private qapiNamed = 0;
  private pathNamed = 0;

  constructor(
    private readonly intro: Introspection,
    private readonly naming: Naming,
    private readonly target: string,
    private readonly names?: QapiNames,
    private readonly source?: QapiSource,
  ) {
    const count = (t: string) => this.refCount.set(t, (this.refCount.get(t) ?? 0) + 1);
    for (const e of intro.entries) {
      switch (e['meta-type']) {
        case 'command':
          count(e['arg-type']);
          count(e['ret-type']);
          break;
        case 'event':
          count(e['arg-type']);
          break;
        case 'array':
          count(e['element-type']);
          break;
        case 'object':
          e.members.forEach((m) => count(m.type));
          (e.variants ?? []).forEach((v) => count(v.type));
          break;
        case 'alternate':
          e.members.forEach((m) => count(m.type));
          break;
      }
    }
    const roots = [...intro.commands.map((c) => c['arg-type']), ...intro.events.map((e) => e['arg-type'])];
    for (const r of roots) {
      const e = intro.byName.get(r);
      if (e?.['meta-type'] === 'object' && e.tag === undefined && !isEmptyObject(e) && this.refCount.get(r) === 1) {
        this.inlineRoots.add(r);
      }
    }
  }

  private entry(masked: string): SchemaInfo {
    const e = this.intro.byName.get(masked);
    if (e === undefined) throw new ImportError(`undefined type ${JSON.stringify(masked)}`);
    return e;
  }

  private nameOf(masked: string): string {
    const n = this.naming.types.get(masked);
    if (n === undefined) throw new ImportError(`type ${JSON.stringify(masked)} has no name (not reached from any command or event)`);
    return n.name;
  }

  private typeDoc(masked: string): QapiDoc | undefined {
    const n = this.naming.types.get(masked);
    return n?.origin === 'qapi' ? this.names?.typeDocs.get(n.name) : undefined;
  }

  /** Schema of a value of this type at a use site in `file`. */
  private use(masked: string, file: SchemaFile): JsonSchema {
    const e = this.entry(masked);
    switch (e['meta-type']) {
      case 'builtin':
        return builtin(e, `type ${JSON.stringify(masked)}`);
      case 'array':
        return { type: 'array', items: this.use(e['element-type'], file) };
      case 'object':
      case 'enum':
      case 'alternate': {
        return { $ref: definitionRef(file, 'types', this.nameOf(masked)) };
      }
      default:
        throw new ImportError(`a ${e['meta-type']} is used as a type`, `type ${JSON.stringify(masked)}`);
    }
  }

  private member(m: SchemaInfoObjectMember, file: SchemaFile, doc: (n: string) => string | undefined, deprecation: string | undefined): Member {
    const schema = this.use(m.type, file);
    const features = sortedFeatures(m.features);
    const deprecated = features?.includes('deprecated') === true;
    const text = doc(m.name);
    if (text !== undefined) schema.description = text;
    if (deprecated) schema.deprecated = true;
    withXQmp(schema, { features, deprecation: deprecated ? deprecation : undefined });
    return { name: m.name, schema, required: !('default' in m) };
  }

  private members(e: SchemaInfoObject, file: SchemaFile, doc: (n: string) => string | undefined, deprecation: string | undefined): Member[] {
    return e.members.map((m) => this.member(m, file, doc, deprecation));
  }

  private closedObject(members: readonly Member[]): JsonSchema {
    const s: JsonSchema = {
      type: 'object',
      properties: orderedMap(members.map((m) => [m.name, m.schema] as const)),
    };
    const required = members.filter((m) => m.required).map((m) => m.name);
    if (required.length > 0) s.required = required;
    s.additionalProperties = false;
    return s;
  }

  /**
   * The body of an object type, with `inherited` members before its own: a closed object, or for a
   * union a discriminated `oneOf` of closed branches (nested when a variant is itself a union).
   */
  private objectBody(e: SchemaInfoObject, inherited: readonly Member[], file: SchemaFile, docs: (n: string) => string | undefined, deprecation: string | undefined): JsonSchema {
    const all = [...inherited, ...this.members(e, file, docs, deprecation)];
    if (e.tag === undefined) return this.closedObject(all);
    const tag = e.tag;
    const tagMember = e.members.find((m) => m.name === tag);
    const tagEnum = this.entry(tagMember?.type ?? '') as SchemaInfoEnum;
    const narrowed = (value: JsonSchema): Member[] =>
      all.map((m) => {
        if (m.name !== tag) return m;
        const { $ref: _ref, ...annotations } = m.schema;
        return { ...m, schema: { ...annotations, ...value } };
      });
    const branches: JsonSchema[] = [];
    const variants = realVariants(e, this.intro.byName);
    for (const v of variants) {
      const ve = this.entry(v.type) as SchemaInfoObject;
      const vdoc = this.typeDoc(v.type);
      const branch = this.objectBody(ve, narrowed({ const: v.case }), file, memberDocs(vdoc), deprecationText(vdoc));
      if (ve.tag !== undefined) {
        branch.properties = orderedMap([[tag, { const: v.case }]]);
        branch.required = [tag];
      }
      const nested = branch['x-qmp'] as Record<string, unknown> | undefined;
      delete branch['x-qmp'];
      branches.push(withXQmp(branch, { variant: this.nameOf(v.type), ...(nested ?? {}) }));
    }
    const cased = new Set(variants.map((v) => v.case));
    const rest = tagEnum.values.filter((v) => !cased.has(v));
    if (rest.length > 0) branches.push(this.closedObject(narrowed(rest.length === 1 ? { const: rest[0] } : { enum: rest })));
    // The branches narrow the tag to `const`/`enum`: its enum type is recorded here (feature probing, diff).
    return withXQmp({ type: 'object', discriminator: { propertyName: tag }, oneOf: branches }, { tagEnum: this.nameOf(tagEnum.name) });
  }

  /** Definition-level annotations (title, description, deprecated, x-qmp) onto `s`. */
  private annotate(s: JsonSchema, opts: { title?: string; doc?: QapiDoc; features?: readonly string[]; qapiName?: boolean; extra?: Record<string, unknown> }): JsonSchema {
    const features = sortedFeatures(opts.features);
    const deprecated = features?.includes('deprecated') === true;
    if (opts.title !== undefined) s.title = opts.title;
    if (opts.doc?.description !== undefined && opts.doc.description !== '') s.description = opts.doc.description;
    if (deprecated) s.deprecated = true;
    const x = s['x-qmp'] as Record<string, unknown> | undefined;
    delete s['x-qmp'];
    return withXQmp(s, {
      ...(x ?? {}),
      qapiName: opts.qapiName === true ? true : undefined,
      features,
      since: opts.doc?.since,
      deprecation: deprecated ? deprecationText(opts.doc) : undefined,
      ...(opts.extra ?? {}),
    });
  }

  private countName(masked: string): void {
    const n = this.naming.types.get(masked);
    if (n === undefined || this.entry(masked)['meta-type'] === 'array') return;
    if (n.origin === 'qapi') this.qapiNamed++;
    else this.pathNamed++;
  }

  /** The `types.json` definition of a named type. */
  private definition(masked: string): JsonSchema {
    const e = this.entry(masked);
    const named = this.naming.types.get(masked);
    const doc = this.typeDoc(masked);
    const base = {
      title: named?.name,
      doc,
      features: e.features,
      qapiName: named?.origin === 'qapi',
      extra: { unreferenced: named?.unreferenced === true ? true : undefined },
    };
    switch (e['meta-type']) {
      case 'enum': {
        const docText = memberDocs(doc);
        const memberFeatures = new Map((e.members ?? []).map((m) => [m.name, sortedFeatures(m.features)]));
        const values = orderedMap(
          e.values
            .map((v): [string, Record<string, unknown>] => {
              const o = dict();
              const d = docText(v);
              if (d !== undefined) o.description = d;
              const f = memberFeatures.get(v);
              if (f !== undefined) o.features = f;
              const why = f?.includes('deprecated') === true ? deprecationText(doc) : undefined;
              if (why !== undefined) o.deprecation = why;
              return [v, o];
            })
            .filter(([, o]) => Object.keys(o).length > 0),
        );
        const s: JsonSchema = { type: 'string', enum: [...e.values] };
        return this.annotate(s, { ...base, extra: { ...base.extra, values: Object.keys(values).length > 0 ? values : undefined } });
      }
      case 'alternate':
        return this.annotate({ anyOf: e.members.map((m) => this.use(m.type, 'types')) }, base);
      case 'object':
        return this.annotate(this.objectBody(e, [], 'types', memberDocs(doc), deprecationText(doc)), base);
      default:
        throw new ImportError(`cannot define a ${e['meta-type']}`, `type ${JSON.stringify(masked)}`);
    }
  }

  private emptyObject(): JsonSchema {
    return { type: 'object', properties: orderedMap([]), additionalProperties: false };
  }

  /** Schema of a command's arguments or an event's data (inline, empty, or a `$ref`). */
  private rootObject(masked: string, file: SchemaFile, doc: QapiDoc | undefined): { schema: JsonSchema; empty: boolean; qapiName: boolean } {
    const e = this.entry(masked);
    if (isEmptyObject(e)) return { schema: this.emptyObject(), empty: true, qapiName: false };
    if (this.inlineRoots.has(masked) && e['meta-type'] === 'object') {
      this.countName(masked);
      const named = this.naming.types.get(masked);
      const tdoc = this.typeDoc(masked);
      const s = this.objectBody(e, [], file, memberDocs(doc, tdoc), deprecationText(doc) ?? deprecationText(tdoc));
      if (named !== undefined) s.title = named.name;
      return { schema: s, empty: false, qapiName: named?.origin === 'qapi' };
    }
    return { schema: this.use(masked, file), empty: false, qapiName: false };
  }

  private command(c: SchemaInfoCommand): JsonSchema {
    const doc = this.names?.commandDocs.get(c.name);
    const { schema, empty, qapiName } = this.rootObject(c['arg-type'], 'commands', doc);
    const expr = this.source?.byName.get(c.name);
    const preconfig = expr?.kind === 'command' && expr.expr['allow-preconfig'] === true;
    if (hasExtraArguments(c.name, expr) && schema.type === 'object') {
      // 'gen': false (qapi/qdev.json: device_add): QEMU takes members introspection does not list (the
      // device's QOM properties), so the arguments are open; devices.json, when imported, types them per driver.
      schema.additionalProperties = {};
    }
    return this.annotate(schema, {
      doc,
      features: c.features,
      qapiName,
      extra: {
        allowOob: c['allow-oob'] === true ? true : undefined,
        allowPreconfig: preconfig ? true : undefined,
        noArguments: empty ? true : undefined,
        returnsDoc: doc?.returns,
        errorsDoc: doc?.errors,
        notes: nonEmpty(doc?.notes),
        examples: nonEmpty(doc?.examples),
      },
    });
  }

  private event(ev: SchemaInfoEvent): JsonSchema {
    const doc = this.names?.eventDocs.get(ev.name);
    const { schema, empty, qapiName } = this.rootObject(ev['arg-type'], 'events', doc);
    return this.annotate(schema, {
      doc,
      features: ev.features,
      qapiName,
      extra: { noData: empty ? true : undefined, examples: nonEmpty(doc?.examples), notes: nonEmpty(doc?.notes) },
    });
  }

  private returns(c: SchemaInfoCommand): JsonSchema {
    return isEmptyObject(this.entry(c['ret-type'])) ? this.emptyObject() : this.use(c['ret-type'], 'returns');
  }

  private document(file: SchemaFile, title: string, definitions: Iterable<readonly [string, JsonSchema]>): JsonSchema {
    return {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: schemaId(this.target, file),
      title,
      definitions: sortedMap(definitions),
    };
  }

  /** Builds all four documents. */
  build(): BuiltSchemas {
    const commands = this.intro.commands.map((c) => [c.name, this.command(c)] as const);
    const returns = this.intro.commands.map((c) => [c.name, this.returns(c)] as const);
    const events = this.intro.events.map((e) => [e.name, this.event(e)] as const);
    const typeDefs: [string, JsonSchema][] = [];
    for (const [masked, named] of this.naming.types) {
      const meta = this.entry(masked)['meta-type'];
      if (meta === 'array' || this.inlineRoots.has(masked)) continue;
      this.countName(masked);
      typeDefs.push([named.name, this.definition(masked)]);
    }
    return {
      documents: {
        'types.json': this.document('types', `Types of ${this.target}`, typeDefs),
        'commands.json': this.document('commands', `Command arguments of ${this.target}`, commands),
        'returns.json': this.document('returns', `Command return values of ${this.target}`, returns),
        'events.json': this.document('events', `Event data of ${this.target}`, events),
      },
      typeCount: typeDefs.length,
      qapiNamed: this.qapiNamed,
      pathNamed: this.pathNamed,
    };
  }
}
