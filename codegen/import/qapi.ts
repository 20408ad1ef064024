/** Loads a QAPI source through the QAPI source reader (`codegen/qapi/`). */
import { loadQapiSource, recoverQapiNames } from '../qapi/index.js';
import type { SchemaInfo } from '../qapi/introspection.js';
import type { QapiNames, QapiSource } from '../qapi/types.js';

/** A loaded QAPI source with the recovery function to apply to it. */
export interface LoadedQapi {
  source: QapiSource;
  recover: (schema: readonly SchemaInfo[], source: QapiSource) => QapiNames;
}

/** Reads the QAPI source at `path` (folder, `qapi-schema.json`, or QEMU source tarball). */
export async function loadQapi(path: string): Promise<LoadedQapi> {
  return { source: await loadQapiSource(path), recover: recoverQapiNames };
}
