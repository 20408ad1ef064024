/**
 * One command, checked and serialised before it reaches the request core, for every dialect: the
 * session is open, the name, arguments and options are usable, the arguments pass the target's
 * validator (`execute`, not `executeUntyped`). Returns the request for the core, or the error the
 * call rejects with (nothing sent). What differs between dialects (how the connection is named,
 * out-of-band execution, the hint for an unknown command) is the {@link CommandDialect} given.
 */
import type { ExecuteOptions, TargetBinding, TargetValidators, ValidationIssue } from './target.js';
import { QmpAbortError, QmpConnectionError, QmpUsageError, QmpValidationError } from './errors.js';
import { optionsProblem } from './options.js';
import { executeOptionsShape } from './option-shapes.js';
import { timerDelayProblem } from './timers.js';
import { wireArguments } from './wire-arguments.js';
import { preview } from './preview.js';

/** What a command's checks read of its session (a dialect's session is one). */
export interface CommandRequestContext {
  readonly closeReason: QmpConnectionError | undefined;
  readonly options: {
    readonly commandTimeoutMs?: number | undefined;
    readonly validateArguments?: boolean | undefined;
    readonly validateReturns?: boolean | undefined;
    readonly trace?: ((direction: 'in' | 'out', message: unknown) => void) | undefined;
  };
  readonly target: TargetBinding | undefined;
  readonly validators: TargetValidators | undefined;
  /** The request core's id counter. */
  readonly core: { nextId(): number };
}

/**
 * What one dialect adds to the common checks (a module-level constant: nothing is allocated per
 * call), and how it makes the request for its core from what was checked.
 */
export interface CommandDialect<C extends CommandRequestContext, R> {
  /** The message when the session never opened, e.g. `the QMP connection is not open`. */
  readonly notOpen: string;
  /**
   * Out-of-band execution (`oob: true`): `refuse` is the message refusing it as soon as the options
   * are read (a dialect without it); `check` runs after the time limit was checked and returns why
   * this command may not go out of band, if it may not.
   */
  readonly oob: { readonly refuse: string } | { check(session: C, name: string): QmpUsageError | undefined };
  /** The validator's issues for a command the bound target does not know, with the way out named. */
  unknownCommand(issues: readonly ValidationIssue[], name: string, target: TargetBinding | undefined): ValidationIssue[];
  /**
   * The core's request (`runtime/core/request-core.ts` `Request`): `text` is the serialised command,
   * `message` its object form (only when a trace hook is set), `inBand` false for an out-of-band one.
   */
  request(
    id: number,
    name: string,
    text: string,
    message: Record<string, unknown> | undefined,
    inBand: boolean,
    checkReply: boolean,
    timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): R;
}

/**
 * The request for `name(args)` on `session` (`open`: whether it may send), or why not. May throw
 * when reading the caller's values throws (a getter, a Proxy); the session turns that into a
 * `QmpUsageError`.
 */
export function prepareRequest<C extends CommandRequestContext, R>(
  session: C,
  open: boolean,
  name: string,
  args: unknown,
  options: ExecuteOptions | undefined,
  typed: boolean,
  dialect: CommandDialect<C, R>,
): R | Error {
  if (!open) {
    const reason = session.closeReason;
    return reason
      ? new QmpConnectionError(reason.reason, `${String(name)}: ${reason.message}`, { cause: reason })
      : new QmpConnectionError('closed', `${String(name)}: ${dialect.notOpen}`);
  }
  if (typeof name !== 'string' || name.length === 0) {
    return new QmpUsageError(`${typed ? 'execute' : 'executeUntyped'}: the command name must be a non-empty string, got ${preview(name, 200)}`);
  }
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    return new QmpUsageError(`${name}: arguments must be an object or undefined, got ${preview(args, 200)}`);
  }
  const clientOptions = session.options;
  let timeoutMs = clientOptions.commandTimeoutMs;
  let oob = false;
  let validateArguments: boolean | undefined;
  let signal: AbortSignal | undefined;
  if (options !== undefined) {
    const problem = optionsProblem(options, executeOptionsShape);
    if (problem !== undefined) return new QmpUsageError(`${name}: ${problem}`);
    if (options.oob === true && 'refuse' in dialect.oob) return new QmpUsageError(`${name}: ${dialect.oob.refuse}`);
    timeoutMs = options.timeoutMs ?? timeoutMs;
    oob = options.oob === true;
    validateArguments = options.validateArguments;
    signal = options.signal;
  }
  if (timeoutMs !== undefined) {
    const timeoutProblem = timerDelayProblem('timeoutMs', timeoutMs);
    if (timeoutProblem !== undefined) return new QmpUsageError(`${name}: ${timeoutProblem}`);
  }
  const target = session.target;
  if (oob && 'check' in dialect.oob) {
    const refused = dialect.oob.check(session, name);
    if (refused !== undefined) return refused;
  }
  const validators = typed ? session.validators : undefined;
  const validate = validators !== undefined && (validateArguments ?? clientOptions.validateArguments ?? true);
  // Serialised once; the validator sees exactly what is sent: plain data as is, anything else
  // parsed back from the text (runtime/wire-arguments.ts, runtime/plain-data.ts).
  const wire = wireArguments(args, validate || clientOptions.trace !== undefined);
  if (typeof wire === 'string') return new QmpUsageError(`${name}: ${wire}`);
  if (validate) {
    const result = validators.validateArguments(name, wire.value ?? {});
    if (!result.ok) {
      const known = target !== undefined && Object.hasOwn(target.commands, name);
      return new QmpValidationError('arguments', name, known ? result.errors : dialect.unknownCommand(result.errors, name, target));
    }
  }
  if (signal?.aborted) return new QmpAbortError(name, signal.reason);

  const id = session.core.nextId();
  let message: Record<string, unknown> | undefined;
  if (clientOptions.trace !== undefined) {
    message = oob ? { 'exec-oob': name } : { execute: name };
    if (wire.text !== undefined) message['arguments'] = wire.value ?? args;
    message['id'] = id;
  }
  // The same bytes as JSON.stringify(message), with the arguments serialised once above.
  const text = `${oob ? '{"exec-oob":' : '{"execute":'}${JSON.stringify(name)}${wire.text === undefined ? '' : `,"arguments":${wire.text}`},"id":${id}}`;
  const checkReply =
    validators !== undefined && (clientOptions.validateReturns ?? false) && target !== undefined && Object.hasOwn(target.commands, name);
  return dialect.request(id, name, text, message, !oob, checkReply, timeoutMs, signal);
}
