/**
 * Checking option objects given from plain JavaScript, in one place: every public entry point
 * (`connect`, `execute`, `waitForEvent`, `events`, `launchQemu`, the test server) describes its options
 * as an {@link OptionShape} and asks {@link optionsProblem} what is wrong. An unknown key (`timeout`
 * for `timeoutMs`, `enable` beside `capabilities`) or a value of the wrong shape (`capabilities:
 * ['oob']`) is named with the shape expected, so that a typo is never silently ignored.
 *
 * Pure (no imports): the test server uses it too.
 */

/** One option: what it must be (for the message) and the test. `undefined` always passes (absent). */
export interface OptionRule {
  /** The shape expected, as the message says it, e.g. `a boolean`, `{ enable?: string[] }`. */
  readonly expected: string;
  /** True when the (defined) value has that shape. */
  readonly test: (value: unknown) => boolean;
  /** For an object option: its own keys are checked too (`capabilities.enable`). */
  readonly shape?: OptionShape;
}

/** The options an entry point accepts: key → rule; `hints` suggest the right spelling of known mistakes. */
export interface OptionShape {
  readonly rules: Readonly<Record<string, OptionRule>>;
  /** Known wrong keys → what to write instead (`timeout` → `timeoutMs`). */
  readonly hints?: Readonly<Record<string, string>>;
}

function rule(expected: string, test: (v: unknown) => boolean, shape?: OptionShape): OptionRule {
  return shape === undefined ? { expected, test } : { expected, test, shape };
}

/** A plain object or class instance (not an array, not null). */
export function isObjectValue(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Rule builders for the common shapes. */
export const optionRules = {
  any: rule('anything', () => true),
  boolean: rule('a boolean', (v) => typeof v === 'boolean'),
  string: rule('a string', (v) => typeof v === 'string'),
  function: rule('a function', (v) => typeof v === 'function'),
  stringArray: rule('an array of strings', (v) => Array.isArray(v) && v.every((s) => typeof s === 'string')),
  signal: rule('an AbortSignal', (v) => isObjectValue(v) && typeof v['aborted'] === 'boolean' && typeof v['addEventListener'] === 'function'),
  /** A number; the range is checked by the entry point's own check (e.g. `timerDelayProblem`). */
  number: rule('a number', (v) => typeof v === 'number'),
  oneOf(values: readonly string[]): OptionRule {
    return rule(values.map((s) => `'${s}'`).join(' or '), (v) => typeof v === 'string' && values.includes(v));
  },
  object(expected: string, shape?: OptionShape): OptionRule {
    return rule(expected, isObjectValue, shape);
  },
} as const;

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'function') return 'a function';
  return `${typeof v} ${String(v)}`;
}

/** A suggestion for an unknown key: a hint, or the known key it is a prefix or a case variant of. */
function suggestion(key: string, shape: OptionShape): string | undefined {
  const hint = shape.hints?.[key];
  if (hint !== undefined) return hint;
  const lower = key.toLowerCase();
  return Object.keys(shape.rules).find((k) => k.toLowerCase() === lower || (lower.length >= 3 && k.toLowerCase().startsWith(lower)));
}

/**
 * What is wrong with `options` for `shape` (`undefined` when nothing is): `options` must be an object
 * (or `undefined` when `optional`), every own key must be known, every defined value must have its
 * rule's shape. `where` prefixes nested keys (`capabilities.`). Getters run once here: a throwing
 * getter throws out of this function, so callers that must reject call it inside `try`.
 */
export function optionsProblem(options: unknown, shape: OptionShape, where = '', optional = false): string | undefined {
  if (options === undefined && optional) return undefined;
  if (!isObjectValue(options)) return `${where === '' ? 'the options' : where.slice(0, -1)} must be an object, got ${describeValue(options)}`;
  for (const key of Object.keys(options)) {
    const r = shape.rules[key];
    if (r === undefined || !Object.hasOwn(shape.rules, key)) {
      const hint = suggestion(key, shape);
      const known = Object.keys(shape.rules).join(', ');
      return `unknown option '${where}${key}'${hint === undefined ? '' : ` (did you mean ${hint}?)`}; the options are: ${known}`;
    }
    const value = options[key];
    if (value === undefined) continue;
    if (!r.test(value)) return `${where}${key} must be ${r.expected}, got ${describeValue(value)}`;
    if (r.shape !== undefined) {
      const inner = optionsProblem(value, r.shape, `${where}${key}.`);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}
