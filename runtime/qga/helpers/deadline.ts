/**
 * One abort signal for a whole helper call: the caller's `signal` and the helper's own `timeoutMs`, joined, so
 * every command and every pause of the call stops at the first of the two (no timer outlives the call).
 */
import { QmpAbortError, QmpTimeoutError } from '../../errors.js';

/** A joined signal; call `dispose()` when the helper call settles. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** True once `timeoutMs` elapsed (then `signal` is aborted too). */
  readonly timedOut: boolean;
  /**
   * The error for a failure seen while the call ran: when the deadline or the caller's signal caused it, the
   * `QmpTimeoutError`/`QmpAbortError` of `operation` (with `detail` in the timeout's message); otherwise `error`.
   */
  explain(error: unknown, operation: string, detail?: string): unknown;
  dispose(): void;
}

/** Joins `signal` (the caller's, optional) and `timeoutMs` (optional). */
export function deadline(signal: AbortSignal | undefined, timeoutMs: number | undefined): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(new Error('timeout'));
        }, timeoutMs);
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    explain(error, operation, detail) {
      if (timedOut) return new QmpTimeoutError(operation, timeoutMs ?? 0, `${operation}: not finished within ${timeoutMs} ms${detail === undefined ? '' : `; ${detail}`}`);
      if (signal?.aborted) return error instanceof QmpAbortError ? error : new QmpAbortError(operation, signal.reason);
      return error;
    },
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Resolves after `ms`, or rejects with a `QmpAbortError` of `operation` as soon as `signal` aborts. */
export function pause(ms: number, signal: AbortSignal, operation: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new QmpAbortError(operation, signal.reason));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new QmpAbortError(operation, signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
