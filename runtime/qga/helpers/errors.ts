/**
 * Errors of the guest agent helpers (`runtime/qga/helpers/`): a file transfer or a freeze failed at one step.
 * Both have `code: 'operation'` and are told apart by `name`; `cause` holds the error of the step (usually a
 * `QmpCommandError` with the agent's text, or a `QmpConnectionError`/`QmpTimeoutError`).
 * Aborts are not wrapped: an aborted helper rejects with `QmpAbortError` (`name === 'AbortError'`).
 */
import { QmpError } from '../../errors.js';

/** The step of a file transfer that failed (`guest-file-open`, `-read`, `-write`, `-close`). */
export type QgaFileStep = 'open' | 'read' | 'write' | 'close';

/** `readFile`/`writeFile` failed at `step` for the guest file `path`. */
export class QgaFileError extends QmpError {
  override readonly name = 'QgaFileError' as const;
  declare readonly code: 'operation';
  /** The guest path as given by the caller. */
  readonly path: string;
  /** The step that failed. */
  readonly step: QgaFileStep;
  /** The agent's file handle, when the file had been opened. */
  readonly handle: number | bigint | undefined;
  /**
   * When closing the handle failed too after an earlier step had failed: that close error (the earlier one is
   * `cause`). The handle may then still be open in the agent.
   */
  readonly closeError: unknown;
  /** Why the step failed, in words (the message without the path and the step). */
  readonly reason: string;
  constructor(init: { path: string; step: QgaFileStep; cause: unknown; handle?: number | bigint | undefined; closeError?: unknown; detail?: string }) {
    const why = init.detail ?? (init.cause instanceof Error ? init.cause.message : String(init.cause));
    const close = init.closeError === undefined ? '' : `; closing handle ${String(init.handle)} failed too: ${init.closeError instanceof Error ? init.closeError.message : String(init.closeError)}`;
    super('operation', `guest file ${JSON.stringify(init.path)}: ${init.step} failed: ${why}${close}`, { cause: init.cause });
    this.path = init.path;
    this.step = init.step;
    this.handle = init.handle;
    this.closeError = init.closeError;
    this.reason = why;
  }
}

/** The step of `fsfreeze` that failed. */
export type QgaFsfreezeStep = 'freeze' | 'thaw';

/**
 * `fsfreeze` could not freeze, or could not thaw after the callback. When the callback threw and the thaw failed
 * too, both are here: `cause` is the thaw's error and `callbackError` the callback's.
 */
export class QgaFsfreezeError extends QmpError {
  override readonly name = 'QgaFsfreezeError' as const;
  declare readonly code: 'operation';
  readonly step: QgaFsfreezeStep;
  /** What the callback threw, when it threw (only with `step: 'thaw'`). */
  readonly callbackError: unknown;
  /** True when the callback threw (`callbackError` may itself be `undefined` if it threw `undefined`). */
  readonly callbackFailed: boolean;
  /**
   * When the freeze got no answer to trust (time limit, abort, connection) and the thaw sent after it failed:
   * the freeze's error (`cause` is the thaw's; the callback did not run).
   */
  readonly freezeError: unknown;
  constructor(init: { step: QgaFsfreezeStep; cause: unknown; callbackFailed?: boolean; callbackError?: unknown; freezeError?: unknown }) {
    const text = (e: unknown): string => (e instanceof Error ? e.message : String(e));
    const failed = init.callbackFailed === true;
    const also =
      (failed ? `; the callback had failed too: ${text(init.callbackError)}` : '') +
      (init.freezeError === undefined ? '' : `; it was sent after the freeze failed: ${text(init.freezeError)}`);
    const what = init.step === 'freeze' ? 'freezing the guest file systems failed' : 'thawing the guest file systems failed (they may still be frozen)';
    super('operation', `fsfreeze: ${what}: ${text(init.cause)}${also}`, { cause: init.cause });
    this.step = init.step;
    this.callbackFailed = failed;
    this.callbackError = init.callbackError;
    this.freezeError = init.freezeError;
  }
}

function has(e: unknown, name: string): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name && (e as { code?: unknown }).code === 'operation';
}

/** True for a {@link QgaFileError} (checks `name` and `code`, so it works across package copies). */
export function isQgaFileError(e: unknown): e is QgaFileError {
  return has(e, 'QgaFileError');
}

/** True for a {@link QgaFsfreezeError}. */
export function isQgaFsfreezeError(e: unknown): e is QgaFsfreezeError {
  return has(e, 'QgaFsfreezeError');
}
