/**
 * Is a value its own JSON? True when `JSON.stringify(v)` and a validator reading `v` (as Ajv's
 * compiled code does: `data.member`, `for…in`, `data.length`, `data[i]`) cannot see different data:
 * only plain objects (prototype `Object.prototype` or `null`) and plain arrays, own enumerable data
 * properties only (no getters, not even on array indices, no non-enumerable members), no `toJSON` anywhere (own or on the
 * prototypes), no Proxy, finite numbers or bigints (written digit for digit: runtime/json-stringify.ts), no holes, at most 64 levels. Anything else is not
 * rejected: the caller serialises and parses back instead (runtime/wire-arguments.ts), which is
 * exact for every input but costs about three validations (measured: bench/caller-input.ts).
 */
import { types } from 'node:util';
import { parseJson } from './json-parse.js';

const MAX_DEPTH = 64;
const objectProto = Object.prototype;
const arrayProto = Array.prototype;

/**
 * The members of a pristine `Object.prototype` (ECMAScript 2024, Annex B included). A validator
 * reads `data.member`, which also finds an inherited member that JSON does not send, even a
 * non-enumerable one (`Object.defineProperty(Object.prototype, 'id', { value: 'x' })` made a
 * `device_del {}` pass validation while `{}` was sent).
 */
const OBJECT_PROTO_MEMBERS = new Set([
  'constructor', '__defineGetter__', '__defineSetter__', 'hasOwnProperty', '__lookupGetter__', '__lookupSetter__',
  'isPrototypeOf', 'propertyIsEnumerable', 'toString', 'valueOf', '__proto__', 'toLocaleString',
]);

/**
 * Something inherited that JSON or a validator would read differently (prototype pollution, a
 * global toJSON, any member added to `Object.prototype`). Then neither the caller's objects nor
 * `JSON.parse`'s (which inherit from `Object.prototype` too) are a faithful view: see
 * {@link parseFaithfully}.
 */
export function prototypesTampered(): boolean {
  if ((objectProto as { toJSON?: unknown }).toJSON !== undefined || (arrayProto as { toJSON?: unknown }).toJSON !== undefined) return true;
  for (const _ in {}) return true; // an enumerable member on Object.prototype
  for (const _ in []) return true; // … or on Array.prototype
  for (const key of Object.getOwnPropertyNames(objectProto)) if (!OBJECT_PROTO_MEMBERS.has(key)) return true; // … or any added member
  return false;
}

/**
 * `JSON.parse(text)`, and when the prototypes are tampered with ({@link prototypesTampered}) with
 * objects that have no prototype, so that the parsed value is exactly the text's data.
 */
export function parseFaithfully(text: string): unknown {
  return parseJson(text, prototypesTampered()); // lossless: integers beyond 2^53 as bigint (runtime/json-parse.ts)
}

/** Set by {@link isOwnJson} when the value it accepted holds a bigint. */
let bigintSeen = false;

function plain(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'bigint': // lossless integers: sent digit for digit (runtime/json-stringify.ts)
      bigintSeen = true;
      return true;
    case 'object':
      break;
    default:
      return false; // undefined, function, symbol: JSON drops or refuses them
  }
  if (v === null) return true;
  if (depth >= MAX_DEPTH || types.isProxy(v)) return false;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== arrayProto) return false;
    for (let i = 0; i < v.length; i++) {
      // The descriptor, not `v[i]`: an index getter could answer differently on each read (or throw).
      const d = Object.getOwnPropertyDescriptor(v, i);
      if (d === undefined || d.get !== undefined || d.set !== undefined || !plain(d.value, depth + 1)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== objectProto && proto !== null) return false;
  for (const key of Object.getOwnPropertyNames(v)) {
    const d = Object.getOwnPropertyDescriptor(v, key);
    if (d === undefined || d.get !== undefined || d.set !== undefined || !d.enumerable || key === 'toJSON') return false;
    if (!plain(d.value, depth + 1)) return false;
  }
  return true;
}

/** True when validating `v` and sending `JSON.stringify(v)` see exactly the same data (see the module doc). */
export function isOwnJson(v: unknown): boolean {
  bigintSeen = false;
  return !prototypesTampered() && plain(v, 0);
}

/** Whether the value of the last {@link isOwnJson} call that returned true holds a `bigint` (it then needs runtime/json-stringify.ts). */
export function ownJsonHadBigint(): boolean {
  return bigintSeen;
}
