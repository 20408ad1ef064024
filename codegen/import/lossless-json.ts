/**
 * The importer's JSON reader that keeps integers exact: runtime/json-parse.ts's exact parser, with
 * prototype-less objects (any member name, `__proto__` included, is plain data). An integer literal
 * outside the safe range (|n| > 2^53 − 1) becomes a `bigint` instead of a rounded `number`. Used for
 * the replies the importer stores verbatim (`device-list-properties` defaults such as pci-bridge
 * `mem-reserve` 18446744073709551615) and to read `devices.json` back. Strings, nesting and other
 * numbers follow `JSON.parse`. Throws a `SyntaxError` naming the offset on malformed input.
 */
import { parseJsonExact, type ExactJson } from '../../runtime/json-parse.js';

/** A JSON value as parsed here: like `JSON.parse`'s, with `bigint` for integers beyond 2^53 − 1. */
export type LosslessJson = ExactJson;

/** Parses `text` as one JSON value (surrounding whitespace allowed). */
export function parseLossless(text: string): LosslessJson {
  return parseJsonExact(text, true);
}
