/**
 * The checks QEMU makes on a command message before it looks at the command itself
 * (`qmp_dispatch_check_obj`), with QEMU's own messages, measured on QEMU 7.2 and 10.0.
 */

/** An error body as QEMU sends it. */
export interface QmpErrorBody {
  readonly class: string;
  readonly desc: string;
}

/** A command message that passed the envelope checks. */
export interface CheckedRequest {
  readonly ok: true;
  readonly name: string;
  /** `arguments`, or `undefined` when the member was absent. */
  readonly arguments: Record<string, unknown> | undefined;
  readonly hasId: boolean;
  readonly id: unknown;
  /** Sent with `exec-oob`. */
  readonly oob: boolean;
}

/** A message refused before dispatch; `hasId` tells whether the reply may carry the id. */
export interface RejectedRequest {
  readonly ok: false;
  readonly hasId: boolean;
  readonly id: unknown;
  readonly error: QmpErrorBody;
}

const generic = (desc: string): QmpErrorBody => ({ class: 'GenericError', desc });

/**
 * Checks one parsed client message. `oobEnabled` is whether the connection negotiated `oob`:
 * without it `exec-oob` is an unexpected member, exactly as in QEMU.
 */
export function checkRequest(message: unknown, oobEnabled: boolean): CheckedRequest | RejectedRequest {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, hasId: false, id: undefined, error: generic('QMP input must be a JSON object') };
  }
  const obj = message as Record<string, unknown>;
  const hasId = Object.prototype.hasOwnProperty.call(obj, 'id');
  const id = hasId ? obj['id'] : undefined;
  const fail = (desc: string): RejectedRequest => ({ ok: false, hasId, id, error: generic(desc) });
  let execKey: 'execute' | 'exec-oob' | undefined;
  let args: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    if (key === 'execute' || (key === 'exec-oob' && oobEnabled)) {
      if (typeof value !== 'string') return fail(`QMP input member '${key}' must be a string`);
      if (execKey !== undefined) return fail("QMP input member 'execute' clashes with 'exec-oob'");
      execKey = key;
    } else if (key === 'arguments') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return fail("QMP input member 'arguments' must be an object");
      }
      args = value as Record<string, unknown>;
    } else if (key !== 'id') {
      return fail(`QMP input member '${key}' is unexpected`);
    }
  }
  if (execKey === undefined) return fail("QMP input lacks member 'execute'");
  return { ok: true, name: obj[execKey] as string, arguments: args, hasId, id, oob: execKey === 'exec-oob' };
}
