/** Opening the connection an {@link Invocation} names: a unix socket, TCP, a QEMU launched for the purpose, or a guest agent. */
import { QmpClient, launchQemu } from '../runtime/index.js';
import { QgaClient } from '../runtime/qga/index.js';
import type { ExecuteOptions } from '../runtime/index.js';
import { CliError, exitCodes } from './exit-codes.js';
import type { Connection } from './options.js';

/** A negotiated client and how to let it go (for `--launch`, stopping that QEMU too). */
export interface Session {
  /** For `--qga`, the guest agent behind the part of the QMP face the CLI uses (see {@link qgaAsQmp}). */
  qmp: QmpClient;
  /** Set for `--qga`: the guest agent client itself. */
  qga?: QgaClient;
  close(): Promise<void>;
}

/**
 * The guest agent seen through the part of `QmpClient` the one-shot mode and the shell use: `execute` (as
 * `executeUntyped`: the CLI validates against the agent's schema itself), `onAny` (the agent sends no events),
 * `isOpen`, `closed`. A cast, kept to this one place: the shell stays one shell for both dialects.
 */
function qgaAsQmp(qga: QgaClient): QmpClient {
  const face = {
    execute: (name: string, args?: Record<string, unknown>, options?: ExecuteOptions) =>
      qga.executeUntyped(name, args, options === undefined ? undefined : { ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }), ...(options.signal === undefined ? {} : { signal: options.signal }) }),
    onAny: () => () => {},
    get isOpen() {
      return qga.isOpen;
    },
    get closed() {
      return qga.closed;
    },
  };
  return face as unknown as QmpClient;
}

/** Connects (or launches); connection problems become {@link CliError} with exit code 2. */
export async function openSession(c: Connection): Promise<Session> {
  try {
    if (c.kind === 'launch') {
      const [binary, ...args] = c.argv;
      const vm = await launchQemu({ binary: binary!, args });
      return { qmp: vm.qmp, close: () => vm.close() };
    }
    if (c.kind === 'qga') {
      const qga = await QgaClient.connect({ path: c.path });
      return { qmp: qgaAsQmp(qga), qga, close: () => qga.close() };
    }
    const qmp = await QmpClient.connect(c.kind === 'unix' ? { path: c.path } : { host: c.host, port: c.port });
    return { qmp, close: () => qmp.close() };
  } catch (err) {
    const what = c.kind === 'launch' ? `cannot start ${c.argv.join(' ')}: ` : '';
    throw new CliError(`qmp: ${what}${(err as Error).message}`, exitCodes.usageOrConnection);
  }
}
