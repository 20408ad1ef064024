/**
 * Schema node → TypeScript type syntax, in the closed (client) or open (server) form.
 */
import { docLines } from './doc.js';
import { GenerateError } from './errors.js';
import { isEmptyObject, isStringEnum, qmpOf, unionTag, type Form, type TargetModel } from './model.js';
import { anyOtherString, arrayOf, f, keyword, literalType, propName, ts, union, withDoc } from './syntax.js';
import { isRecord } from '../guards.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import type { SchemaFile } from '../schema-format/files.js';
import { resolveRef } from './schema.js';
import { isWideInteger } from './wide-integers.js';

/** How a renderer prints 64-bit integers and which named types it takes from elsewhere (issue 13). */
export interface RenderOptions {
  /** The type of a wide integer (`wide-integers.ts`): `QapiInt` (`number | bigint`) by default, `bigint` in the bigint entry. */
  readonly wideInt: () => ts.TypeNode;
  /** Named types without wide integers come from this namespace (`bigint-types.ts` takes them from `types.ts`). */
  readonly shared?: { readonly qualifier: string; readonly wideKeys: ReadonlySet<string> };
}

/** Renders schema nodes of one target; `qualifier` prefixes named types (e.g. `T.` in commands.ts). */
export class TypeRenderer {
  constructor(
    private readonly model: TargetModel,
    private readonly qualifier: string | undefined,
    private readonly options: RenderOptions,
  ) {}

  /** A reference to a generated name (qualified when rendering outside types.ts). */
  ref(name: string, qualifier = this.qualifier): ts.TypeNode {
    const id = qualifier === undefined ? f.createIdentifier(name) : f.createQualifiedName(f.createIdentifier(qualifier), name);
    return f.createTypeReferenceNode(id);
  }

  /** The namespace named type `key` is printed from (the shared one for a type without wide integers). */
  private qualifierOf(key: string): string | undefined {
    const shared = this.options.shared;
    return shared !== undefined && !shared.wideKeys.has(key) ? shared.qualifier : this.qualifier;
  }

  /** The reference to named type `key` in the given form. */
  named(key: string, form: Form): ts.TypeNode {
    const t = this.model.types.get(key);
    if (t === undefined) throw new GenerateError(`types.json#/definitions/${key}`, 'is referenced but not defined');
    const qualifier = this.qualifierOf(key);
    if (t.isEnum) {
      const r = this.ref(t.closedName as string, qualifier);
      return form === 'open' ? union([r, anyOtherString()]) : r;
    }
    const name = form === 'open' ? (t.openName ?? t.closedName) : (t.closedName ?? t.openName);
    return this.ref(name as string, qualifier);
  }

  /** The type of a schema node. */
  type(node: JsonSchema, form: Form, file: SchemaFile, where: string): ts.TypeNode {
    if (typeof node['$ref'] === 'string') {
      const r = resolveRef(this.model.schema, node['$ref'], file, where);
      return this.named(r.key, form);
    }
    if ('const' in node) return literalType(node['const']);
    if (Array.isArray(node['enum'])) {
      const lits = node['enum'].map((v) => literalType(v));
      return union(form === 'open' && isStringEnum(node) ? [...lits, anyOtherString()] : lits);
    }
    const tag = unionTag(node);
    if (tag !== undefined) return this.flatUnion(node, tag, form, file, where);
    for (const k of ['anyOf', 'oneOf'] as const) {
      const list = node[k];
      if (Array.isArray(list)) {
        return union(dedupe(list.map((b, i) => this.type(asSchema(b, `${where}/${k}/${i}`), form, file, `${where}/${k}/${i}`))));
      }
    }
    if (Array.isArray(node['allOf'])) {
      const parts = node['allOf'].map((b, i) => this.type(asSchema(b, `${where}/allOf/${i}`), form, file, `${where}/allOf/${i}`));
      return parts.length === 1 ? (parts[0] as ts.TypeNode) : f.createIntersectionTypeNode(parts);
    }
    const type = node['type'];
    if (Array.isArray(type)) return union(type.map((t) => this.type({ ...node, type: t }, form, file, where)));
    switch (type) {
      case 'string':
        return keyword('string');
      case 'integer':
        return isWideInteger(node) ? this.options.wideInt() : keyword('number');
      case 'number':
        return keyword('number');
      case 'boolean':
        return keyword('boolean');
      case 'null':
        return keyword('null');
      case 'array': {
        const items = node['items'];
        if (Array.isArray(items)) {
          return f.createTupleTypeNode(items.map((b, i) => this.type(asSchema(b, `${where}/items/${i}`), form, file, `${where}/items/${i}`)));
        }
        return arrayOf(isRecord(items) ? this.type(items, form, file, `${where}/items`) : keyword('unknown'));
      }
      case 'object':
        if (isEmptyObject(node)) return f.createTypeReferenceNode('Record', [keyword('string'), keyword('never')]);
        return this.objectLiteral(node, form, file, where);
      case undefined:
        return keyword('unknown');
      default:
        throw new GenerateError(where, `unsupported type ${JSON.stringify(type)}`);
    }
  }

  /** Members of an object schema; `tag` marks a union branch whose tag stays closed. */
  members(node: JsonSchema, form: Form, file: SchemaFile, where: string, tag?: string): ts.TypeElement[] {
    const props = isRecord(node['properties']) ? node['properties'] : {};
    const required = new Set(Array.isArray(node['required']) ? node['required'].filter((r) => typeof r === 'string') : []);
    const out: ts.TypeElement[] = [];
    for (const [name, sub] of Object.entries(props)) {
      const path = `${where}/properties/${name}`;
      const s = asSchema(sub, path);
      const t = this.type(s, name === tag ? 'closed' : form, file, path);
      const q = required.has(name) ? undefined : f.createToken(ts.SyntaxKind.QuestionToken);
      out.push(withDoc(f.createPropertySignature(undefined, propName(name), q, t), docLines(s)));
    }
    const extra = node['additionalProperties'];
    if (extra !== false && (Object.keys(props).length === 0 || isRecord(extra))) {
      const value = isRecord(extra) && Object.keys(props).length === 0 ? this.type(extra, form, file, `${where}/additionalProperties`) : keyword('unknown');
      out.push(
        f.createIndexSignature(undefined, [f.createParameterDeclaration(undefined, undefined, 'key', undefined, keyword('string'))], value),
      );
    }
    return out;
  }

  /**
   * A flat union: the members common to every branch (the base, tag included as the union of its
   * values) once, intersected with a union of branches; a branch is `{ tag: value } & <Variant>`
   * when its variant type is emitted as a named type of this form with exactly the branch's other
   * members, `{ tag: values }` when it has no members of its own, else an inline object of its own
   * members. A branch that is itself a union (nested variant) is handled alike, its sub-branches
   * inlined (outer base left out) when the variant cannot be referenced.
   */
  private flatUnion(node: JsonSchema, tag: string, form: Form, file: SchemaFile, where: string): ts.TypeNode {
    const branches = (node['oneOf'] as unknown[]).map((b, i) => {
      if (!isRecord(b)) throw new GenerateError(`${where}/oneOf/${i}`, 'is not a schema object');
      return { schema: b, where: `${where}/oneOf/${i}` };
    });
    const leaves: Leaf[] = [];
    for (const b of branches) {
      if (unionTag(b.schema) === undefined) leaves.push(b);
      else {
        (b.schema['oneOf'] as unknown[]).forEach((s, j) => {
          if (!isRecord(s)) throw new GenerateError(`${b.where}/oneOf/${j}`, 'is not a schema object');
          leaves.push({ schema: s, where: `${b.where}/oneOf/${j}` });
        });
      }
    }
    const tagged = (b: Leaf): boolean => {
      const t = (b.schema['properties'] as Record<string, unknown> | undefined)?.[tag];
      return isRecord(t) && ('const' in t || Array.isArray(t['enum']));
    };
    if (leaves.length === 0 || !leaves.every((l) => isClosedObject(l.schema) && tagged(l)) || !branches.every((b) => isRecord(b.schema['properties']) && tagged(b))) return this.inlineUnion(branches, tag, form, file);
    const base = baseMembers(leaves.map((l) => l.schema), tag);
    const skip = new Set([...base, tag]);
    const members: ts.TypeNode[] = [];
    for (const b of branches) {
      const tagType = f.createTypeLiteralNode([f.createPropertySignature(undefined, propName(tag), undefined, this.tagType(b.schema, tag, b.where))]);
      const variant = this.variantRef(b.schema, tag, skip, form);
      if (variant !== undefined) {
        members.push(f.createParenthesizedType(f.createIntersectionTypeNode([tagType, variant])));
      } else if (unionTag(b.schema) !== undefined) {
        (b.schema['oneOf'] as JsonSchema[]).forEach((s, j) => members.push(this.objectLiteral(pickMembers(s, tag, skip), form, file, `${b.where}/oneOf/${j}`, tag)));
      } else if (ownMemberNames(b.schema, skip).length === 0) {
        members.push(tagType);
      } else {
        members.push(this.objectLiteral(pickMembers(b.schema, tag, skip), form, file, b.where, tag));
      }
    }
    const first = leaves[0] as Leaf;
    const firstProps = first.schema['properties'] as Record<string, unknown>;
    const tagDoc = (l: Leaf): string[] => docLines(asSchema((l.schema['properties'] as Record<string, unknown>)[tag], `${l.where}/properties/${tag}`));
    const doc = tagDoc(first);
    const sameDoc = leaves.every((l) => JSON.stringify(tagDoc(l)) === JSON.stringify(doc));
    const values = branches.flatMap((b) => tagValues(b.schema, tag, b.where));
    const baseSchema: JsonSchema = {
      type: 'object',
      properties: Object.fromEntries(base.map((n) => [n, firstProps[n]])),
      required: base.filter((n) => requiredOf(first.schema).has(n)),
      additionalProperties: false,
    };
    const baseMembersNodes = [
      withDoc(f.createPropertySignature(undefined, propName(tag), undefined, union(values.map((v) => literalType(v)))), sameDoc ? doc : []),
      ...this.members(baseSchema, form, file, first.where, tag),
    ];
    return f.createIntersectionTypeNode([f.createTypeLiteralNode(baseMembersNodes), f.createParenthesizedType(union(members))]);
  }

  /** Today's rendering of a union: every branch a whole object (used when a branch is not a closed object). */
  private inlineUnion(branches: readonly Leaf[], tag: string, form: Form, file: SchemaFile): ts.TypeNode {
    const members: ts.TypeNode[] = [];
    for (const b of branches) {
      if (unionTag(b.schema) !== undefined) {
        const inner = this.type(b.schema, form, file, b.where);
        members.push(...(ts.isUnionTypeNode(inner) ? inner.types : [inner]));
      } else {
        members.push(this.objectLiteral(b.schema, form, file, b.where, tag));
      }
    }
    return union(members);
  }

  /** The literal type(s) of a branch's tag. */
  private tagType(branch: JsonSchema, tag: string, where: string): ts.TypeNode {
    return union(tagValues(branch, tag, where).map((v) => literalType(v)));
  }

  /**
   * A reference to the branch's variant type (`x-qmp.variant`) when that type is emitted in this
   * form and its members are exactly the branch's members besides the tag (base members may repeat).
   */
  private variantRef(branch: JsonSchema, tag: string, skip: ReadonlySet<string>, form: Form): ts.TypeNode | undefined {
    const key = qmpOf(branch)['variant'];
    if (typeof key !== 'string') return undefined;
    const t = this.model.types.get(key);
    if (t === undefined || t.isEnum) return undefined;
    const name = !t.openable ? (t.closedName ?? t.openName) : form === 'closed' ? t.closedName : t.openName;
    if (name === undefined) return undefined;
    const v = t.schema;
    if (unionTag(branch) !== undefined) {
      // nested: each sub-branch less the outer tag and base must be the variant union's branch
      const inner = branch['oneOf'] as JsonSchema[];
      const outer = v['oneOf'];
      if (unionTag(v) !== unionTag(branch) || !Array.isArray(outer) || outer.length !== inner.length) return undefined;
      const same = inner.every((s, j) => JSON.stringify(stripMembers(s, skip)) === JSON.stringify(outer[j]));
      return same ? this.ref(name, this.qualifierOf(key)) : undefined;
    }
    if (!isClosedObject(v) || unionTag(v) !== undefined || v['oneOf'] !== undefined || v['anyOf'] !== undefined) return undefined;
    const vProps = v['properties'] as Record<string, unknown>;
    const bProps = branch['properties'] as Record<string, unknown>;
    if (Object.keys(vProps).length === 0 || hasOwn(vProps, tag)) return undefined;
    const vReq = requiredOf(v);
    const bReq = requiredOf(branch);
    for (const [n, s] of Object.entries(vProps)) {
      if (!hasOwn(bProps, n) || JSON.stringify(bProps[n]) !== JSON.stringify(s) || vReq.has(n) !== bReq.has(n)) return undefined;
    }
    for (const n of ownMemberNames(branch, skip)) if (!hasOwn(vProps, n)) return undefined;
    return this.ref(name, this.qualifierOf(key));
  }

  /** An object type literal `{ … }`. */
  objectLiteral(node: JsonSchema, form: Form, file: SchemaFile, where: string, tag?: string): ts.TypeNode {
    return f.createTypeLiteralNode(this.members(node, form, file, where, tag));
  }
}

/** A union branch (or nested sub-branch) and its path. */
interface Leaf {
  readonly schema: JsonSchema;
  readonly where: string;
}

/** A closed object schema with `properties` (what the importer writes for a union branch). */
function isClosedObject(node: JsonSchema): boolean {
  return node['type'] === 'object' && isRecord(node['properties']) && node['additionalProperties'] === false && node['$ref'] === undefined && node['anyOf'] === undefined && node['allOf'] === undefined;
}

/** `true` when `o` has its own member `n` (member names may be `constructor`, `__proto__`, …). */
function hasOwn(o: object, n: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, n);
}

/** Required member names of an object schema. */
function requiredOf(node: JsonSchema): Set<string> {
  return new Set(Array.isArray(node['required']) ? node['required'].filter((r): r is string => typeof r === 'string') : []);
}

/** Members (besides the tag) present with identical schema and requiredness in every leaf, in the first leaf's order. */
function baseMembers(leaves: readonly JsonSchema[], tag: string): string[] {
  const first = leaves[0] as JsonSchema;
  const props = first['properties'] as Record<string, unknown>;
  const req = requiredOf(first);
  return Object.keys(props).filter((n) => {
    if (n === tag) return false;
    const text = JSON.stringify(props[n]);
    return leaves.every((l) => {
      const p = l['properties'] as Record<string, unknown>;
      return hasOwn(p, n) && JSON.stringify(p[n]) === text && requiredOf(l).has(n) === req.has(n);
    });
  });
}

/** Member names of a branch that are neither the tag nor base members. */
function ownMemberNames(node: JsonSchema, skip: ReadonlySet<string>): string[] {
  return Object.keys(node['properties'] as Record<string, unknown>).filter((n) => !skip.has(n));
}

/** A branch less the given members (schema otherwise unchanged, key order kept). */
function stripMembers(node: JsonSchema, skip: ReadonlySet<string>): JsonSchema {
  const props = node['properties'] as Record<string, unknown>;
  const out: JsonSchema = { ...node, properties: Object.fromEntries(Object.entries(props).filter(([n]) => !skip.has(n))) };
  if (Array.isArray(node['required'])) out['required'] = node['required'].filter((n) => typeof n !== 'string' || !skip.has(n));
  return out;
}

/** A branch reduced to its tag (without its doc, which the base carries) and its own members. */
function pickMembers(node: JsonSchema, tag: string, skip: ReadonlySet<string>): JsonSchema {
  const props = node['properties'] as Record<string, unknown>;
  const keep = new Set(ownMemberNames(node, skip));
  const properties = Object.fromEntries(
    Object.entries(props)
      .filter(([n]) => n === tag || keep.has(n))
      .map(([n, s]) => [n, n === tag && isRecord(s) ? tagOnly(s) : s]),
  );
  return { ...node, properties, required: [...requiredOf(node)].filter((n) => n === tag || keep.has(n)) };
}

/** A tag schema without its annotations. */
function tagOnly(s: JsonSchema): JsonSchema {
  return 'const' in s ? { const: s['const'] } : Array.isArray(s['enum']) ? { enum: s['enum'] } : s;
}

/** The tag value(s) of a branch (`const` or `enum`). */
function tagValues(branch: JsonSchema, tag: string, where: string): unknown[] {
  const props = branch['properties'];
  const s = isRecord(props) ? props[tag] : undefined;
  if (isRecord(s) && 'const' in s) return [s['const']];
  if (isRecord(s) && Array.isArray(s['enum'])) return s['enum'];
  throw new GenerateError(`${where}/properties/${tag}`, 'a union branch must narrow its tag to `const` or `enum`');
}

function asSchema(v: unknown, where: string): JsonSchema {
  if (typeof v === 'boolean') return v ? {} : { not: {} };
  if (!isRecord(v)) throw new GenerateError(where, 'is not a schema object');
  return v;
}

/** Drops structurally identical members (same printed text) from a union. */
function dedupe(types: ts.TypeNode[]): ts.TypeNode[] {
  const seen = new Set<string>();
  const printer = ts.createPrinter({ removeComments: true });
  const sf = ts.createSourceFile('x.ts', '', ts.ScriptTarget.ES2022);
  return types.filter((t) => {
    const k = printer.printNode(ts.EmitHint.Unspecified, t, sf);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
