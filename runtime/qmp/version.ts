/**
 * Version awareness: a generated target knows the QEMU (major.minor) and architecture it was made
 * from; at connect the client compares them with the server's greeting (`QMP.version.qemu`, free: it
 * is the first message) and, where the launcher knows it, the binary's architecture.
 *
 * The greeting carries no architecture. `query-target` would cost a command and a round trip on
 * every connect, seen by every peer and test server, before the caller asked for anything; so the
 * architecture is compared only where it is known for free: `launchQemu` passes the one its binary's
 * name gives (`qemu-system-<arch>`). A caller who connects to a socket of unknown origin can ask
 * `query-target` itself.
 */
import { QmpVersionMismatchError } from '../errors.js';
import type { QmpGreeting } from './negotiation.js';
import type { TargetBinding } from '../target.js';

/**
 * What `connect()` does when the bound target was made for another QEMU than the server's:
 * - `'warn'` (default): connects, reports one {@link QmpVersionMismatchError} through `onError`
 *   (source `'version'`) and keeps it as `client.versionMismatch`;
 * - `'error'`: rejects with a `QmpNegotiationError` naming both versions, before any command other
 *   than the negotiation is sent (the mismatch is its `cause`);
 * - `'ignore'`: connects without a report; `client.versionMismatch` still says it.
 *
 * Under every policy, a validation error of a reply or event (`validateReturns`, `validateEvents`) on
 * a mismatched connection carries the mismatch and says in its message that the data may be valid
 * for the server's version; validation itself is unchanged (what was asked for is checked).
 */
export type VersionMismatchPolicy = 'warn' | 'error' | 'ignore';

/**
 * Internal connect option (a symbol, so it is no public option and no JSON): the server's
 * architecture when the caller knows it for free (the launcher, from the binary's name). @internal
 */
export const serverArchHint: unique symbol = Symbol('qmp-sdk.serverArch');

/** The architecture a QEMU binary's file name gives (`/usr/bin/qemu-system-x86_64` → `x86_64`), if it does. */
export function archOfBinary(binary: string): string | undefined {
  const m = /(?:^|\/)qemu-system-([A-Za-z0-9_]+)$/.exec(binary);
  return m?.[1];
}

/**
 * The mismatch between `target` and the server, or `undefined` when they agree (same major.minor,
 * and the same architecture where both are known) or the target records no version.
 */
export function findVersionMismatch(
  target: TargetBinding | undefined,
  greeting: QmpGreeting,
  serverArch: string | undefined,
): QmpVersionMismatchError | undefined {
  const tv = target?.qemu;
  if (target === undefined || tv === undefined) return undefined;
  const sv = greeting.QMP.version.qemu;
  const archDiffers = target.arch !== undefined && serverArch !== undefined && target.arch !== serverArch;
  if (tv.major === sv.major && tv.minor === sv.minor && !archDiffers) return undefined;
  return new QmpVersionMismatchError({
    target: target.name,
    targetVersion: { major: tv.major, minor: tv.minor, micro: tv.micro },
    serverVersion: { major: sv.major, minor: sv.minor, micro: sv.micro },
    serverPackage: greeting.QMP.version.package,
    targetArch: target.arch,
    serverArch,
  });
}
