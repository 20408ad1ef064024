/**
 * One open guest file for the length of a transfer: `guest-file-open`, the caller's steps, and
 * `guest-file-close` in `finally` on every path (success, an agent error, a bad reply, an abort). Every failure
 * becomes a `QgaFileError` naming the guest path and the step, but an abort stays a `QmpAbortError`
 * (`name === 'AbortError'`) when the handle could be closed.
 */
import { isQmpAbortError, QmpAbortError } from '../../errors.js';
import { isQgaFileError, QgaFileError, type QgaFileStep } from './errors.js';
import { CLEANUP_AFTER_ABORT_MS, type QgaExecutor } from './executor.js';
import { replyInteger } from './reply-shapes.js';

/** What a transfer step may use: the handle, and `run(step, command, args)` that types its failures. */
export interface OpenGuestFile {
  readonly handle: number | bigint;
  /** Sends `command` with `args` (the handle added) under the transfer's signal; a failure is a `QgaFileError` of `step`. */
  run(step: QgaFileStep, command: string, args: Record<string, unknown>): Promise<unknown>;
  /** A `QgaFileError` of `step` for a problem found in a reply (e.g. a count that does not add up). */
  problem(step: QgaFileStep, detail: string, cause?: unknown): QgaFileError;
}

function typed(path: string, step: QgaFileStep, e: unknown, handle?: number | bigint): unknown {
  if (isQmpAbortError(e) || isQgaFileError(e)) return e;
  return new QgaFileError({ path, step, cause: e, handle });
}

/** Opens `path` with fopen() `mode` in the guest, runs `body`, and always closes the handle. */
export async function withGuestFile<T>(
  agent: QgaExecutor,
  path: string,
  mode: 'r' | 'w',
  signal: AbortSignal | undefined,
  body: (file: OpenGuestFile) => Promise<T>,
): Promise<T> {
  const options = signal === undefined ? {} : { signal };
  let handle: number | bigint;
  try {
    handle = replyInteger('guest-file-open', await agent.execute('guest-file-open', { path, mode }, options), 'return');
  } catch (e) {
    throw typed(path, 'open', e);
  }
  const file: OpenGuestFile = {
    handle,
    async run(step, command, args) {
      if (signal?.aborted) throw new QmpAbortError(command, signal.reason);
      try {
        return await agent.execute(command, { handle, ...args }, options);
      } catch (e) {
        throw typed(path, step, e, handle);
      }
    },
    problem: (step, detail, cause) => new QgaFileError({ path, step, cause: cause ?? new Error(detail), handle, detail }),
  };
  let failure: { error: unknown } | undefined;
  let value: T | undefined;
  try {
    value = await body(file);
  } catch (e) {
    failure = { error: typed(path, mode === 'r' ? 'read' : 'write', e, handle) };
  } finally {
    // Closed without the caller's signal: an aborted transfer must still give its handle back; after an abort
    // within a bounded time, so that an agent stuck in the aborted command cannot hold the call.
    try {
      await agent.execute('guest-file-close', { handle }, signal?.aborted === true ? { timeoutMs: CLEANUP_AFTER_ABORT_MS } : undefined);
    } catch (closeError) {
      if (failure === undefined) failure = { error: new QgaFileError({ path, step: 'close', cause: closeError, handle }) };
      else {
        const first = failure.error;
        failure = {
          error: isQgaFileError(first)
            ? new QgaFileError({ path, step: first.step, cause: first.cause, handle, closeError, detail: first.reason })
            : new QgaFileError({ path, step: mode === 'r' ? 'read' : 'write', cause: first, handle, closeError }),
        };
      }
    }
  }
  if (failure !== undefined) throw failure.error;
  return value as T;
}
