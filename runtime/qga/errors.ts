/**
 * The guest agent's own error: nobody answered the synchronisation. Every other failure of a guest
 * agent call is one of the runtime's errors (`../errors.ts`): `QmpCommandError` (an error reply,
 * e.g. class `CommandNotFound` for a command disabled with `qemu-ga -b`), `QmpTimeoutError`,
 * `QmpAbortError`, `QmpValidationError`, `QmpUsageError`, `QmpConnectionError`, and
 * `QmpProtocolError` (violation `reply-lost`: the channel was resynchronised before the reply came).
 */
import { QmpError } from '../errors.js';

/**
 * No guest agent answered `guest-sync-delimited` on the channel within `syncTimeoutMs`. Seen when
 * the channel is a virtio-serial chardev of a VM whose guest runs no agent (QEMU accepts the
 * connection and nothing ever answers), or when the agent is stopped or busy.
 */
export class QgaNoAgentError extends QmpError {
  override readonly name = 'QgaNoAgentError' as const;
  declare readonly code: 'no-agent';
  /** Where the client waited, e.g. `unix:/run/qga.sock`. */
  readonly where: string;
  /** How long it waited, in ms. */
  readonly timeoutMs: number;
  constructor(where: string, timeoutMs: number, context?: string) {
    super('no-agent', `no guest agent answered on ${where} within ${timeoutMs} ms${context === undefined ? '' : ` (${context})`}`);
    this.where = where;
    this.timeoutMs = timeoutMs;
  }
}

/** True for a {@link QgaNoAgentError} (checks `name` and `code`, not `instanceof`). */
export function isQgaNoAgentError(e: unknown): e is QgaNoAgentError {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'QgaNoAgentError' && (e as { code?: unknown }).code === 'no-agent';
}
