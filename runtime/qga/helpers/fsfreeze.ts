/**
 * `fsfreeze`: freeze the guest's file systems around a callback (a consistent disk snapshot or backup), through
 * `guest-fsfreeze-freeze` / `guest-fsfreeze-freeze-list` and `guest-fsfreeze-thaw` (`qga/qapi-schema.json`;
 * on builds with `CONFIG_FSFREEZE` or Windows). The thaw always runs.
 */
import { isQmpCommandError, QmpUsageError } from '../../errors.js';
import { QgaFsfreezeError } from './errors.js';
import { CLEANUP_AFTER_ABORT_MS, type QgaExecutor } from './executor.js';
import { checkOptions, fsfreezeOptionsShape } from './option-shapes.js';
import { replyCount } from './reply-shapes.js';

/** Options of `fsfreeze` (`QgaClient.fsfreeze`). */
export interface QgaFsfreezeOptions {
  /** Freeze only these mount points (`guest-fsfreeze-freeze-list`; the agent ignores invalid ones). Default: every freezable file system. */
  mountpoints?: readonly string[];
  /** Aborts the freeze request only; once frozen, the callback runs and the thaw is always sent. */
  signal?: AbortSignal;
}

/**
 * Freezes the guest file systems, runs `callback(frozen)` (`frozen`: how many file systems the agent froze) and
 * thaws them whatever happens; resolves with the callback's value.
 *
 * - The freeze fails with an agent error: the agent has already thawed everything (its documented contract), so
 *   the callback does not run; rejects with `QgaFsfreezeError` (`step: 'freeze'`).
 * - The freeze fails otherwise (time limit, abort, connection): it may have frozen anyway, so a thaw is sent before
 *   rejecting with `QgaFsfreezeError` (`step: 'freeze'`); if that thaw fails too: `step: 'thaw'`, with the
 *   freeze's error as `freezeError`.
 * - The callback throws and the thaw succeeds: rejects with what the callback threw, unchanged.
 * - The thaw fails: rejects with `QgaFsfreezeError` (`step: 'thaw'`, `cause` the thaw's error); when the callback
 *   had thrown too, its error is `callbackError` and the message names both.
 *
 * The thaw is sent without `signal` and waits as long as the client lets a command wait (its `commandTimeoutMs`,
 * none by default), except after an aborted freeze: then at most 5 s (`CLEANUP_AFTER_ABORT_MS`).
 *
 * On Windows guests VSS limits a freeze to about 10 s (qapi-schema.json); keep the callback short everywhere,
 * since writes in the guest block while frozen.
 */
export async function fsfreeze<T>(agent: QgaExecutor, callback: (frozen: number) => Promise<T> | T, options?: QgaFsfreezeOptions): Promise<T> {
  if (typeof callback !== 'function') throw new QmpUsageError('fsfreeze: callback must be a function');
  checkOptions('fsfreeze', options, fsfreezeOptionsShape);
  const callOptions = options?.signal === undefined ? {} : { signal: options.signal };
  // The thaw never takes the caller's signal; after an aborted freeze it is bounded (CLEANUP_AFTER_ABORT_MS).
  const thaw = async (): Promise<void> => {
    const bounded = options?.signal?.aborted === true ? { timeoutMs: CLEANUP_AFTER_ABORT_MS } : undefined;
    replyCount('guest-fsfreeze-thaw', await agent.execute('guest-fsfreeze-thaw', undefined, bounded), 'return');
  };
  let frozen: number;
  try {
    const reply =
      options?.mountpoints === undefined
        ? await agent.execute('guest-fsfreeze-freeze', undefined, callOptions)
        : await agent.execute('guest-fsfreeze-freeze-list', { mountpoints: [...options.mountpoints] }, callOptions);
    frozen = replyCount('guest-fsfreeze-freeze', reply, 'return');
  } catch (e) {
    if (!isQmpCommandError(e)) {
      // No answer we can trust: the guest may be frozen. Thaw before reporting (a thaw of a thawed guest is harmless).
      try {
        await thaw();
      } catch (thawError) {
        throw new QgaFsfreezeError({ step: 'thaw', cause: thawError, freezeError: e });
      }
    }
    throw new QgaFsfreezeError({ step: 'freeze', cause: e });
  }
  let outcome: { ok: true; value: T } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await callback(frozen) };
  } catch (e) {
    outcome = { ok: false, error: e };
  }
  try {
    await thaw();
  } catch (thawError) {
    throw new QgaFsfreezeError(outcome.ok ? { step: 'thaw', cause: thawError } : { step: 'thaw', cause: thawError, callbackFailed: true, callbackError: outcome.error });
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
