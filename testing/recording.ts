/**
 * Recording of a QMP conversation as JSON Lines, one `{"dir": "in" | "out", "msg": …}` per line
 * ("in" = what the client received, "out" = what it sent). Built on the client option `trace`.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { QmpTestServerUsageError } from './errors.js';
import { parseJson } from '../runtime/json-parse.js'; // lossless integers
import { stringifyJson } from '../runtime/json-stringify.js'; // lossless integers

/** One recorded message, from the client's point of view. */
export interface RecordedMessage {
  readonly dir: 'in' | 'out';
  readonly msg: unknown;
}

/** Records a conversation: pass `recorder.trace` as the client's `trace` option. */
export interface ConversationRecorder {
  /** The client option: `QmpClient.connect({ ..., trace: recorder.trace })`. */
  readonly trace: (direction: 'in' | 'out', message: unknown) => void;
  /** Everything recorded so far. */
  readonly messages: readonly RecordedMessage[];
  /** The recording as JSON Lines text. */
  toJsonLines(): string;
  /** Writes the recording to a file as JSON Lines (replacing it). */
  save(path: string): void;
  /** Stops recording (e.g. before a launcher's `close()` sends `quit`). */
  stop(): void;
}

/**
 * Starts a recording. With `path`, the file is created at once and every message is appended as
 * it happens (synchronously), so the file is complete even when the test fails half-way.
 */
export function recordConversation(options: { path?: string } = {}): ConversationRecorder {
  const messages: RecordedMessage[] = [];
  const { path } = options;
  if (path !== undefined) writeFileSync(path, '');
  let stopped = false;
  return {
    trace(direction, message) {
      if (stopped) return;
      // A deep copy: the client may hand the same object to the user, who may change it.
      const entry: RecordedMessage = { dir: direction, msg: parseJson(stringifyJson(message) as string) };
      messages.push(entry);
      if (path !== undefined) appendFileSync(path, `${stringifyJson(entry) as string}\n`);
    },
    messages,
    toJsonLines: () => messages.map((m) => `${stringifyJson(m) as string}\n`).join(''),
    save(target) {
      writeFileSync(target, messages.map((m) => `${stringifyJson(m) as string}\n`).join(''));
    },
    stop() {
      stopped = true;
    },
  };
}

/** Parses JSON Lines text into recorded messages; a bad line throws naming its number. */
export function parseRecording(text: string): RecordedMessage[] {
  const out: RecordedMessage[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = parseJson(line);
    } catch (e) {
      throw new QmpTestServerUsageError(`recording line ${i + 1}: not JSON (${(e as Error).message})`);
    }
    const r = v as { dir?: unknown; msg?: unknown };
    if (typeof v !== 'object' || v === null || (r.dir !== 'in' && r.dir !== 'out') || !('msg' in r)) {
      throw new QmpTestServerUsageError(`recording line ${i + 1}: expected {"dir": "in" | "out", "msg": …}`);
    }
    out.push({ dir: r.dir, msg: r.msg });
  });
  return out;
}

/** Reads a JSON Lines recording file. */
export function loadRecording(path: string): RecordedMessage[] {
  return parseRecording(readFileSync(path, 'utf8'));
}
