/** Opening the connection an {@link Invocation} names: a unix socket, TCP, or a QEMU launched for the purpose. */
import { QmpClient, launchQemu } from '../runtime/index.js';
import { CliError, exitCodes } from './exit-codes.js';
import type { Connection } from './options.js';

/** A negotiated client and how to let it go (for `--launch`, stopping that QEMU too). */
export interface Session {
  qmp: QmpClient;
  close(): Promise<void>;
}

/** Connects (or launches); connection problems become {@link CliError} with exit code 2. */
export async function openSession(c: Connection): Promise<Session> {
  try {
    if (c.kind === 'launch') {
      const [binary, ...args] = c.argv;
      const vm = await launchQemu({ binary: binary!, args });
      return { qmp: vm.qmp, close: () => vm.close() };
    }
    const qmp = await QmpClient.connect(c.kind === 'unix' ? { path: c.path } : { host: c.host, port: c.port });
    return { qmp, close: () => qmp.close() };
  } catch (err) {
    const what = c.kind === 'launch' ? `cannot start ${c.argv.join(' ')}: ` : '';
    throw new CliError(`qmp: ${what}${(err as Error).message}`, exitCodes.usageOrConnection);
  }
}
