/**
 * One QMP command, checked and serialised before it reaches the request core: the session is
 * ready, the name, arguments and options are usable, out-of-band is allowed, the arguments pass
 * the target's validator (`execute`, not `executeUntyped`). Returns the request for the core, or
 * the error the call rejects with (nothing sent).
 */
import type { ExecuteOptions, TargetBinding, TargetValidators } from '../target.js';
import { QmpAbortError, QmpConnectionError, QmpUsageError, QmpValidationError } from '../errors.js';
import { optionsProblem } from '../options.js';
import { executeOptionsShape } from '../option-shapes.js';
import { timerDelayProblem } from '../timers.js';
import { wireArguments } from '../wire-arguments.js';
import { preview } from '../preview.js';
import { Request, type RequestCore } from '../core/request-core.js';
import { untypedHint } from './untyped.js';
import type { ClientOptions } from './client-types.js';

/** What a command's checks read of its session (`QmpSession` is one). */
export interface CommandContext {
  readonly phase: string;
  readonly closeReason: QmpConnectionError | undefined;
  readonly options: ClientOptions;
  readonly oobEnabled: boolean;
  readonly offeredCapabilities: readonly string[];
  readonly target: TargetBinding | undefined;
  readonly validators: TargetValidators | undefined;
  readonly core: RequestCore;
}

/**
 * The request for `name(args)` on `session`, or why not. May throw when reading the caller's
 * values throws (a getter, a Proxy); the session turns that into a `QmpUsageError`.
 */
export function prepareCommand(
  session: CommandContext,
  name: string,
  args: unknown,
  options: ExecuteOptions | undefined,
  typed: boolean,
): Request | Error {
  if (session.phase !== 'ready') {
    const reason = session.closeReason;
    return reason
      ? new QmpConnectionError(reason.reason, `${String(name)}: ${reason.message}`, { cause: reason })
      : new QmpConnectionError('closed', `${String(name)}: the QMP connection is not open`);
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
  if (oob) {
    if (!session.oobEnabled) {
      return new QmpUsageError(
        `${name}: out-of-band execution needs the 'oob' capability, which was not enabled (connect with capabilities: { enable: ['oob'] }; the server offers: ${session.offeredCapabilities.join(', ') || 'none'})`,
      );
    }
    const info = target?.commands[name];
    if (target && !(info && Object.hasOwn(target.commands, name) && info.allowOob)) {
      return new QmpUsageError(`${name}: the command does not allow out-of-band execution ("allow-oob" is not set in target ${target.name})`);
    }
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
      return new QmpValidationError('arguments', name, known ? result.errors : untypedHint(result.errors, name, target));
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
  return new Request(id, name, text, message, !oob, checkReply, true, timeoutMs, signal);
}
