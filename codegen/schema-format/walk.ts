/** Walks the schema nodes of a JSON Schema document (draft-07 keywords). */
import { isRecord } from '../guards.js';
import type { JsonSchema } from './json-schema.js';

/** Keywords whose value is a schema, a map of schemas, or an array of schemas (draft-07). */
const schemaKeywords = ['additionalProperties', 'items', 'additionalItems', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];
const schemaMapKeywords = ['properties', 'patternProperties', 'definitions', 'dependencies'];
const schemaArrayKeywords = ['anyOf', 'oneOf', 'allOf', 'items'];

/**
 * Calls `visit` on every schema node below and including `node` (depth first, pre-order), with
 * a JSON Pointer-like path for messages.
 */
export function walkSchema(node: unknown, path: string, visit: (node: JsonSchema, path: string) => void): void {
  if (!isRecord(node)) return;
  visit(node, path);
  for (const k of schemaKeywords) if (isRecord(node[k])) walkSchema(node[k], `${path}/${k}`, visit);
  for (const k of schemaMapKeywords) {
    const m = node[k];
    if (isRecord(m)) for (const [name, sub] of Object.entries(m)) walkSchema(sub, `${path}/${k}/${name}`, visit);
  }
  for (const k of schemaArrayKeywords) {
    const a = node[k];
    if (Array.isArray(a)) a.forEach((sub, i) => walkSchema(sub, `${path}/${k}/${i}`, visit));
  }
}
