/**
 * Run-time checks of the replies the helpers read (the agent's QAPI types: `GuestExec`, `GuestExecStatus`,
 * `GuestFileRead`, `GuestFileWrite`, `int`, `qga/qapi-schema.json`). The helpers work over any executor, with
 * or without the client's reply validation, so they check what they use: a reply of another shape is a
 * `QmpProtocolError` (`unexpected-message`) naming the command and the member, never a wrong result.
 */
import { QmpProtocolError } from '../../errors.js';
import { isRecord } from '../../guards.js';
import { preview } from '../../preview.js';

function wrong(command: string, where: string, expected: string, value: unknown): QmpProtocolError {
  return new QmpProtocolError('unexpected-message', `${command}: the agent's reply has ${where} = ${preview(value, 80)}, expected ${expected}`, { received: value });
}

/** The reply as an object. */
export function replyObject(command: string, value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw wrong(command, 'return', 'an object', value);
  return value;
}

/** An integer member (an int64: a safe-integer number, or a bigint from the exact-integer parser). */
export function replyInteger(command: string, value: unknown, where: string): number | bigint {
  if ((typeof value === 'number' && Number.isSafeInteger(value)) || typeof value === 'bigint') return value;
  throw wrong(command, where, 'an integer', value);
}

/** A byte count: a non-negative safe integer, at most `max` when given. */
export function replyCount(command: string, value: unknown, where: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= max) return n;
  throw wrong(command, where, `a count from 0 to ${max}`, value);
}

/** A boolean member; `fallback` when absent and one is given. */
export function replyBoolean(command: string, value: unknown, where: string, fallback?: boolean): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw wrong(command, where, 'a boolean', value);
}

// One character class and a length check: a repeated group (`(?:….{4})*`) overflows V8's regexp stack on
// replies of a few MiB (found by bench/qga.ts with 4 MiB chunks).
const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 text (the agent's `g_base64_encode`: standard alphabet, padded), decoded; absent → empty. */
export function replyBase64(command: string, value: unknown, where: string): Buffer {
  if (value === undefined) return Buffer.alloc(0);
  if (typeof value !== 'string' || value.length % 4 !== 0 || !base64.test(value)) throw wrong(command, where, 'base64 text', typeof value === 'string' ? value.slice(0, 40) : value);
  return Buffer.from(value, 'base64');
}
