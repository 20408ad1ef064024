/**
 * The hint given when a command is not in the bound target: `execute` validates arguments against
 * the target and refuses a name it does not know; `executeUntyped` sends any command as is.
 */
import type { TargetBinding, ValidationIssue } from '../target.js';

/** The validator's issues for an unknown command, with the way out named: `executeUntyped()`. */
export function untypedHint(issues: readonly ValidationIssue[], name: string, target: TargetBinding | undefined): ValidationIssue[] {
  const where = target === undefined ? 'the bound target' : `target ${target.name}`;
  return issues.map((i) =>
    i.path === '/execute'
      ? {
          path: i.path,
          message: `unknown command ${JSON.stringify(name)} in ${where}; to send it as is (a command of another QEMU version, a vendor command), use qmp.executeUntyped(${JSON.stringify(name)}, args)`,
        }
      : i,
  );
}
