/** `qmp … events [NAME…]`: prints events as they arrive until interrupted (SIGINT/SIGTERM) or the connection ends. */
import type { QmpClient } from '../runtime/index.js';
import { painter } from './colors.js';
import { CliError, exitCodes } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { formatEvent } from './format.js';
import type { LiveTools } from './run-command.js';

/**
 * Follows events (only `names` when given; each must be an event of this QEMU, else CliError 2).
 * Resolves 0 when interrupted, 2 when the connection ends.
 */
export async function followEvents(qmp: QmpClient, names: readonly string[], tools: LiveTools, json: boolean): Promise<ExitCode> {
  const known = new Set(tools.schema.events);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new CliError(`qmp: this QEMU (${tools.schema.target}) has no event ${unknown.join(', ')}`, exitCodes.usageOrConnection);
  const wanted = new Set(names);
  const paint = painter(process.stdout);
  const off = qmp.onAny((ev) => {
    if (wanted.size === 0 || wanted.has(ev.event)) process.stdout.write(`${formatEvent(ev, json, paint)}\n`);
  });
  let onSignal: () => void = () => {};
  const interrupted = new Promise<ExitCode>((resolve) => {
    onSignal = () => resolve(exitCodes.ok);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  let done = false;
  const ended = qmp.closed.then((reason) => {
    if (!done) process.stderr.write(`qmp: connection ended: ${reason.message}\n`);
    return exitCodes.usageOrConnection;
  });
  try {
    return await Promise.race([interrupted, ended]);
  } finally {
    done = true;
    off();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
