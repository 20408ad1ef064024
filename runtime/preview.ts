/**
 * A short, JSON-like text of any value, for error messages: `preview(value, 200)`.
 *
 * Error paths describe what a peer or a caller sent, and that is exactly the input least to be
 * trusted, so this never throws and its cost is bounded by `maxChars`, not by the value:
 * - no recursion: an explicit stack walks the value (a nested array of depth 5,000 made the former
 *   `JSON.stringify`/`String()` helper overflow the stack, and the connection died as `lost`);
 * - it stops as soon as `maxChars` characters are written (huge arrays, long strings and cycles
 *   cost no more than that);
 * - every property read, `Array.isArray` and `Object.keys` are guarded: a throwing getter or a
 *   revoked Proxy shows as `<unreadable>`; `toJSON`/`toString` are never called.
 * Strings, numbers, booleans and `null` look as in JSON; `undefined`, bigints (`12n`), symbols and
 * functions get a readable stand-in.
 */

const UNREADABLE = '<unreadable>';

/** A container being written: its remaining members are read one at a time. */
interface Open {
  readonly container: object;
  /** Own enumerable keys of an object; `undefined` for an array. */
  readonly keys: readonly string[] | undefined;
  readonly length: number;
  index: number;
  readonly close: string;
}

type Task = { readonly value: unknown } | Open;

/** Marker of a value whose read threw. */
const unreadable: unique symbol = Symbol('unreadable');

function read(container: object, key: string | number): unknown {
  try {
    return (container as Record<string | number, unknown>)[key];
  } catch {
    return unreadable;
  }
}

function scalar(value: unknown, room: number): string | undefined {
  switch (typeof value) {
    case 'string':
      // Cut before quoting: quoting a 16 MiB string to keep 200 characters would cost 16 MiB.
      return JSON.stringify(value.length > room ? value.slice(0, room + 1) : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value.toString()}n`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      if (value === unreadable) return UNREADABLE;
      try {
        return `Symbol(${String(value.description ?? '')})`;
      } catch {
        return 'Symbol()';
      }
    case 'function': {
      let name = '';
      try {
        const n: unknown = (value as { name?: unknown }).name;
        name = typeof n === 'string' ? n : '';
      } catch {
        // a throwing getter on `name`
      }
      return name ? `[function ${name.slice(0, room)}]` : '[function]';
    }
    default:
      return value === null ? 'null' : undefined;
  }
}

function open(value: object): Open | string {
  try {
    if (Array.isArray(value)) return { container: value, keys: undefined, length: value.length, index: 0, close: ']' };
    const keys = Object.keys(value);
    return { container: value, keys, length: keys.length, index: 0, close: '}' };
  } catch {
    return UNREADABLE;
  }
}

/**
 * At most `maxChars` characters (plus `…` when cut) describing `value`; never throws.
 * @param maxChars - a positive number of characters (default 200)
 */
export function preview(value: unknown, maxChars = 200): string {
  let out = '';
  const stack: Task[] = [{ value }];
  while (stack.length > 0 && out.length <= maxChars) {
    const task = stack.pop()!;
    if ('container' in task) {
      if (task.index >= task.length) {
        out += task.close;
        continue;
      }
      const i = task.index++;
      if (i > 0) out += ',';
      stack.push(task);
      if (task.keys === undefined) stack.push({ value: read(task.container, i) });
      else {
        const key = task.keys[i]!;
        out += `${JSON.stringify(key.length > maxChars ? key.slice(0, maxChars + 1) : key)}:`;
        stack.push({ value: read(task.container, key) });
      }
      continue;
    }
    const v = task.value;
    const text = scalar(v, maxChars - out.length);
    if (text !== undefined) {
      out += text;
      continue;
    }
    const container = open(v as object);
    if (typeof container === 'string') out += container;
    else {
      out += container.keys === undefined ? '[' : '{';
      stack.push(container);
    }
  }
  return out.length > maxChars || stack.length > 0 ? `${out.slice(0, maxChars)}…` : out;
}

/** The message of a thrown value (an `Error`'s `message`, else a preview of the value); never throws. */
export function thrownMessage(e: unknown, maxChars = 200): string {
  try {
    if (e instanceof Error) {
      const m: unknown = e.message;
      return typeof m === 'string' ? (m.length > maxChars ? `${m.slice(0, maxChars)}…` : m) : preview(m, maxChars);
    }
  } catch {
    // a Proxy whose traps throw, a throwing `message` getter
  }
  return preview(e, maxChars);
}
