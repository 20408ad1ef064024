/**
 * What the operations (`jobs`, `migration`, `devices`) use of a client: its public API only —
 * `execute`, `on` and `closed` ({@link ClientSurface}), seen loosely (any name), so that these files
 * stay apart from the request bookkeeping — plus {@link OperationsHost.onLost}, made here from
 * `closed` and the client's report of a dropped connection (with `reconnect`). The typed surface
 * comes from the command map each operation is generic over.
 */
import type { QmpConnectionError } from '../errors.js';
import type { ExecuteOptions, QmpEvent } from '../target.js';

/** The client's public API the operations build on. */
export interface ClientSurface {
  execute(name: string, args?: Record<string, unknown>, options?: ExecuteOptions): Promise<unknown>;
  on(name: string, handler: (event: QmpEvent) => void): () => void;
  readonly closed: Promise<QmpConnectionError>;
}

/** The client, as the operations see it. */
export interface OperationsHost {
  execute(name: string, args?: Record<string, unknown>, options?: ExecuteOptions): Promise<unknown>;
  on(name: string, handler: (event: QmpEvent) => void): () => void;
  /**
   * Calls `listener` once when the connection is lost: closed, or dropped (with `reconnect`; events
   * of the down time are missed, so an operation that follows events cannot go on). Returns a remover.
   */
  onLost(listener: (error: QmpConnectionError) => void): () => void;
}

