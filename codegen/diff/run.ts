/** `diffSchemas(a, b)`: load two sources (folder, binary, socket) and compare them. */
import { diffModels } from './diff.js';
import type { DiffReport } from './diff.js';
import { loadSchema } from './sources.js';
import type { LoadedSchema, SchemaSource } from './sources.js';

/**
 * What changed from `a` to `b`. Each is a {@link SchemaSource} or an already loaded schema. The two
 * live sources are loaded one after the other (each QEMU is stopped before the next starts).
 * Rejects with `DiffError` or `ImportError` naming the source that could not be read.
 */
export async function diffSchemas(a: SchemaSource | LoadedSchema, b: SchemaSource | LoadedSchema): Promise<DiffReport> {
  const load = (s: SchemaSource | LoadedSchema) => (typeof s === 'object' && 'model' in s ? Promise.resolve(s) : loadSchema(s));
  const la = await load(a);
  const lb = await load(b);
  return diffModels(la.model, lb.model, { from: la.label, to: lb.label });
}
