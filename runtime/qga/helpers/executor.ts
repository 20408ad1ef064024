/**
 * What the guest agent helpers need from a client: one call by wire name. The `QgaClient` methods give them its
 * validated `execute` (arguments and replies checked against the bound target when validation is on); any object
 * with this method works too, e.g. `{ execute: (n, a, o) => qga.executeUntyped(n, a, o) }`. The helpers never see
 * the session, the socket or the generated types.
 */

/** Per-call options the helpers pass on (the client's `ExecuteOptions` has both). */
export interface QgaCallOptions {
  signal?: AbortSignal;
  /** Only for the clean-up after an abort (see {@link CLEANUP_AFTER_ABORT_MS}); otherwise the client's own limit applies. */
  timeoutMs?: number;
}

/**
 * Time limit of the clean-up a helper still sends after the caller aborted (`guest-file-close`, or the thaw
 * after an unanswered freeze), in ms: the clean-up is sent, but an agent stuck in an earlier command (it
 * serves one at a time) must not keep the aborted call from settling.
 */
export const CLEANUP_AFTER_ABORT_MS = 5000;

/**
 * Runs one guest agent command by its wire name (`guest-exec`, `guest-file-read`, …) and resolves with the
 * `return` value of the reply; rejects with the client's typed errors (`QmpCommandError` for an `error` reply,
 * `QmpAbortError` when `signal` aborts, `QmpTimeoutError`, `QmpConnectionError`, …).
 */
export interface QgaExecutor {
  execute(name: string, args?: Record<string, unknown>, options?: QgaCallOptions): Promise<unknown>;
}
