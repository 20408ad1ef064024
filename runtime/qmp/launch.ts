/**
 * `launchQemu`: the launcher (`launcher.ts`) joined to the client layer through its seam, with the
 * runtime's `QmpClient` as the default class.
 */
import { QmpClient, launchConnector } from './client.js';
import type { ClientClass } from './client-types.js';
import { launchWith, type LaunchConnector, type LaunchOptions, type LaunchedQemu } from './launcher.js';

/**
 * Starts QEMU with `-qmp unix:<fresh temp dir>/qmp.sock,server=on,wait=off` plus `args`, waits until
 * it accepts on the socket (retrying while the socket is missing or refuses), negotiates, and
 * returns the process with its client (an instance of `options.client`, default {@link QmpClient}).
 * Rejects with a `QmpLaunchError` carrying QEMU's stderr when it exits during start-up or does not
 * accept in time; nothing is left behind then.
 */
export function launchQemu<T extends QmpClient<any, any, any> = QmpClient>(options: LaunchOptions<T>): Promise<LaunchedQemu<T>> {
  return launchWith<T>(options, launchConnector as unknown as LaunchConnector<T>, QmpClient as unknown as ClientClass<T>);
}
