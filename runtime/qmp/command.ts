/**
 * One QMP command, checked and serialised before it reaches the request core (the common checks:
 * `../command-request.ts`): the session is ready, out-of-band execution is allowed (the `oob`
 * capability was enabled and the command has `allow-oob`), and an unknown command's hint names
 * `qmp.executeUntyped()`.
 */
import type { ExecuteOptions, TargetBinding } from '../target.js';
import { QmpUsageError } from '../errors.js';
import { prepareRequest, type CommandDialect, type CommandRequestContext } from '../command-request.js';
import { Request } from '../core/request-core.js';
import { untypedHint } from './untyped.js';
import type { ClientOptions } from './client-types.js';

/** What a command's checks read of its session (`QmpSession` is one). */
export interface CommandContext extends CommandRequestContext {
  readonly phase: string;
  readonly options: ClientOptions;
  readonly oobEnabled: boolean;
  readonly offeredCapabilities: readonly string[];
  readonly target: TargetBinding | undefined;
}

const qmpDialect: CommandDialect<CommandContext, Request> = {
  notOpen: 'the QMP connection is not open',
  oob: {
    check(session, name) {
      if (!session.oobEnabled) {
        return new QmpUsageError(
          `${name}: out-of-band execution needs the 'oob' capability, which was not enabled (connect with capabilities: { enable: ['oob'] }; the server offers: ${session.offeredCapabilities.join(', ') || 'none'})`,
        );
      }
      const target = session.target;
      const info = target?.commands[name];
      if (target && !(info && Object.hasOwn(target.commands, name) && info.allowOob)) {
        return new QmpUsageError(`${name}: the command does not allow out-of-band execution ("allow-oob" is not set in target ${target.name})`);
      }
      return undefined;
    },
  },
  unknownCommand: untypedHint,
  request: (id, name, text, message, inBand, checkReply, timeoutMs, signal) => new Request(id, name, text, message, inBand, checkReply, true, timeoutMs, signal),
};

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
  return prepareRequest(session, session.phase === 'ready', name, args, options, typed, qmpDialect);
}
