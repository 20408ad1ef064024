/**
 * A value to JSON text with `bigint`s written digit for digit (`JSON.stringify` throws on them).
 * Everything else is exactly `JSON.stringify`'s output: `toJSON`, getters, dropped `undefined`
 * members, `null` for unsendable array items. Source: RFC 8259 §6 (a number is any run of digits);
 * QMP carries 64-bit integers (.cache/qapi-10.0/qmp-spec.rst "Wire format").
 */

/**
 * `JSON.stringify(value)`, except that a `bigint` anywhere in `value` is written as its decimal
 * digits (also when the application has installed a `BigInt.prototype.toJSON`). Pass
 * `hasBigint: false` when the caller already knows there is none (runtime/plain-data.ts reports
 * it): then this is `JSON.stringify` alone. Returns `undefined` where `JSON.stringify` does
 * (a top-level `undefined` or function); throws what `JSON.stringify` throws (a cycle, a throwing getter).
 */
export function stringifyJson(value: unknown, hasBigint = true): string | undefined {
  if (!hasBigint) return JSON.stringify(value);
  // Each bigint becomes a string holding a marker, then the quoted marker is replaced by the
  // digits. A caller's own string cannot hold the marker: it has 128 random bits, drawn once per
  // process, and never appears in any output.
  // (Web Crypto's global, read on first use: a static `node:crypto` import cost every process that
  // loads the runtime about 2 ms at start-up, bigint or not)
  marker ??= `\u0000qmp-bigint-${Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')}:`;
  const m = marker;
  let found = false;
  // An application's `BigInt.prototype.toJSON` (a common work-around) runs before the replacer and
  // would turn the bigint into whatever it returns (a quoted string QEMU rejects): then the holder's
  // own data member still has the bigint (read without running a getter).
  const bigintToJson = (BigInt.prototype as { toJSON?: unknown }).toJSON !== undefined;
  const text = JSON.stringify(value, function (this: object, key: string, v: unknown) {
    const b = typeof v === 'bigint' ? v : bigintToJson ? Object.getOwnPropertyDescriptor(this, key)?.value : undefined;
    if (typeof b !== 'bigint') return v;
    found = true;
    return m + b.toString();
  });
  if (!found || text === undefined) return text;
  // JSON.stringify writes the marker's U+0000 as the six characters \u0000
  quotedMarker ??= JSON.stringify(m).slice(0, -1);
  return text.split(quotedMarker).map((part, i) => (i === 0 ? part : part.replace(/^(-?[0-9]+)"/, '$1'))).join('');
}

let marker: string | undefined;
let quotedMarker: string | undefined;

/**
 * JSON text of plain data (runtime/plain-data.ts `isOwnJson` said so: plain objects and arrays,
 * strings, finite numbers, booleans, `null`, bigints; no `toJSON`, getters or `undefined`), bigints
 * digit for digit. The same text as {@link stringifyJson}, without its marker pass (measured in
 * bench/integers.ts).
 */
export function stringifyPlainJson(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + stringifyPlainJson(value[i]);
        return `${out}]`;
      }
      let out = '{';
      let first = true;
      for (const key of Object.keys(value)) {
        out += `${first ? '' : ','}${JSON.stringify(key)}:${stringifyPlainJson((value as Record<string, unknown>)[key])}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return JSON.stringify(value) as string;
  }
}
