/** The one PascalCase rule of codegen/: the importer's path-derived type names and the generator's made-up names use it. */

/**
 * PascalCase of a wire name: split at every character that is not a letter or digit and where a
 * lower-case letter or digit is followed by a capital, each word capitalised (an all-capital word
 * is lower-cased after its first letter: `BLOCK_JOB` → `BlockJob`, `noTSX` → `NoTsx`; `IOThread`
 * stays). A name without letters or digits gives `_` and the code points (`-` → `_2d`).
 */
export function pascalCase(wire: string): string {
  const words = wire
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
  const out = words
    .map((w) => (w === w.toUpperCase() ? w.charAt(0) + w.slice(1).toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
  if (out !== '') return out;
  return '_' + [...wire].map((c) => (c.codePointAt(0) ?? 0).toString(16)).join('_');
}
