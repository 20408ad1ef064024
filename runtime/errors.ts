/**
 * Typed errors of the QMP runtime.
 *
 * Every error has a stable `name` and a literal `code` discriminant; the `isQmp…Error()` guards check
 * both (not `instanceof`), so they also work across duplicated copies of the package.
 *
 * Aborts: an aborted call rejects with {@link QmpAbortError}, whose `name` is `'AbortError'` (like the
 * platform's `DOMException`) so generic `err.name === 'AbortError'` checks work; `cause` holds
 * `signal.reason`.
 */
import type { QemuVersion } from './target.js';

/** Error classes QEMU is known to send; newer servers may send others (the set is open). */
export type KnownQmpErrorClass =
  | 'GenericError'
  | 'CommandNotFound'
  | 'DeviceNotActive'
  | 'DeviceNotFound'
  | 'KVMMissingCap';

/** Discriminant of every runtime error. */
export type QmpErrorCode =
  | 'command'
  | 'connection'
  | 'protocol'
  | 'negotiation'
  | 'timeout'
  | 'validation'
  | 'abort'
  | 'usage'
  | 'launch'
  /** A long-running operation failed in QEMU (`runtime/operations/`: a job, a migration). */
  | 'operation'
  | 'version-mismatch'
  /** No QEMU guest agent answered on the channel (`runtime/qga/errors.ts`). */
  | 'no-agent';

/** Base class of every error the runtime throws or rejects with. */
export class QmpError extends Error {
  override readonly name: string = 'QmpError';
  readonly code: QmpErrorCode;
  constructor(code: QmpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The server answered a command with an `error` reply. */
export class QmpCommandError extends QmpError {
  override readonly name = 'QmpCommandError' as const;
  declare readonly code: 'command';
  /** `error.class` of the reply, e.g. `'GenericError'`; an open set. */
  readonly errorClass: KnownQmpErrorClass | (string & {});
  /** `error.desc` of the reply, human readable. */
  readonly desc: string;
  /** Wire name of the command that failed. */
  readonly command: string;
  /** The `id` the command was sent with. */
  readonly id: unknown;
  constructor(init: { errorClass: string; desc: string; command: string; id: unknown }) {
    super('command', `${init.command}: ${init.errorClass}: ${init.desc}`);
    this.errorClass = init.errorClass;
    this.desc = init.desc;
    this.command = init.command;
    this.id = init.id;
  }
}

/** Why a connection ended or could not be made. */
export type QmpConnectionReason =
  /** The socket could not be opened (refused, no such file, …). */
  | 'refused'
  /** `close()` was called. */
  | 'closed'
  /** The peer closed the connection. */
  | 'peer-closed'
  /** A socket error (reset, …). */
  | 'lost'
  /** The peer sent something the client cannot read (see `cause`, a {@link QmpProtocolError}). */
  | 'protocol'
  /** With `reconnect`: every attempt to reconnect failed (see `cause`, the last attempt's error). */
  | 'reconnect-failed';

/** The connection is closed, was refused, or the peer went away. Pending calls reject with it. */
export class QmpConnectionError extends QmpError {
  override readonly name = 'QmpConnectionError' as const;
  declare readonly code: 'connection';
  readonly reason: QmpConnectionReason;
  /** The operating system's error code when there is one (`'ECONNREFUSED'`, `'ENOENT'`, `'ECONNRESET'`…). */
  readonly syscallCode: string | undefined;
  constructor(reason: QmpConnectionReason, message: string, options?: { cause?: unknown }) {
    super('connection', message, options);
    this.reason = reason;
    const c = options?.cause as { code?: unknown } | undefined;
    this.syscallCode = c && typeof c.code === 'string' ? c.code : undefined;
  }
}

/** What kind of protocol violation a {@link QmpProtocolError} reports. */
export type QmpProtocolViolation =
  | 'invalid-json'
  | 'invalid-utf8'
  /** Over `maxMessageBytes`. */
  | 'oversized'
  /** Nested deeper than `maxMessageDepth`. */
  | 'too-deep'
  /** More structural tokens than `maxMessageTokens`. */
  | 'too-many-tokens'
  | 'garbage'
  | 'truncated'
  | 'unexpected-message'
  | 'unknown-id'
  | 'error-without-id'
  /** The reply can no longer come: the guest agent's channel was resynchronised after the request (`runtime/qga/`). */
  | 'reply-lost';

/** The peer sent something the protocol does not allow. */
export class QmpProtocolError extends QmpError {
  override readonly name = 'QmpProtocolError' as const;
  declare readonly code: 'protocol';
  readonly violation: QmpProtocolViolation;
  /** The start of the offending text (at most a few hundred characters), when there is one. */
  readonly excerpt: string | undefined;
  /** The offending message when it could be parsed. */
  readonly received: unknown;
  constructor(
    violation: QmpProtocolViolation,
    message: string,
    init?: { excerpt?: string; received?: unknown; cause?: unknown },
  ) {
    super('protocol', message, init?.cause === undefined ? undefined : { cause: init.cause });
    this.violation = violation;
    this.excerpt = init?.excerpt;
    this.received = init?.received;
  }
}

/** The greeting or the capabilities negotiation failed. */
export class QmpNegotiationError extends QmpError {
  override readonly name = 'QmpNegotiationError' as const;
  declare readonly code: 'negotiation';
  constructor(message: string, options?: { cause?: unknown }) {
    super('negotiation', message, options);
  }
}

/** An operation (command, connect, waitForEvent) did not finish within its time limit. */
export class QmpTimeoutError extends QmpError {
  override readonly name = 'QmpTimeoutError' as const;
  declare readonly code: 'timeout';
  readonly timeoutMs: number;
  /** What timed out: a command's wire name, `'connect'` or `'event:<NAME>'`. */
  readonly operation: string;
  constructor(operation: string, timeoutMs: number, message?: string) {
    super('timeout', message ?? `${operation}: no answer within ${timeoutMs} ms`);
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}

/** Which data a validator rejected. */
export type QmpValidationSide = 'arguments' | 'return' | 'event';

/** A validator of the bound target rejected arguments (nothing was sent), a reply, or an event. */
export class QmpValidationError extends QmpError {
  override readonly name = 'QmpValidationError' as const;
  declare readonly code: 'validation';
  readonly side: QmpValidationSide;
  /** Command wire name (arguments, return) or event name. */
  readonly subject: string;
  /** JSON-Pointer-like path of the first problem, e.g. `/arguments/node-name`. */
  readonly path: string;
  /** The rule broken at `path`. */
  readonly rule: string;
  /** Every problem the validator found. */
  readonly issues: readonly { readonly path: string; readonly message: string }[];
  /**
   * Set when the bound target was made for another QEMU than the server's (see
   * {@link QmpVersionMismatchError}): the data may well be valid for the server's version, and the
   * message says so.
   */
  readonly versionMismatch: QmpVersionMismatchError | undefined;
  constructor(
    side: QmpValidationSide,
    subject: string,
    issues: readonly { readonly path: string; readonly message: string }[],
    versionMismatch?: QmpVersionMismatchError,
  ) {
    const first = issues[0] ?? { path: '', message: 'invalid' };
    const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
    const why =
      versionMismatch === undefined || side === 'arguments'
        ? ''
        : ` — probably because ${versionMismatch.summary}: this ${side === 'return' ? 'reply' : 'event'} may be valid for the server's version (use a target made for it, see the README, or turn validate${side === 'return' ? 'Returns' : 'Events'} off)`;
    super('validation', `${subject}: invalid ${side} at ${first.path || '/'}: ${first.message}${more}${why}`);
    this.side = side;
    this.subject = subject;
    this.path = first.path;
    this.rule = first.message;
    this.issues = issues;
    this.versionMismatch = versionMismatch;
  }
}

/** A call was aborted by its `AbortSignal`; `cause` is `signal.reason`. */
export class QmpAbortError extends QmpError {
  override readonly name = 'AbortError' as const;
  declare readonly code: 'abort';
  constructor(operation: string, reason: unknown) {
    super('abort', `${operation}: aborted`, { cause: reason });
  }
}

/** The caller asked for something the connection cannot do (e.g. `oob` without the `oob` capability). */
export class QmpUsageError extends QmpError {
  override readonly name = 'QmpUsageError' as const;
  declare readonly code: 'usage';
  constructor(message: string) {
    super('usage', message);
  }
}

/** QEMU could not be started by the launcher (it exited, or never accepted on its QMP socket). */
export class QmpLaunchError extends QmpError {
  override readonly name = 'QmpLaunchError' as const;
  declare readonly code: 'launch';
  /** What QEMU wrote on stderr (the end of it, at most 64 KiB). */
  readonly stderr: string;
  /** Exit code, when it exited. */
  readonly exitCode: number | null;
  /** Signal that ended it, when one did. */
  readonly signal: string | null;
  constructor(message: string, init: { stderr: string; exitCode?: number | null; signal?: string | null; cause?: unknown }) {
    super('launch', message, init.cause === undefined ? undefined : { cause: init.cause });
    this.stderr = init.stderr;
    this.exitCode = init.exitCode ?? null;
    this.signal = init.signal ?? null;
  }
}

/**
 * The bound target was generated from another QEMU (major.minor) or architecture than the server's.
 * Reported once through `onError` (source `'version'`) under `versionMismatch: 'warn'`, the `cause`
 * of the `QmpNegotiationError` under `'error'`, and kept as `client.versionMismatch` under every policy.
 */
export class QmpVersionMismatchError extends QmpError {
  override readonly name = 'QmpVersionMismatchError' as const;
  declare readonly code: 'version-mismatch';
  /** The target's name, e.g. `qemu-7.2-x86_64`. */
  readonly target: string;
  /** The QEMU version the target was generated from. */
  readonly targetVersion: QemuVersion;
  /** The server's version, from its greeting. */
  readonly serverVersion: QemuVersion;
  /** The server's `QMP.version.package` (e.g. `Debian 1:10.0.2+ds-…`). */
  readonly serverPackage: string;
  /** The target's architecture (e.g. `x86_64`), when it records one. */
  readonly targetArch: string | undefined;
  /** The server's architecture, when known (the greeting carries none; see the README). */
  readonly serverArch: string | undefined;
  /** One line naming both sides, e.g. `target qemu-7.2-x86_64 is for QEMU 7.2 but the server is QEMU 10.0.2`. */
  readonly summary: string;
  constructor(init: {
    target: string;
    targetVersion: QemuVersion;
    serverVersion: QemuVersion;
    serverPackage: string;
    targetArch?: string | undefined;
    serverArch?: string | undefined;
  }) {
    const tv = init.targetVersion;
    const sv = init.serverVersion;
    const archDiffers = init.targetArch !== undefined && init.serverArch !== undefined && init.targetArch !== init.serverArch;
    const target = `${tv.major}.${tv.minor}${archDiffers ? ` ${init.targetArch}` : ''}`;
    const server = `${sv.major}.${sv.minor}.${sv.micro}${archDiffers ? ` ${init.serverArch}` : ''}`;
    const summary = `target ${init.target} is for QEMU ${target} but the server is QEMU ${server}${init.serverPackage ? ` (${init.serverPackage})` : ''}`;
    super('version-mismatch', `${summary}: commands, replies and events may differ from the target's types`);
    this.target = init.target;
    this.targetVersion = tv;
    this.serverVersion = sv;
    this.serverPackage = init.serverPackage;
    this.targetArch = init.targetArch;
    this.serverArch = init.serverArch;
    this.summary = summary;
  }
}

function has(e: unknown, name: string, code: QmpErrorCode): boolean {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === name &&
    (e as { code?: unknown }).code === code
  );
}

const codes = new Set<unknown>(['command', 'connection', 'protocol', 'negotiation', 'timeout', 'validation', 'abort', 'usage', 'launch', 'operation', 'version-mismatch', 'no-agent']);

/** True for any error of this runtime (checks `code` and that it is an Error-like object). */
export function isQmpError(e: unknown): e is QmpError {
  return typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string' &&
    codes.has((e as { code?: unknown }).code) && typeof (e as { message?: unknown }).message === 'string';
}
/** True for a {@link QmpCommandError}. */
export function isQmpCommandError(e: unknown): e is QmpCommandError {
  return has(e, 'QmpCommandError', 'command');
}
/** True for a {@link QmpConnectionError}. */
export function isQmpConnectionError(e: unknown): e is QmpConnectionError {
  return has(e, 'QmpConnectionError', 'connection');
}
/** True for a {@link QmpProtocolError}. */
export function isQmpProtocolError(e: unknown): e is QmpProtocolError {
  return has(e, 'QmpProtocolError', 'protocol');
}
/** True for a {@link QmpNegotiationError}. */
export function isQmpNegotiationError(e: unknown): e is QmpNegotiationError {
  return has(e, 'QmpNegotiationError', 'negotiation');
}
/** True for a {@link QmpTimeoutError}. */
export function isQmpTimeoutError(e: unknown): e is QmpTimeoutError {
  return has(e, 'QmpTimeoutError', 'timeout');
}
/** True for a {@link QmpValidationError}. */
export function isQmpValidationError(e: unknown): e is QmpValidationError {
  return has(e, 'QmpValidationError', 'validation');
}
/** True for a {@link QmpAbortError}. */
export function isQmpAbortError(e: unknown): e is QmpAbortError {
  return has(e, 'AbortError', 'abort');
}
/** True for a {@link QmpUsageError}. */
export function isQmpUsageError(e: unknown): e is QmpUsageError {
  return has(e, 'QmpUsageError', 'usage');
}
/** True for a {@link QmpLaunchError}. */
export function isQmpLaunchError(e: unknown): e is QmpLaunchError {
  return has(e, 'QmpLaunchError', 'launch');
}
/** True for a {@link QmpVersionMismatchError}. */
export function isQmpVersionMismatchError(e: unknown): e is QmpVersionMismatchError {
  return has(e, 'QmpVersionMismatchError', 'version-mismatch');
}
