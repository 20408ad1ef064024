/**
 * Exit codes of `qmp` (documented in README.md, `qmp --help`):
 * - 0 success;
 * - 1 QEMU answered with an error (`QmpCommandError`), or a `--wait`ed job failed;
 * - 2 usage or connection: bad options, bad `key=value` words, no QEMU at the socket, the connection lost;
 * - 3 validation: the arguments do not fit the connected QEMU's schema (nothing was sent);
 * - 130 interrupted (SIGINT/Ctrl-C or SIGTERM) while a command or a `--wait` ran: the connection was
 *   closed and a `--launch`ed QEMU stopped; a job already started goes on in QEMU.
 */
export const exitCodes = {
  ok: 0,
  commandError: 1,
  usageOrConnection: 2,
  validation: 3,
  interrupted: 130,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** An error that ends `qmp` with a given exit code; the message goes to stderr. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
