import type { DeviceImport } from './devices.js';

/** What a source of introspection gives the importer. */
export interface Fetched {
  /** The `query-qmp-schema` reply, unchecked (the bare array or `{"return": [...]}`). */
  schema: unknown;
  /** The `query-version` reply, when known. */
  version: unknown;
  /** The `query-target` reply, when known. */
  target: unknown;
  /** Device models and their properties (only from a QEMU binary; see `devices.ts`). */
  devices?: DeviceImport;
  /** How it was obtained, recorded in `target.json`. */
  from: 'binary' | 'socket' | 'file';
}
