/**
 * The shell's history file: one line per entry, oldest first (like bash). Read at start, rewritten
 * whole (to a temporary file beside it, then renamed) after each new line, so a crash never leaves it
 * half-written. Default: `$XDG_STATE_HOME/qmp-sdk/history`, else `~/.local/state/qmp-sdk/history`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Entries kept. */
export const historySize = 1000;

export function defaultHistoryFile(): string {
  const state = process.env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state');
  return join(state, 'qmp-sdk', 'history');
}

/** The saved entries, newest first (readline's order); none when the file does not exist yet. */
export function loadHistory(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text.split('\n').filter((l) => l !== '').slice(-historySize).reverse();
}

/** Writes `entries` (newest first) to `file`, creating its folder if needed. */
export function saveHistory(file: string, entries: readonly string[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, entries.slice(0, historySize).reverse().map((l) => `${l}\n`).join(''), { mode: 0o600 });
  renameSync(tmp, file);
}
