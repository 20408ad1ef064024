/**
 * Drops what Ajv's standalone output carries but nothing reads (measured on qemu-10.0-x86_64):
 * - 1,025 of 1,199 `const schemaN = {…}` source copies that nothing references (279 KB) and one
 *   `sourceURL` comment per function (80 KB): both serve only Ajv's run-time compilation;
 * - the `schemaPath` of every error object (6,794 of them, 251 KB): `runtime/validation.ts` builds
 *   its issues from `instancePath`, `keyword` and `params` only. Without it the validators bundled
 *   for a browser shrink from 1,939 KB to 1,694 KB minified (140 → 130 KB gzipped).
 */

/** Ajv's per-function `sourceURL` comment statement, alone on its line (`code.lines: true`). */
const sourceUrlLine = /^\/\*# sourceURL="[^"\n]*" \*\/;\n/gm;
/** A schema copy: Ajv writes each as `const schemaN = <JSON>;` on one line. */
const schemaLine = /^const (schema\d+) = [^\n]*;\n/gm;

/** An error object's `schemaPath` member, as Ajv writes it: between `instancePath` and `keyword`. */
const schemaPathMember = /,schemaPath:"(?:[^"\\\n]|\\.)*"(?=,keyword:)/g;

/** Removes the `sourceURL` comments, every `const schemaN` that nothing else names, and the errors' `schemaPath`. */
export function pruneAjvOutput(code: string): string {
  const uses = new Map<string, number>();
  for (const m of code.matchAll(/\bschema\d+\b/g)) uses.set(m[0], (uses.get(m[0]) ?? 0) + 1);
  return code
    .replace(sourceUrlLine, '')
    .replace(schemaLine, (line, name: string) => (uses.get(name) === 1 ? '' : line))
    .replace(schemaPathMember, '');
}
