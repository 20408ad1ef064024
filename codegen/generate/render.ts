/**
 * Schema node → TypeScript type syntax, in the closed (client) or open (server) form.
 */
import { docLines } from './doc.js';
import { GenerateError } from './errors.js';
import { isEmptyObject, isStringEnum, unionTag, type Form, type TargetModel } from './model.js';
import { anyOtherString, arrayOf, f, keyword, literalType, propName, ts, union, withDoc } from './syntax.js';
import { isObject, resolveRef, type JsonSchema, type SchemaFile } from './schema.js';

/** Renders schema nodes of one target; `qualifier` prefixes named types (e.g. `T.` in commands.ts). */
export class TypeRenderer {
  constructor(
    private readonly model: TargetModel,
    private readonly qualifier?: string,
  ) {}

  /** A reference to a generated name (qualified when rendering outside types.ts). */
  ref(name: string): ts.TypeNode {
    const id = this.qualifier === undefined ? f.createIdentifier(name) : f.createQualifiedName(f.createIdentifier(this.qualifier), name);
    return f.createTypeReferenceNode(id);
  }

  /** The reference to named type `key` in the given form. */
  named(key: string, form: Form): ts.TypeNode {
    const t = this.model.types.get(key);
    if (t === undefined) throw new GenerateError(`types.json#/definitions/${key}`, 'is referenced but not defined');
    if (t.isEnum) {
      const r = this.ref(t.closedName as string);
      return form === 'open' ? union([r, anyOtherString()]) : r;
    }
    const name = form === 'open' ? (t.openName ?? t.closedName) : (t.closedName ?? t.openName);
    return this.ref(name as string);
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
    if (tag !== undefined) {
      const members: ts.TypeNode[] = [];
      (node['oneOf'] as unknown[]).forEach((b, i) => {
        if (!isObject(b)) throw new GenerateError(`${where}/oneOf/${i}`, 'is not a schema object');
        if (unionTag(b) !== undefined) {
          // a variant that is itself a union: its sub-branches are whole objects (outer tag included)
          const inner = this.type(b, form, file, `${where}/oneOf/${i}`);
          members.push(...(ts.isUnionTypeNode(inner) ? inner.types : [inner]));
        } else {
          members.push(this.objectLiteral(b, form, file, `${where}/oneOf/${i}`, tag));
        }
      });
      return union(members);
    }
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
        return arrayOf(isObject(items) ? this.type(items, form, file, `${where}/items`) : keyword('unknown'));
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
    const props = isObject(node['properties']) ? node['properties'] : {};
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
    if (extra !== false && (Object.keys(props).length === 0 || isObject(extra))) {
      const value = isObject(extra) && Object.keys(props).length === 0 ? this.type(extra, form, file, `${where}/additionalProperties`) : keyword('unknown');
      out.push(
        f.createIndexSignature(undefined, [f.createParameterDeclaration(undefined, undefined, 'key', undefined, keyword('string'))], value),
      );
    }
    return out;
  }

  /** An object type literal `{ … }`. */
  objectLiteral(node: JsonSchema, form: Form, file: SchemaFile, where: string, tag?: string): ts.TypeNode {
    return f.createTypeLiteralNode(this.members(node, form, file, where, tag));
  }
}

function asSchema(v: unknown, where: string): JsonSchema {
  if (typeof v === 'boolean') return v ? {} : { not: {} };
  if (!isObject(v)) throw new GenerateError(where, 'is not a schema object');
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
