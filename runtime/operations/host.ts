/**
 * What the operations (`jobs`, `migration`, `devices`) use of a client: its public API only —
 * `execute`, `on` and `closed` — seen loosely (any name), so that these files stay apart from
 * the request bookkeeping. The typed surface comes from the command map each operation is
 * generic over.
 */
import type { QmpConnectionError } from '../errors.js';
import type { ExecuteOptions, QmpEvent } from '../target.js';

/** The client, as the operations see it. */
export interface OperationsHost {
  execute(name: string, args?: Record<string, unknown>, options?: ExecuteOptions): Promise<unknown>;
  on(name: string, handler: (event: QmpEvent) => void): () => void;
  readonly closed: Promise<QmpConnectionError>;
}

/** A plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
