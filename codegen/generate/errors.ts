/** Errors of the generator: bad schema input, name clashes. */

/** A schema the generator cannot turn into code; `where` names the file and JSON path. */
export class GenerateError extends Error {
  override readonly name = 'GenerateError';
  constructor(
    readonly where: string,
    detail: string,
  ) {
    super(`${where}: ${detail}`);
  }
}

/** Type guard that works across duplicated package copies (checks the name, not the prototype). */
export function isGenerateError(err: unknown): err is GenerateError {
  return err instanceof Error && err.name === 'GenerateError';
}
