/**
 * Type guards shared by every runtime layer (one copy, not one per module).
 */

/** A plain object or class instance: not `null`, not an array. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
