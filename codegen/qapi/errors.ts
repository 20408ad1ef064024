/** Errors of the QAPI source reader. */

/** A QAPI file that is not valid QAPI JSON dialect (or breaks an include rule); names file, line and column. */
export class QapiSyntaxError extends Error {
  override readonly name = 'QapiSyntaxError';
  /** File as given to the reader (relative to the source root when read from a tree). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The problem without the place. */
  readonly reason: string;

  constructor(file: string, line: number, column: number, reason: string) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** A QAPI source that cannot be read at all (missing path, no `qapi-schema.json`, tar failure). */
export class QapiSourceError extends Error {
  override readonly name = 'QapiSourceError';
  /** The path the caller gave. */
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`${path}: ${message}`, options);
    this.path = path;
  }
}

/** True for a {@link QapiSyntaxError} (checks the name, so it works across duplicated package copies). */
export function isQapiSyntaxError(e: unknown): e is QapiSyntaxError {
  return e instanceof Error && e.name === 'QapiSyntaxError';
}

/** True for a {@link QapiSourceError}. */
export function isQapiSourceError(e: unknown): e is QapiSourceError {
  return e instanceof Error && e.name === 'QapiSourceError';
}
