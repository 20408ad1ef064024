/** Errors of the schema diff and of feature probing over a schema folder. */

/** A source (folder, binary, socket) that cannot be read, or a schema folder the model cannot be read from; names the place. */
export class DiffError extends Error {
  override readonly name = 'DiffError' as const;
  /** The source, file or definition at fault, e.g. `schema/x/types.json#/definitions/Foo`. */
  readonly place: string;
  constructor(message: string, place: string, options?: { cause?: unknown }) {
    super(`${place}: ${message}`, options);
    this.place = place;
  }
}

/** True for a {@link DiffError} (checks the name, so it works across duplicated package copies). */
export function isDiffError(err: unknown): err is DiffError {
  return err instanceof Error && err.name === 'DiffError';
}
