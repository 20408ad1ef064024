/**
 * Feature probing without a connection: libvirt's query syntax (grammar in `runtime/schema-query.ts`)
 * over a loaded schema (`loadSchema`: a schema folder, a binary or a socket), evaluated by the same
 * code as the client's `supports()`.
 *
 * ```ts
 * const s = await loadSchema('schema/qemu-10.0-x86_64');
 * schemaSupports(s, 'blockdev-add/arg-type/+file/aio/^io_uring'); // true
 * ```
 */
import { querySchema } from '../../runtime/schema-query.js';
import type { LoadedSchema } from './sources.js';

/** `true` when the schema has what `query` names. Throws `QmpUsageError` naming the step of a malformed query. */
export function schemaSupports(schema: LoadedSchema, query: string): boolean {
  return querySchema(schema.index, query);
}
