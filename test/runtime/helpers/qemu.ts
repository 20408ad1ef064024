/** Launching the real test QEMUs (fails, never skips, when missing). */
import { existsSync } from 'node:fs';
import { findQemu, type QemuVersion } from '../../../scripts/qemus.js';
import { launchQemu, type ClientClass, type ClientOptions, type LaunchedQemu, type QmpClient } from '../../../runtime/index.js';
import { QmpClient as Qemu72Client } from '../../../generated/qemu-7.2-x86_64/index.js';
import { QmpClient as Qemu100Client } from '../../../generated/qemu-10.0-x86_64/index.js';

/** The arguments every test QEMU runs with. */
export const QEMU_ARGS = ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'] as const;

/** Every check on: arguments (the default with a target), replies and events against the target's schema. */
export const ALL_CHECKS: ClientOptions = { validateReturns: true, validateEvents: true };

/**
 * Starts QEMU `version` with the launcher, connected by the client class generated for that very QEMU
 * (so every reply and event of the real-QEMU runtime tests is also checked against its schema). Typed
 * as the loose runtime client: these tests also send what the typed target would not allow.
 */
export function launch(version: QemuVersion, qmp?: ClientOptions, extraArgs: readonly string[] = []): Promise<LaunchedQemu<QmpClient>> {
  const q = findQemu(version);
  const client = (version === '7.2' ? Qemu72Client : Qemu100Client) as unknown as ClientClass<QmpClient>;
  return launchQemu({ binary: q.binary, env: q.env, args: [...QEMU_ARGS, ...extraArgs], client, qmp: { ...ALL_CHECKS, ...qmp } });
}

/** True while a process with this pid exists (zombies of our own children are reaped by Node). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when nothing of a launched QEMU is left: no process, no temp folder. */
export function leftNothing(vm: LaunchedQemu<unknown>): boolean {
  return !alive(vm.pid) && !existsSync(vm.tempDir);
}
