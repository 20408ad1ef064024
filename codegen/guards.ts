/** Type guards shared by the importer, the generator and the diff. */

/**
 * `true` for a plain JSON object (not `null`, not an array). `T` is what its members are already
 * known to be (e.g. `LosslessJson` for a value of that type); by default they are `unknown`.
 */
export function isRecord<T = unknown>(v: unknown): v is Record<string, T> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
