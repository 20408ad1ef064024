/**
 * Errors of the test server: what a handler throws to answer an error, what a test gets when the
 * server saw something wrong (a handler's bad return value, a departure from a recording), and
 * what a wrong use of the server itself throws.
 */
import type { ValidationIssue } from '../runtime/target.js';

/**
 * Thrown by a command handler to answer the command with an error reply
 * (`{"error": {"class": errorClass, "desc": desc}, "id": …}`), as QEMU does.
 */
export class QmpServerError extends Error {
  override readonly name = 'QmpServerError' as const;
  /** `error.class` of the reply, e.g. `'GenericError'`, `'DeviceNotFound'`. */
  readonly errorClass: string;
  /** `error.desc` of the reply. */
  readonly desc: string;
  constructor(errorClass: string, desc: string) {
    super(`${errorClass}: ${desc}`);
    this.errorClass = errorClass;
    this.desc = desc;
  }
}

/** What kind of problem a {@link QmpTestFailure} records. */
export type QmpTestFailureKind =
  /** A handler returned a value that does not match the command's return schema. */
  | 'return'
  /** A handler threw something other than a {@link QmpServerError}. */
  | 'handler'
  /** The client departed from the recording being replayed. */
  | 'replay';

/** One problem the server saw that must fail the user's test. */
export interface QmpTestFailure {
  readonly kind: QmpTestFailureKind;
  /** Index of the connection (0-based, in accept order). */
  readonly connection: number;
  /** Wire name of the command concerned. */
  readonly command: string;
  /** One line naming the command and the path. */
  readonly message: string;
  /** Validator issues, for `kind: 'return'`. */
  readonly issues?: readonly ValidationIssue[];
}

/** Thrown by `server.close()` / `server.assertNoFailures()` when the server recorded failures; lists them all. */
export class QmpTestServerFailuresError extends Error {
  override readonly name = 'QmpTestServerFailuresError' as const;
  readonly failures: readonly QmpTestFailure[];
  constructor(failures: readonly QmpTestFailure[]) {
    const lines = failures.map((f, i) => `  ${i + 1}. [connection ${f.connection}] ${f.message}`);
    super(`QMP test server recorded ${failures.length} failure(s):\n${lines.join('\n')}`);
    this.failures = failures;
  }
}

/** The test server was used wrongly (unknown event, bad event data, handler for an unknown command…). */
export class QmpTestServerUsageError extends Error {
  override readonly name = 'QmpTestServerUsageError' as const;
}
