/**
 * Checking option objects given from plain JavaScript, in one place: every public entry point
 * (`connect`, `execute`, `waitForEvent`, `events`, `launchQemu`, the test server) describes its options
 * as an {@link OptionShape} and asks {@link optionsProblem} what is wrong. An unknown key (`timeout`
 * for `timeoutMs`, `enable` beside `capabilities`) or a value of the wrong shape (`capabilities:
 * ['oob']`) is named with the shape expected, so that a typo is never silently ignored.
 *
 * Imports only the guard helper (no socket code): the test server uses it too.
 */
import { isRecord } from './guards.js';

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


/** Rule builders for the common shapes. */
export const optionRules = {
  any: rule('anything', () => true),
  boolean: rule('a boolean', (v) => typeof v === 'boolean'),
  string: rule('a string', (v) => typeof v === 'string'),
  function: rule('a function', (v) => typeof v === 'function'),
  stringArray: rule('an array of strings', (v) => Array.isArray(v) && v.every((s) => typeof s === 'string')),
  signal: rule('an AbortSignal', (v) => isRecord(v) && typeof v['aborted'] === 'boolean' && typeof v['addEventListener'] === 'function'),
  /** A number; the range is checked by the entry point's own check (e.g. `timerDelayProblem`). */
  number: rule('a number', (v) => typeof v === 'number'),
  oneOf(values: readonly string[]): OptionRule {
    return rule(values.map((s) => `'${s}'`).join(' or '), (v) => typeof v === 'string' && values.includes(v));
  },
  object(expected: string, shape?: OptionShape): OptionRule {
    return rule(expected, isRecord, shape);
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

/** A suggestion for an unknown key: a hint, or a known key it is a case variant, a prefix or an extension of. */
function suggestion(key: string, shape: OptionShape): string | undefined {
  const hint = Object.hasOwn(shape.hints ?? {}, key) ? shape.hints?.[key] : undefined;
  if (hint !== undefined) return hint;
  const lower = key.toLowerCase();
  return Object.keys(shape.rules).find((k) => {
    const known = k.toLowerCase();
    return known === lower || (Math.min(lower.length, known.length) >= 3 && (known.startsWith(lower) || lower.startsWith(known)));
  });
}

/**
 * What is wrong with `options` for `shape` (`undefined` when nothing is): `options` must be an object
 * (or `undefined` when `optional`), every own key must be known, every defined value must have its
 * rule's shape. `where` prefixes nested keys (`capabilities.`). Never throws: a getter or a Proxy
 * trap that throws while being read is the problem reported.
 */
export function optionsProblem(options: unknown, shape: OptionShape, where = '', optional = false): string | undefined {
  try {
    return problemOf(options, shape, where, optional);
  } catch (e) {
    let why: string;
    try {
      why = e instanceof Error ? e.message : String(e);
    } catch {
      why = 'an exception that cannot be described';
    }
    return `reading ${where === '' ? 'the options' : where.slice(0, -1)} threw: ${why}`;
  }
}

function problemOf(options: unknown, shape: OptionShape, where: string, optional: boolean): string | undefined {
  if (options === undefined && optional) return undefined;
  if (!isRecord(options)) return `${where === '' ? 'the options' : where.slice(0, -1)} must be an object, got ${describeValue(options)}`;
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
      const inner = problemOf(value, r.shape, `${where}${key}.`, false);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}
