/**
 * What the guest agent helpers need from a client: one untyped call. `QgaClient.executeUntyped` fits it, and so
 * does any object with the same method (the helpers never see the session, the socket or the generated types).
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
  executeUntyped(name: string, args?: Record<string, unknown>, options?: QgaCallOptions): Promise<unknown>;
}
