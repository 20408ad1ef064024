/**
 * `client.supports(query)`: libvirt-style feature probing (see `schema-query.ts` for the grammar)
 * over the live `query-qmp-schema`, fetched once per connection and cached.
 */
import { indexIntrospection, parseSchemaQuery, evaluateSchemaQuery } from '../schema-query.js';
import type { IntrospectionIndex } from '../schema-query.js';

/** Indexed introspection per connection (the key is the client: one client is one connection). */
const cache = new WeakMap<object, Promise<IntrospectionIndex>>();

/**
 * Answers `query` for the connection `key`, asking `fetchSchema()` (`query-qmp-schema`) only the
 * first time; a failed fetch is not cached. Rejects with `QmpUsageError` naming the step for a
 * malformed query (before anything is sent), `QmpProtocolError` for introspection the query cannot
 * read, or whatever the fetch rejects with (`QmpConnectionError`, `QmpCommandError`, …).
 */
export async function supportsQuery(key: object, fetchSchema: () => Promise<unknown>, query: unknown): Promise<boolean> {
  const steps = parseSchemaQuery(query);
  let index = cache.get(key);
  if (index === undefined) {
    index = fetchSchema().then((reply) => indexIntrospection(reply));
    cache.set(key, index);
    index.catch(() => {
      if (cache.get(key) === index) cache.delete(key);
    });
  }
  return evaluateSchemaQuery(await index, steps);
}
