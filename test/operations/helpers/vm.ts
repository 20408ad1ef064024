/**
 * Small real VMs for the operation tests: TCG, `-nodefaults -display none -S -m 64`, no guest
 * (the CPU never runs), with the client generated for that very QEMU and every schema check on.
 * Typed as the loose client so one test body serves both versions.
 */
import { findQemu, type QemuVersion } from '../../../scripts/qemus.js';
import { launchQemu, type ClientClass, type ClientOptions, type LaunchedQemu, type QmpClient } from '../../../runtime/index.js';
import { QmpClient as Qemu72Client } from '../../../generated/qemu-7.2-x86_64/index.js';
import { QmpClient as Qemu100Client } from '../../../generated/qemu-10.0-x86_64/index.js';
import { ALL_CHECKS } from '../../runtime/helpers/qemu.js';

/** Starts QEMU `version` with machine `machine` (`none` is enough for block jobs) and `extra` arguments. */
export function vm(version: QemuVersion, machine: 'none' | 'pc' | 'q35', extra: readonly string[] = [], qmp?: ClientOptions): Promise<LaunchedQemu<QmpClient>> {
  const q = findQemu(version);
  const client = (version === '7.2' ? Qemu72Client : Qemu100Client) as unknown as ClientClass<QmpClient>;
  const args = ['-machine', `${machine},accel=tcg`, '-nodefaults', '-display', 'none', '-S', ...(machine === 'none' ? [] : ['-m', '64']), ...extra];
  return launchQemu({ binary: q.binary, env: q.env, args, client, qmp: { ...ALL_CHECKS, ...qmp } });
}
