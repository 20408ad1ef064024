/**
 * One guest agent command, checked and serialised before it reaches the request core (the common
 * checks: `../command-request.ts`): the session is open; the agent refuses `exec-oob`, so the `oob`
 * option is refused here; an unknown command's hint names `qga.executeUntyped()`.
 */
import type { ExecuteOptions } from '../target.js';
import { prepareRequest, type CommandDialect, type CommandRequestContext } from '../command-request.js';
import { Request } from '../core/request-core.js';
import type { QgaClientOptions, QgaTargetBinding } from './types.js';

/** What a command's checks read of its session. */
export interface QgaCommandContext extends CommandRequestContext {
  readonly open: boolean;
  readonly options: QgaClientOptions;
  readonly target: QgaTargetBinding | undefined;
}

const qgaDialect: CommandDialect<QgaCommandContext, Request> = {
  notOpen: 'the guest agent connection is not open',
  oob: { refuse: "the guest agent has no out-of-band execution (it refuses 'exec-oob')" },
  unknownCommand: (issues, name, target) =>
    issues.map((i) =>
      i.path === '/execute'
        ? { path: i.path, message: `unknown command ${JSON.stringify(name)} in target ${target?.name ?? '(none)'}; to send it as is, use qga.executeUntyped(${JSON.stringify(name)}, args)` }
        : i,
    ),
  request: (id, name, text, message, inBand, checkReply, timeoutMs, signal) => new Request(id, name, text, message, inBand, checkReply, true, timeoutMs, signal),
};

/** The request for `name(args)`, or why not. May throw when reading the caller's values throws. */
export function prepareQgaCommand(
  session: QgaCommandContext,
  name: string,
  args: unknown,
  options: ExecuteOptions | undefined,
  typed: boolean,
): Request | Error {
  return prepareRequest(session, session.open, name, args, options, typed, qgaDialect);
}
