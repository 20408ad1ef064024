/** Errors of the introspection importer. */

/** Bad input to the importer (introspection, QAPI source, options); names the entry or place at fault. */
export class ImportError extends Error {
  override readonly name = 'ImportError' as const;
  /** The introspection entry (or other place) at fault, when there is one, e.g. `entry #12 "query-status" (command)`. */
  readonly place: string | undefined;
  constructor(message: string, place?: string, options?: { cause?: unknown }) {
    super(place === undefined ? message : `${place}: ${message}`, options);
    this.place = place;
  }
}

/** True for an {@link ImportError} (checks the name, so it works across duplicated package copies). */
export function isImportError(err: unknown): err is ImportError {
  return err instanceof Error && err.name === 'ImportError';
}
