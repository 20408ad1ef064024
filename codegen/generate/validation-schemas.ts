/**
 * The schemas the validators are compiled from: annotations stripped, `$ref`s rewritten to one
 * `$id` per definition, in two flavours — `exact` (what the client sends) and `compat` (what the
 * server sends: unknown members, unknown enum values and unknown union tags accepted).
 */
import { unionTag } from './model.js';
import { isRecord as isObject } from '../guards.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import type { SchemaFile } from '../schema-format/files.js';
import { resolveRef, type TargetSchema } from './schema.js';
import { INT_KEYWORD, intNode } from './int-keyword.js';
import { exactInteger } from './exact-integers.js';

/** `exact` for arguments, `compat` for returns, events and the greeting. */
export type Flavour = 'exact' | 'compat';

const base = 'https://qmp-sdk.invalid/validators';

/** Short prefix of each schema file in ids. */
const prefix: Record<SchemaFile, string> = { types: 't', commands: 'a', returns: 'r', events: 'e' };

/** The `$id` of a definition, e.g. `https://qmp-sdk.invalid/validators/exact/t12`. */
export function definitionId(flavour: Flavour, file: SchemaFile, index: number): string {
  return `${base}/${flavour}/${prefix[file]}${index}`;
}

/** The `$id` of a protocol schema. */
export function protocolId(file: string): string {
  return `https://qmp-sdk.invalid/schema/protocol/${file}.json`;
}

const annotations = new Set(['title', 'description', 'deprecated', 'x-qmp', 'examples', '$comment', 'default', 'readOnly', 'writeOnly', '$schema']);
const schemaKeywords = ['additionalProperties', 'items', 'additionalItems', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];
const mapKeywords = ['properties', 'patternProperties', 'definitions', 'dependencies'];
const arrayKeywords = ['anyOf', 'oneOf', 'allOf'];

/** Context of a rewrite. */
interface Rewrite {
  readonly flavour: Flavour;
  /** Resolves a `$ref` to its new `$id` (undefined: keep the ref as is, for protocol schemas). */
  readonly ref?: (ref: string, where: string) => string;
  /**
   * Moves a union branch into a schema of its own and returns its `$id` (undefined: keep branches
   * inline). Ajv then compiles each branch as a function of its own, and a union's dispatcher stays
   * small: one function holding every branch of a large union (BlockdevOptions: ~280 KB of code)
   * is too big for V8 to optimise, and was ~25× slower than the same code split per branch.
   */
  readonly hoist?: (branch: JsonSchema) => string;
}

/** Copies a schema node: annotations dropped, refs rewritten, compat relaxations applied. */
export function rewrite(node: unknown, ctx: Rewrite, where: string, isTag = false): unknown {
  if (!isObject(node)) return node;
  const out: JsonSchema = {};
  const tag = unionTag(node);
  for (const [k, v] of Object.entries(node)) {
    if (annotations.has(k)) continue;
    if (k === '$ref' && typeof v === 'string' && ctx.ref !== undefined) {
      out[k] = ctx.ref(v, where);
    } else if (schemaKeywords.includes(k) && isObject(v)) {
      out[k] = rewrite(v, ctx, `${where}/${k}`);
    } else if (k === 'items' && Array.isArray(v)) {
      out[k] = v.map((s, i) => rewrite(s, ctx, `${where}/items/${i}`));
    } else if (mapKeywords.includes(k) && isObject(v)) {
      const m: JsonSchema = {};
      for (const [name, s] of Object.entries(v)) {
        Object.defineProperty(m, name, { value: rewrite(s, ctx, `${where}/${k}/${name}`), enumerable: true, writable: true, configurable: true });
      }
      out[k] = m;
    } else if (arrayKeywords.includes(k) && Array.isArray(v)) {
      out[k] = v.map((s, i) => {
        if (!(k === 'oneOf' && tag !== undefined)) return rewrite(s, ctx, `${where}/${k}/${i}`);
        const branch = rewriteBranch(s, ctx, `${where}/oneOf/${i}`, tag);
        return ctx.hoist !== undefined && isObject(branch) ? { $ref: ctx.hoist(branch) } : branch;
      });
    } else {
      out[k] = v;
    }
  }
  // Integers: exact bounds, number or bigint (codegen/generate/int-keyword.ts), not Ajv's rounded ones.
  if (out['type'] === 'integer') {
    out[INT_KEYWORD] = intNode(exactInteger(node, 'minimum') ?? out['minimum'], exactInteger(node, 'maximum') ?? out['maximum'], where);
    delete out['type'];
    delete out['minimum'];
    delete out['maximum'];
  }
  // Ajv looks the tag up as an unescaped JSON pointer: a tag with '/' or '~' cannot use the
  // discriminator keyword, the plain oneOf (branches are disjoint by their const tag) still works.
  if (tag !== undefined && /[/~]/.test(tag)) delete out['discriminator'];
  if (ctx.flavour === 'compat') {
    if (out['additionalProperties'] === false) delete out['additionalProperties'];
    if (!isTag && Array.isArray(out['enum']) && out['enum'].every((e) => typeof e === 'string')) {
      delete out['enum'];
      out['type'] = 'string';
    }
    if (tag !== undefined) return compatUnion(out, tag, node);
  }
  return out;
}

/** A union branch: its tag property stays exact (it selects the branch). */
function rewriteBranch(branch: unknown, ctx: Rewrite, where: string, tag: string): unknown {
  if (!isObject(branch) || !isObject(branch['properties'])) return rewrite(branch, ctx, where);
  const tagSchema = branch['properties'][tag];
  const copy = rewrite(branch, ctx, where) as JsonSchema;
  const props = copy['properties'] as JsonSchema;
  Object.defineProperty(props, tag, { value: rewrite(tagSchema, { ...ctx }, `${where}/properties/${tag}`, true), enumerable: true, writable: true, configurable: true });
  return copy;
}

/** All tag values a union knows. */
function knownTags(node: JsonSchema, tag: string): string[] {
  const out: string[] = [];
  for (const b of node['oneOf'] as unknown[]) {
    if (!isObject(b) || !isObject(b['properties'])) continue;
    const t = b['properties'][tag];
    if (!isObject(t)) continue;
    if (typeof t['const'] === 'string') out.push(t['const']);
    if (Array.isArray(t['enum'])) for (const e of t['enum']) if (typeof e === 'string') out.push(e);
  }
  return out;
}

/** Compat union: a known tag picks its (open) branch; an unknown tag is accepted. */
function compatUnion(out: JsonSchema, tag: string, original: JsonSchema): JsonSchema {
  const { discriminator, oneOf, ...rest } = out;
  return {
    ...rest,
    type: 'object',
    properties: { ...(isObject(rest['properties']) ? rest['properties'] : {}), [tag]: { type: 'string' } },
    required: [...new Set([...(Array.isArray(rest['required']) ? (rest['required'] as string[]) : []), tag])],
    if: { properties: { [tag]: { enum: knownTags(original, tag) } } },
    then: discriminator === undefined ? { type: 'object', oneOf } : { type: 'object', discriminator, oneOf },
  };
}

/** One schema to add to Ajv. */
export interface AjvSchema {
  readonly id: string;
  readonly schema: JsonSchema;
}

/** Every definition of the target in one flavour, each with its own `$id`. */
export function targetSchemas(target: TargetSchema, flavour: Flavour): AjvSchema[] {
  const index = new Map<string, number>();
  const keyOf = (file: SchemaFile, key: string): string => `${file}\u0000${key}`;
  for (const file of ['types', 'commands', 'returns', 'events'] as const) {
    let i = 0;
    for (const key of target.definitions[file].keys()) index.set(keyOf(file, key), i++);
  }
  const out: AjvSchema[] = [];
  for (const file of ['types', 'commands', 'returns', 'events'] as const) {
    for (const [key, def] of target.definitions[file]) {
      const where = `${target.display}/${file}.json#/definitions/${key}`;
      const ref = (r: string, at: string): string => {
        const t = resolveRef(target, r, file, at);
        return definitionId(flavour, t.file, index.get(keyOf(t.file, t.key)) as number);
      };
      const id = definitionId(flavour, file, index.get(keyOf(file, key)) as number);
      let branches = 0;
      const hoist = (branch: JsonSchema): string => {
        const branchId = `${id}-${branches++}`;
        out.push({ id: branchId, schema: { $id: branchId, ...branch } });
        return branchId;
      };
      out.push({ id, schema: { $id: id, ...(rewrite(def, { flavour, ref, hoist }, where) as JsonSchema) } });
    }
  }
  return out;
}

/** The protocol schemas, annotations stripped (they are already open where the spec says so). */
export function protocolSchemas(target: TargetSchema): AjvSchema[] {
  const out: AjvSchema[] = [];
  for (const [file, doc] of target.protocol) {
    const id = protocolId(file);
    out.push({ id, schema: { ...(rewrite(doc, { flavour: 'exact' }, `schema/protocol/${file}.json`) as JsonSchema), $id: id } });
  }
  return out;
}
