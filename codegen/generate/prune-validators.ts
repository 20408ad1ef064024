/**
 * Drops what Ajv's standalone output carries but a module never uses (measured on qemu-10.0-x86_64:
 * 1,025 of 1,199 `const schemaN = {…}` source copies are referenced by nothing, 279 KB, and one
 * `sourceURL` comment per function, 80 KB — together 11 % of the validator file). Both are only
 * there for Ajv's run-time compilation (`validate.schema`, stack traces of `eval`ed code).
 */

/** Ajv's per-function `sourceURL` comment statement, alone on its line (`code.lines: true`). */
const sourceUrlLine = /^\/\*# sourceURL="[^"\n]*" \*\/;\n/gm;
/** A schema copy: Ajv writes each as `const schemaN = <JSON>;` on one line. */
const schemaLine = /^const (schema\d+) = [^\n]*;\n/gm;

/** Removes the `sourceURL` comments and every `const schemaN` that nothing else names. */
export function pruneAjvOutput(code: string): string {
  const uses = new Map<string, number>();
  for (const m of code.matchAll(/\bschema\d+\b/g)) uses.set(m[0], (uses.get(m[0]) ?? 0) + 1);
  return code.replace(sourceUrlLine, '').replace(schemaLine, (line, name: string) => (uses.get(name) === 1 ? '' : line));
}
