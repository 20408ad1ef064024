/** The greeting the test server sends. */
import type { TargetBinding } from '../runtime/target.js';

/** `{major, minor, micro}` of a QEMU version. */
export interface QemuVersionTriple {
  major: number;
  minor: number;
  micro: number;
}

/** Greeting option: a whole greeting sent verbatim, or the version to announce. */
export type QmpGreetingOption =
  | { readonly QMP: { readonly version: unknown; readonly capabilities: readonly string[] } & Record<string, unknown> }
  | { readonly qemu?: QemuVersionTriple; readonly package?: string };

/** The target's QEMU version (`target.qemu`), else the one its name announces (`qemu-10.0-x86_64` → 10.0.0), or 10.0.0. */
export function versionOfTarget(target: TargetBinding | undefined): QemuVersionTriple {
  if (target?.qemu) return { major: target.qemu.major, minor: target.qemu.minor, micro: target.qemu.micro };
  const m = target ? /^qemu-(\d+)\.(\d+)(?:\.(\d+))?-/.exec(target.name) : null;
  if (!m) return { major: 10, minor: 0, micro: 0 };
  return { major: Number(m[1]), minor: Number(m[2]), micro: Number(m[3] ?? 0) };
}

/**
 * Builds the greeting and the capabilities `qmp_capabilities` accepts: the `capabilities` option, else
 * those the greeting announces (a verbatim greeting is sent as given, whatever `capabilities` says).
 */
export function buildGreeting(
  option: QmpGreetingOption | undefined,
  capabilities: readonly string[] | undefined,
  target: TargetBinding | undefined,
): { greeting: Record<string, unknown>; offered: readonly string[] } {
  if (option && 'QMP' in option) {
    // Sent verbatim, even when it announces what the server then refuses (a hostile-peer case).
    return { greeting: option as Record<string, unknown>, offered: capabilities ?? option.QMP.capabilities };
  }
  const offered = capabilities ?? ['oob'];
  const qemu = option?.qemu ?? versionOfTarget(target);
  return {
    greeting: { QMP: { version: { qemu, package: option?.package ?? 'qmp-sdk test server' }, capabilities: [...offered] } },
    offered,
  };
}
