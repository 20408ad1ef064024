/**
 * The `desc` QEMU gives for a refused `device_add` (QEMU 7.2 and 10.0 wording, measured), from an
 * issue of the table validator (`runtime/device-validation.ts`) whose messages name the rule and the
 * QOM type. The wording differs by how that QEMU reads values (JSON types vs. QemuOpts strings),
 * which the message tells apart too. Other issues fall back to {@link describeArgumentIssue}.
 */
import type { ValidationIssue } from '../runtime/target.js';
import { describeArgumentIssue, parameterName } from './argument-errors.js';

/** How QemuOpts turns a scalar into text (QEMU 7.2's `device_add`). */
function text(v: unknown): string {
  return typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v);
}

/** QEMU-like `desc` for one issue of `device_add`'s arguments. */
export function describeDeviceAddIssue(issue: ValidationIssue, args: unknown): string {
  const a = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
  const where = parameterName(issue.path);
  const msg = issue.message;
  if (where === 'driver') {
    if (/^is not a device model/.test(msg)) return `'${text(a['driver'])}' is not a valid device model name`;
    return "Parameter 'driver' is missing";
  }
  if (msg === 'is not a known member') return `Property '${text(a['driver'])}.${where}' not found`;
  let m = /^must be an integer from \S+ to \S+ \(QOM type (u?int\d+)\)/.exec(msg);
  if (m) return `Parameter '${where}' expects ${m[1]}_t`;
  if (/^must be boolean or one of/.test(msg)) return `Parameter '${where}' expects 'on' or 'off'`;
  if (/^must be integer or a string holding one/.test(msg)) return `Parameter '${where}' expects integer`;
  m = /^must be integer \(QOM type (\S+)\)/.exec(msg);
  if (m) return /^(uint|size|busnr)/.test(m[1] as string) ? `Parameter '${where}' expects uint64` : `Invalid parameter type for '${where}', expected: integer`;
  m = /^must be (boolean|string) \(QOM type/.exec(msg);
  if (m) return `Invalid parameter type for '${where}', expected: ${m[1]}`;
  if (/^must be one of/.test(msg)) return `Parameter '${where}' does not accept value '${text(a[where])}'`;
  return describeArgumentIssue(issue, args);
}
