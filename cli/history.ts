/**
 * The shell's history file: one line per entry, oldest first (like bash). Read at start, rewritten
 * whole (to a temporary file beside it, then renamed) after each new line, so a crash never leaves it
 * half-written. Default: `$XDG_STATE_HOME/qmp-sdk/history`, else `~/.local/state/qmp-sdk/history`.
 *
 * Only a regular file is read, and only its last {@link historyTailBytes} bytes: a folder, a FIFO or a
 * device (`/dev/zero`) given as `--history` is a {@link CliError} (exit code 2) naming the file, never
 * a hang or a stack trace, and a file of gigabytes costs one small read. `/dev/null` keeps no history
 * (as with bash's `HISTFILE`); a save never renames over anything but a regular file or a symlink.
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, exitCodes } from './exit-codes.js';

/** Entries kept. */
export const historySize = 1000;

/** The history file that keeps nothing: neither read nor written. */
export const noHistoryFile = '/dev/null';

/** Bytes read from the end of the history file (a thousand lines of up to 4 KiB each). */
export const historyTailBytes = 4 * 1024 * 1024;

export function defaultHistoryFile(): string {
  const state = process.env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state');
  return join(state, 'qmp-sdk', 'history');
}

function historyError(file: string, why: string): CliError {
  return new CliError(`qmp: history file ${file}: ${why} (give another with --history FILE)`, exitCodes.usageOrConnection);
}

/**
 * The saved entries, newest first (readline's order); none when the file does not exist yet.
 * Throws {@link CliError} when `file` is not a readable regular file.
 */
export function loadHistory(file: string): string[] {
  if (file === noHistoryFile) return [];
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO nobody writes to returns at once instead of waiting for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw historyError(file, `cannot be read: ${(err as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw historyError(file, 'is not a regular file');
    const length = Math.min(st.size, historyTailBytes);
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, st.size - length + got);
      if (n === 0) break;
      got += n;
    }
    let lines = buf.subarray(0, got).toString('utf8').split('\n');
    // Started in the middle of the file: the first line is a piece of one.
    if (st.size > length) lines = lines.slice(1);
    return lines.filter((l) => l !== '').slice(-historySize).reverse();
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw historyError(file, `cannot be read: ${(err as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `entries` (newest first) to `file`, creating its folder if needed. On failure the
 * temporary file is removed and the error thrown: nothing is left beside `file`.
 */
export function saveHistory(file: string, entries: readonly string[]): void {
  if (file === noHistoryFile) return;
  mkdirSync(dirname(file), { recursive: true });
  let existing;
  try {
    existing = lstatSync(file);
  } catch {
    // not there yet
  }
  // The rename would replace a device, FIFO or folder (as root, even /dev/zero) with the history.
  if (existing !== undefined && !existing.isFile() && !existing.isSymbolicLink()) throw new Error(`${file} is not a regular file`);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, entries.slice(0, historySize).reverse().map((l) => `${l}\n`).join(''), { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') rmSync(tmp, { force: true });
    throw err;
  }
}
