/**
 * Turns validator issues about a command's arguments into the `desc` QEMU would send
 * (QEMU 7.2/10.0 wording: "Parameter 'x' is missing", "Parameter 'x' is unexpected",
 * "Invalid parameter type for 'x', expected: string", "Parameter 'x' does not accept value 'y'").
 * Issues it cannot recognise keep the validator's own words after the parameter's name.
 */
import type { ValidationIssue } from '../runtime/target.js';

/** `/arguments/file/filename` or `/file/filename` → `file.filename`; list items as `name[0]`. */
export function parameterName(path: string): string {
  const parts = path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts[0] === 'arguments') parts.shift();
  let name = '';
  for (const p of parts) {
    if (/^\d+$/.test(p) && name !== '') name += `[${p}]`;
    else name += name === '' ? p : `.${p}`;
  }
  return name;
}

function valueAt(args: unknown, path: string): unknown {
  let cur = args;
  const parts = path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts[0] === 'arguments') parts.shift();
  for (const p of parts) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

const join = (a: string, b: string): string => (a === '' ? b : `${a}.${b}`);
const typeWords: Record<string, string> = {
  string: 'string',
  integer: 'integer',
  number: 'number',
  boolean: 'boolean',
  object: 'object',
  array: 'array',
  null: 'null',
};

/**
 * The issue QEMU would report: the deepest one (an alternate or union whose branches all fail
 * gives one issue per branch plus a summary; the deepest names the member QEMU names).
 */
export function pickArgumentIssue(issues: readonly ValidationIssue[]): ValidationIssue | undefined {
  let best: ValidationIssue | undefined;
  let depth = -1;
  for (const i of issues) {
    const d = i.path.split('/').length;
    if (d > depth) {
      best = i;
      depth = d;
    }
  }
  return best;
}

/** QEMU-like `desc` for one issue of a command's arguments (QEMU reports one problem per reply). */
export function describeArgumentIssue(issue: ValidationIssue, args: unknown): string {
  const where = parameterName(issue.path);
  const msg = issue.message;
  if (/^is required$/.test(msg)) return `Parameter '${where}' is missing`;
  if (/^is not a known member$/.test(msg)) return `Parameter '${where}' is unexpected`;
  let m = /required property '([^']+)'/.exec(msg);
  if (m) return `Parameter '${join(where, m[1]!)}' is missing`;
  m = /additional propert(?:y|ies)(?:[^']*'([^']+)')?/i.exec(msg);
  if (m) {
    if (m[1] !== undefined) return `Parameter '${join(where, m[1])}' is unexpected`;
    return `Parameter '${where}' is unexpected`;
  }
  // x-int (exact integers): QEMU reports any non-integer or out-of-64-bit-range value as a type error
  if (/^must be an integer from /.test(msg)) return `Invalid parameter type for '${where}', expected: integer`;
  m = /^must be (string|integer|number|boolean|object|array|null)\b/.exec(msg);
  if (m) return `Invalid parameter type for '${where}', expected: ${typeWords[m[1]!]}`;
  if (/allowed values|must be one of|must be equal to constant|^must be "|unknown value|discriminator|union tag/i.test(msg)) {
    const v = valueAt(args, issue.path);
    if (typeof v === 'string') return `Parameter '${where}' does not accept value '${v}'`;
  }
  return where === '' ? `Invalid arguments: ${msg}` : `Parameter '${where}' ${msg}`;
}
