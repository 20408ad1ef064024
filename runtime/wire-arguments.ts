/**
 * A command's arguments as they go on the wire. The caller's object is serialised once; the bytes
 * sent are that text, and what the validator checks is the text parsed back, so the validated view
 * is exactly what is sent. A plain-JavaScript caller can otherwise make the two differ: an
 * inherited `toJSON` (validation sees the object, JSON sees what `toJSON` returns), inherited
 * enumerable members (seen by a validator reading `obj.member`, not sent), getters that answer
 * differently on each read, or a Proxy. Getters and Proxy traps run only inside `JSON.stringify`
 * here, so one that throws becomes a rejection of the call.
 *
 * Plain data (object literals of strings, numbers, booleans, arrays: nearly every call) is its own
 * JSON (runtime/plain-data.ts checks that, at about the cost of one validation) and is validated as
 * is; anything else is serialised and parsed back (about three validations). Calls without
 * arguments or with validation off check and parse nothing. Measured: bench/caller-input.ts.
 */

import { isOwnJson, ownJsonHadBigint, parseFaithfully } from './plain-data.js';
import { stringifyJson, stringifyPlainJson } from './json-stringify.js'; // lossless integers: bigint digit for digit

/** Serialised arguments: `text` is their JSON (absent for none); `value` is `text` parsed back when asked for. */
export interface WireArguments {
  readonly text: string | undefined;
  readonly value: Record<string, unknown> | undefined;
}

const NO_ARGUMENTS: WireArguments = Object.freeze({ text: undefined, value: undefined });

/**
 * Serialises `args` once. Returns the wire form, or a string saying why they cannot be sent
 * (JSON cannot carry them, `toJSON` made them something else than an object, a getter threw).
 * With `parse`, `value` is exactly what is sent: `args` itself when it is plain data, else a fresh
 * copy parsed from `text`.
 */
export function wireArguments(args: unknown, parse: boolean): WireArguments | string {
  if (args === undefined) return NO_ARGUMENTS;
  // Fast path: plain data is its own JSON, so the caller's object is what is sent (no parse).
  if (parse && isOwnJson(args)) return { text: ownJsonHadBigint() ? stringifyPlainJson(args) : JSON.stringify(args), value: args as Record<string, unknown> };
  let text: string | undefined;
  try {
    text = stringifyJson(args);
  } catch (e) {
    return `arguments cannot be sent as JSON: ${errorText(e)}`;
  }
  // `{` first: an object. A `toJSON` that returns an array, a string, `null` or nothing does not pass.
  if (text === undefined || text.charCodeAt(0) !== 0x7b) {
    return `arguments must serialise to a JSON object, but they serialise to ${text === undefined ? 'nothing' : text.length > 60 ? `${text.slice(0, 60)}…` : text} (a toJSON method?)`;
  }
  return { text, value: parse ? (parseFaithfully(text) as Record<string, unknown>) : undefined };
}

/** The message of anything thrown, without ever throwing itself. */
export function errorText(e: unknown): string {
  try {
    const m = (e as { message?: unknown } | null)?.message;
    return typeof m === 'string' ? m : String(e);
  } catch {
    return 'an exception that cannot be described';
  }
}
