/**
 * One guest agent command, checked and serialised before it reaches the request core: the session
 * is open, the name, arguments and options are usable, the arguments pass the target's validator
 * (`execute`, not `executeUntyped`). Returns the request for the core, or the error the call
 * rejects with (nothing sent). The agent refuses `exec-oob`, so the `oob` option is refused here.
 */
import type { ExecuteOptions, TargetValidators } from '../target.js';
import { QmpAbortError, QmpConnectionError, QmpUsageError, QmpValidationError } from '../errors.js';
import { optionsProblem } from '../options.js';
import { executeOptionsShape } from '../option-shapes.js';
import { timerDelayProblem } from '../timers.js';
import { wireArguments } from '../wire-arguments.js';
import { preview } from '../preview.js';
import { Request, type RequestCore } from '../core/request-core.js';
import type { QgaClientOptions, QgaTargetBinding } from './types.js';

/** What a command's checks read of its session. */
export interface QgaCommandContext {
  readonly open: boolean;
  readonly closeReason: QmpConnectionError | undefined;
  readonly options: QgaClientOptions;
  readonly target: QgaTargetBinding | undefined;
  readonly validators: TargetValidators | undefined;
  readonly core: RequestCore;
}

/** The request for `name(args)`, or why not. May throw when reading the caller's values throws. */
export function prepareQgaCommand(
  session: QgaCommandContext,
  name: string,
  args: unknown,
  options: ExecuteOptions | undefined,
  typed: boolean,
): Request | Error {
  if (!session.open) {
    const reason = session.closeReason;
    return reason
      ? new QmpConnectionError(reason.reason, `${String(name)}: ${reason.message}`, { cause: reason })
      : new QmpConnectionError('closed', `${String(name)}: the guest agent connection is not open`);
  }
  if (typeof name !== 'string' || name.length === 0) {
    return new QmpUsageError(`${typed ? 'execute' : 'executeUntyped'}: the command name must be a non-empty string, got ${preview(name, 200)}`);
  }
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    return new QmpUsageError(`${name}: arguments must be an object or undefined, got ${preview(args, 200)}`);
  }
  const clientOptions = session.options;
  let timeoutMs = clientOptions.commandTimeoutMs;
  let validateArguments: boolean | undefined;
  let signal: AbortSignal | undefined;
  if (options !== undefined) {
    const problem = optionsProblem(options, executeOptionsShape);
    if (problem !== undefined) return new QmpUsageError(`${name}: ${problem}`);
    if (options.oob === true) return new QmpUsageError(`${name}: the guest agent has no out-of-band execution (it refuses 'exec-oob')`);
    timeoutMs = options.timeoutMs ?? timeoutMs;
    validateArguments = options.validateArguments;
    signal = options.signal;
  }
  if (timeoutMs !== undefined) {
    const timeoutProblem = timerDelayProblem('timeoutMs', timeoutMs);
    if (timeoutProblem !== undefined) return new QmpUsageError(`${name}: ${timeoutProblem}`);
  }
  const target = session.target;
  const validators = typed ? session.validators : undefined;
  const validate = validators !== undefined && (validateArguments ?? clientOptions.validateArguments ?? true);
  const wire = wireArguments(args, validate || clientOptions.trace !== undefined);
  if (typeof wire === 'string') return new QmpUsageError(`${name}: ${wire}`);
  if (validate) {
    const result = validators.validateArguments(name, wire.value ?? {});
    if (!result.ok) {
      const known = target !== undefined && Object.hasOwn(target.commands, name);
      const issues = known
        ? result.errors
        : result.errors.map((i) =>
            i.path === '/execute'
              ? { path: i.path, message: `unknown command ${JSON.stringify(name)} in target ${target?.name ?? '(none)'}; to send it as is, use qga.executeUntyped(${JSON.stringify(name)}, args)` }
              : i,
          );
      return new QmpValidationError('arguments', name, issues);
    }
  }
  if (signal?.aborted) return new QmpAbortError(name, signal.reason);

  const id = session.core.nextId();
  let message: Record<string, unknown> | undefined;
  if (clientOptions.trace !== undefined) {
    message = { execute: name };
    if (wire.text !== undefined) message['arguments'] = wire.value ?? args;
    message['id'] = id;
  }
  const text = `{"execute":${JSON.stringify(name)}${wire.text === undefined ? '' : `,"arguments":${wire.text}`},"id":${id}}`;
  const checkReply =
    validators !== undefined && (clientOptions.validateReturns ?? false) && target !== undefined && Object.hasOwn(target.commands, name);
  return new Request(id, name, text, message, true, checkReply, true, timeoutMs, signal);
}
