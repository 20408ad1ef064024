/**
 * The schema model of a target folder: the importer's JSON Schema documents (`schema/<target>/`, see
 * `schema/FORMAT.md`) read back into the introspection shape (`SchemaInfo` entries, with the folder's
 * type names where QEMU has masked numbers) and checked by the importer's own `checkIntrospection`.
 * The diff and folder-side feature probing both work on it; live introspection goes through the
 * importer first (`sources.ts`), so every source ends as the same model.
 *
 * Read back exactly: commands (features, `allow-oob`), events, arguments/data/return types, object
 * members (type, optional, features), unions (base members, tag, every case: a variant type or the
 * empty object), enums (values, value features, type features), alternates, arrays, builtins.
 * Not in the folder, so not in the model: features of an inline arguments/data object's own type (the
 * entry carries the command's or event's; QEMU 7.2 and 10.0 have none there), the masked names, and
 * the order of union variants relative to the tag enum (irrelevant to queries and the diff).
 */
import { checkIntrospection } from '../import/check.js';
import type { Introspection } from '../import/check.js';
import type { SchemaInfo, SchemaInfoEnumMember, SchemaInfoObjectMember, SchemaInfoObjectVariant } from '../qapi/introspection.js';
import { DiffError } from './errors.js';
import { isRecord } from '../guards.js';

/** A JSON Schema node of a target folder. */
export type SchemaNode = Record<string, unknown>;

/** The four schema documents of a target, by file name (as `importTarget` returns and the folder holds). */
export type SchemaDocuments = Readonly<Record<string, SchemaNode>>;

/** Name of the empty object type (QEMU's own name for it when introspection is not masked). */
export const emptyObjectName = 'q_empty';

const builtins: readonly [string, string][] = [
  ['str', 'string'],
  ['int', 'int'],
  ['number', 'number'],
  ['bool', 'boolean'],
  ['null', 'null'],
  ['any', 'value'],
];

function own(o: SchemaNode, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function xqmp(node: SchemaNode): SchemaNode {
  const x = own(node, 'x-qmp');
  return isRecord(x) ? x : {};
}

/** `features` of a node's `x-qmp` (or, with `direct`, of the node itself: an `x-qmp.values` entry). */
function features(node: SchemaNode, direct = false): { features?: string[] } {
  const f = own(direct ? node : xqmp(node), 'features');
  return Array.isArray(f) && f.length > 0 ? { features: f.filter((x): x is string => typeof x === 'string') } : {};
}

function definitionsOf(docs: SchemaDocuments, file: string, place: string): Map<string, SchemaNode> {
  const doc = docs[file];
  const defs = doc === undefined ? undefined : own(doc, 'definitions');
  if (!isRecord(defs)) throw new DiffError(`${file} has no "definitions" object`, place);
  const out = new Map<string, SchemaNode>();
  for (const [k, v] of Object.entries(defs)) {
    if (!isRecord(v)) throw new DiffError('definition is not an object', `${place}/${file}#/definitions/${k}`);
    out.set(k, v);
  }
  return out;
}

/** Arrays read inside one another at most (QAPI itself has no arrays of arrays). */
export const maxArrayNesting = 32;

/** Reads the documents of a target back into introspection entries. */
class ModelReader {
  private readonly entries: SchemaInfo[] = [];
  private readonly defined = new Set<string>();
  private readonly types: Map<string, SchemaNode>;

  constructor(
    private readonly docs: SchemaDocuments,
    private readonly place: string,
  ) {
    this.types = definitionsOf(docs, 'types.json', place);
    for (const [name, json] of builtins) this.add({ name, 'meta-type': 'builtin', 'json-type': json });
    this.add({ name: emptyObjectName, 'meta-type': 'object', members: [] });
  }

  private add(e: SchemaInfo): void {
    this.defined.add(e.name);
    this.entries.push(e);
  }

  private fail(where: string, why: string): never {
    throw new DiffError(why, `${this.place}/${where}`);
  }

  /**
   * The entry name for a value schema at `where`; defines arrays and named types on first use.
   * `depth` counts the arrays around it: QAPI has no arrays of arrays, so more than
   * {@link maxArrayNesting} is a hostile folder, refused with the place named (never a stack overflow).
   */
  private use(node: SchemaNode, where: string, depth = 0): string {
    const ref = own(node, '$ref');
    if (typeof ref === 'string') {
      const m = /^(?:types\.json)?#\/definitions\/(.+)$/.exec(ref);
      const name = m?.[1];
      if (name === undefined || !this.types.has(name)) this.fail(where, `$ref ${JSON.stringify(ref)} names no definition of types.json`);
      this.define(name);
      return name;
    }
    switch (own(node, 'type')) {
      case 'string':
        return 'str';
      case 'integer':
        return 'int';
      case 'number':
        return 'number';
      case 'boolean':
        return 'bool';
      case 'null':
        return 'null';
      case 'array': {
        const items = own(node, 'items');
        if (!isRecord(items)) this.fail(where, 'array without "items"');
        if (depth >= maxArrayNesting) this.fail(where, `arrays nested more than ${maxArrayNesting} deep`);
        const element = this.use(items, `${where}/items`, depth + 1);
        const name = `[${element}]`;
        if (!this.defined.has(name)) this.add({ name, 'meta-type': 'array', 'element-type': element });
        return name;
      }
      case undefined:
        if (['enum', 'const', 'properties', 'oneOf', 'anyOf'].some((k) => own(node, k) !== undefined)) this.fail(where, 'unnamed type where a $ref or a builtin belongs');
        return 'any';
      default:
        return this.fail(where, `unexpected type ${JSON.stringify(own(node, 'type'))}`);
    }
  }

  private define(name: string): void {
    if (this.defined.has(name)) return;
    this.defined.add(name);
    const node = this.types.get(name) as SchemaNode;
    const where = `types.json#/definitions/${name}`;
    const f = features(node);
    const values = own(node, 'enum');
    if (Array.isArray(values)) {
      const valueInfo = own(xqmp(node), 'values');
      const members: SchemaInfoEnumMember[] = values.map((v) => {
        if (typeof v !== 'string') this.fail(where, 'enum value is not a string');
        const info = isRecord(valueInfo) ? own(valueInfo, v) : undefined;
        return { name: v, ...(isRecord(info) ? features(info, true) : {}) };
      });
      this.entries.push({ name, 'meta-type': 'enum', values: values as string[], members, ...f });
      return;
    }
    const anyOf = own(node, 'anyOf');
    if (Array.isArray(anyOf)) {
      const members = anyOf.map((m, i) => {
        if (!isRecord(m)) this.fail(where, `anyOf/${i} is not an object`);
        return { type: this.use(m, `${where}/anyOf/${i}`) };
      });
      this.entries.push({ name, 'meta-type': 'alternate', members, ...f });
      return;
    }
    this.object(name, node, where, f);
  }

  private members(node: SchemaNode, where: string, skip: ReadonlySet<string> = new Set(), tag?: { name: string; type: string }): SchemaInfoObjectMember[] {
    const props = own(node, 'properties');
    if (!isRecord(props)) this.fail(where, 'object without "properties"');
    const required = own(node, 'required');
    const req = new Set(Array.isArray(required) ? required : []);
    const out: SchemaInfoObjectMember[] = [];
    for (const [m, schema] of Object.entries(props)) {
      if (skip.has(m)) continue;
      if (!isRecord(schema)) this.fail(`${where}/properties/${m}`, 'member schema is not an object');
      const type = m === tag?.name ? tag.type : this.use(schema, `${where}/properties/${m}`);
      const member: SchemaInfoObjectMember = { name: m, type, ...features(schema) };
      if (!req.has(m)) member.default = null;
      out.push(member);
    }
    return out;
  }

  /** Defines an object type (plain or union) named `name` from its schema body. */
  private object(name: string, node: SchemaNode, where: string, f: { features?: string[] }): void {
    const disc = own(node, 'discriminator');
    if (!isRecord(disc)) {
      this.entries.push({ name, 'meta-type': 'object', members: this.members(node, where), ...f });
      return;
    }
    const tag = own(disc, 'propertyName');
    const branches = own(node, 'oneOf');
    if (typeof tag !== 'string' || !Array.isArray(branches) || !branches.every(isRecord)) this.fail(where, 'union without a tag name and "oneOf" branches');
    const caseValues = (b: SchemaNode, i: number): string[] => {
      const t = own(isRecord(own(b, 'properties')) ? (own(b, 'properties') as SchemaNode) : {}, tag);
      const c = isRecord(t) ? (own(t, 'const') ?? own(t, 'enum')) : undefined;
      const list = Array.isArray(c) ? c : [c];
      if (!list.every((x) => typeof x === 'string')) this.fail(`${where}/oneOf/${i}`, `branch without a string const/enum for tag ${JSON.stringify(tag)}`);
      return list as string[];
    };
    const allCases = branches.flatMap((b, i) => caseValues(b, i));
    const recorded = own(xqmp(node), 'tagEnum');
    let tagType: string;
    if (typeof recorded === 'string') {
      if (!this.types.has(recorded)) this.fail(where, `tagEnum ${JSON.stringify(recorded)} names no definition of types.json`);
      tagType = recorded;
      this.define(tagType);
    } else {
      // Written by importer 1.0 (no tagEnum): the tag's enum from the branches, without value features.
      tagType = `${name}.${tag}`;
      this.add({ name: tagType, 'meta-type': 'enum', values: allCases, members: allCases.map((v) => ({ name: v })) });
    }
    const variants: SchemaInfoObjectVariant[] = [];
    let base: SchemaInfoObjectMember[] | undefined;
    branches.forEach((b, i) => {
      const variant = own(xqmp(b), 'variant');
      const cases = caseValues(b, i);
      if (typeof variant === 'string') {
        if (!this.types.has(variant)) this.fail(`${where}/oneOf/${i}`, `variant ${JSON.stringify(variant)} names no definition of types.json`);
        this.define(variant);
        for (const c of cases) variants.push({ case: c, type: variant });
        const vnode = this.types.get(variant) as SchemaNode;
        // A branch is the base members + the variant's own; a nested union branch carries only the tag.
        if (base === undefined && own(b, 'oneOf') === undefined && isRecord(own(vnode, 'properties'))) {
          base = this.members(b, `${where}/oneOf/${i}`, new Set(Object.keys(own(vnode, 'properties') as SchemaNode)), { name: tag, type: tagType });
        }
      } else {
        for (const c of cases) variants.push({ case: c, type: emptyObjectName });
        base = this.members(b, `${where}/oneOf/${i}`, new Set(), { name: tag, type: tagType });
      }
    });
    if (base === undefined) this.fail(where, 'no branch shows the base members');
    this.entries.push({ name, 'meta-type': 'object', members: base, tag, variants, ...f });
  }

  /** Type of a command's arguments or an event's data: `q_empty`, a `$ref`, or an inline object (named by its title). */
  private root(node: SchemaNode, where: string, empty: boolean, fallback: string): string {
    if (empty) return emptyObjectName;
    if (typeof own(node, '$ref') === 'string') return this.use(node, where);
    const title = own(node, 'title');
    let name = typeof title === 'string' ? title : fallback;
    if (this.defined.has(name) || this.types.has(name)) name = fallback;
    this.defined.add(name);
    this.object(name, node, where, {});
    return name;
  }

  private returnType(node: SchemaNode, where: string): string {
    const props = own(node, 'properties');
    if (own(node, '$ref') === undefined && isRecord(props) && Object.keys(props).length === 0 && own(node, 'type') === 'object') return emptyObjectName;
    return this.use(node, where);
  }

  read(): SchemaInfo[] {
    const commands = definitionsOf(this.docs, 'commands.json', this.place);
    const returns = definitionsOf(this.docs, 'returns.json', this.place);
    const events = definitionsOf(this.docs, 'events.json', this.place);
    for (const [c, node] of commands) {
      const where = `commands.json#/definitions/${c}`;
      const ret = returns.get(c);
      if (ret === undefined) this.fail(where, 'command has no entry in returns.json');
      const x = xqmp(node);
      this.entries.push({
        name: c,
        'meta-type': 'command',
        'arg-type': this.root(node, where, own(x, 'noArguments') === true, `${c}.arguments`),
        'ret-type': this.returnType(ret, `returns.json#/definitions/${c}`),
        ...(own(x, 'allowOob') === true ? { 'allow-oob': true } : {}),
        ...features(node),
      });
    }
    for (const [e, node] of events) {
      const where = `events.json#/definitions/${e}`;
      this.entries.push({ name: e, 'meta-type': 'event', 'arg-type': this.root(node, where, own(xqmp(node), 'noData') === true, `${e}.data`), ...features(node) });
    }
    // Types no command or event reaches (x-qmp.unreferenced) are kept too, as QEMU lists them.
    for (const name of this.types.keys()) this.define(name);
    return this.entries;
  }
}

/**
 * Reads a target's schema documents into introspection entries and checks them with the importer's
 * `checkIntrospection`. `place` names the source in errors. Throws {@link DiffError} naming the file
 * and definition when a document does not follow `schema/FORMAT.md`.
 */
export function schemaModel(docs: SchemaDocuments, place: string): Introspection {
  const entries = new ModelReader(docs, place).read();
  try {
    return checkIntrospection(entries);
  } catch (err) {
    throw new DiffError(`the schema does not read back as consistent introspection: ${(err as Error).message}`, place, { cause: err });
  }
}
