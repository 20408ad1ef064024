/** Reading introspection from a live QEMU: a QMP socket, or a binary started for the purpose (through the runtime). */
import { QmpClient, launchQemu } from '../../runtime/index.js';
import { fetchDevices } from './devices.js';
import { ImportError } from './errors.js';
import type { Fetched } from './fetched.js';

/** Arguments a QEMU is started with for an import: no machine, no devices, no display, stopped. */
export const importQemuArgs: readonly string[] = ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'];

async function ask(qmp: QmpClient, from: Fetched['from']): Promise<Fetched> {
  const schema = await qmp.execute('query-qmp-schema');
  const version = await qmp.execute('query-version');
  const target = await qmp.execute('query-target');
  return { schema, version, target, from };
}

/** Connects to a QMP socket, asks `query-qmp-schema`, `query-version`, `query-target`, and disconnects. */
export async function fetchFromSocket(path: string): Promise<Fetched> {
  let qmp: QmpClient;
  try {
    qmp = await QmpClient.connect({ path });
  } catch (err) {
    throw new ImportError(`cannot connect: ${(err as Error).message}`, `QMP socket ${path}`, { cause: err });
  }
  try {
    return await ask(qmp, 'socket');
  } finally {
    await qmp.close();
  }
}

/**
 * Starts `binary` with {@link importQemuArgs} (+ `args`), asks it as {@link fetchFromSocket} does, and
 * stops it. With `devices` (default `true`) the device models are read at the same time from a second
 * QEMU of the same binary ({@link fetchDevices}, which survives models that kill QEMU).
 */
export async function fetchFromQemu(
  binary: string,
  opts: { env?: Record<string, string> | undefined; args?: readonly string[] | undefined; devices?: boolean | undefined } = {},
): Promise<Fetched> {
  const args = [...importQemuArgs, ...(opts.args ?? [])];
  if (opts.devices === false) return fetchSchema(binary, args, opts.env);
  const [fetched, devices] = await Promise.allSettled([fetchSchema(binary, args, opts.env), fetchDevices(binary, args, opts.env)]);
  if (fetched.status === 'rejected') throw fetched.reason;
  if (devices.status === 'rejected') throw devices.reason;
  return { ...fetched.value, devices: devices.value };
}

async function fetchSchema(binary: string, args: readonly string[], env: Record<string, string> | undefined): Promise<Fetched> {
  let q: Awaited<ReturnType<typeof launchQemu>>;
  try {
    q = await launchQemu({ binary, args, env: env ?? {} });
  } catch (err) {
    throw new ImportError(`cannot start QEMU: ${(err as Error).message}`, binary, { cause: err });
  }
  try {
    return await ask(q.qmp, 'binary');
  } finally {
    await q.close();
  }
}
