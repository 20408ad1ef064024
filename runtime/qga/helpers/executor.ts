/**
 * What the guest agent helpers need from a client: one call by wire name. The `QgaClient` methods give them its
 * validated `execute` (arguments and replies checked against the bound target when validation is on); any object
 * with this method works too, e.g. `{ execute: (n, a, o) => qga.executeUntyped(n, a, o) }`. The helpers never see
 * the session, the socket or the generated types.
 */

/** Per-call options the helpers pass on: only an abort signal (the client's own time limit still applies). */
export interface QgaCallOptions {
  signal?: AbortSignal;
}

/**
 * Runs one guest agent command by its wire name (`guest-exec`, `guest-file-read`, …) and resolves with the
 * `return` value of the reply; rejects with the client's typed errors (`QmpCommandError` for an `error` reply,
 * `QmpAbortError` when `signal` aborts, `QmpTimeoutError`, `QmpConnectionError`, …).
 */
export interface QgaExecutor {
  execute(name: string, args?: Record<string, unknown>, options?: QgaCallOptions): Promise<unknown>;
}
