/**
 * The `commands` object of a typed client face: one method per command of the bound target, named
 * by the target (`query-status` → `queryStatus`), each calling the face's session with the command's
 * wire name. Built once per client; empty without a target.
 */
import type { ExecuteOptions, TargetBinding } from './target.js';

/** `{ [method]: (args?, options?) => call(wireName, args, options) }` for every command of `target`. */
export function commandMethods(
  target: TargetBinding | undefined,
  call: (wire: string, args: unknown, options: ExecuteOptions | undefined) => Promise<unknown>,
): Record<string, unknown> {
  const commands: Record<string, unknown> = {};
  if (target) {
    for (const [wire, info] of Object.entries(target.commands)) {
      Object.defineProperty(commands, info.method, {
        value: (args?: unknown, opts?: ExecuteOptions) => call(wire, args, opts),
        enumerable: true,
      });
    }
  }
  return commands;
}
