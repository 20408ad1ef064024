/**
 * Names in generated code: every identifier comes from {@link safeIdentifier}; wire names stay
 * quoted keys unless they already are identifiers ({@link propertyKey}); string literals go
 * through {@link stringLiteral}.
 */
import { GenerateError } from './errors.js';

/** ECMAScript reserved words, strict-mode words and TypeScript's type keywords. */
const reserved = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'implements interface let package private protected public static yield await arguments eval ' +
    'any bigint boolean never number object string symbol undefined unknown async constructor declare ' +
    'get set is keyof readonly require type namespace module abstract as asserts infer intrinsic satisfies ' +
    'accessor assert out override unique global from of'
  ).split(' '),
);

/**
 * Global names of TypeScript's standard library (and the type parameters) generated declarations
 * may refer to unqualified; a schema type taking one would shadow it.
 */
export const languageGlobalNames: ReadonlySet<string> = new Set(
  (
    'Array Record Promise Readonly ReadonlyArray Object String Number Boolean Symbol Function Error Map Set Date RegExp ' +
    'Partial Required Pick Omit Exclude Extract NonNullable ReturnType Parameters Uppercase Lowercase Capitalize ' +
    'Uncapitalize JSON Math globalThis T N'
  ).split(' '),
);

const identifierRe = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `true` when `s` may be written bare as a property name or identifier (ASCII identifiers only). */
export function isIdentifier(s: string): boolean {
  return identifierRe.test(s);
}

/**
 * Turns any text into a safe ASCII identifier: invalid characters become `_`, a leading digit
 * gets a `_` prefix, reserved words and `extra` names get a `_` suffix.
 */
export function safeIdentifier(name: string, extra?: ReadonlySet<string>): string {
  let id = name.replace(/[^A-Za-z0-9_$]/g, '_');
  if (id === '') id = '_';
  if (/^[0-9]/.test(id)) id = `_${id}`;
  while (reserved.has(id) || extra?.has(id)) id = `${id}_`;
  return id;
}

/** Splits a wire name into words at `-`, `_`, `.`, spaces and lower→upper case changes. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
}

/** `query-status` → `queryStatus`; `BLOCK_JOB_READY` → `blockJobReady`. */
export function camelCase(name: string): string {
  const ws = words(name).map((w) => w.toLowerCase());
  return ws.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

/** A JSON string literal that is also a valid TypeScript/JavaScript literal (U+2028/9 escaped). */
export function stringLiteral(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A property name: bare when it is an identifier, a quoted literal otherwise. */
export function propertyKey(s: string): string {
  return isIdentifier(s) ? s : stringLiteral(s);
}

/**
 * Hands out identifiers without collisions. `claim` fails with a {@link GenerateError} when two
 * different sources want the same identifier (e.g. `query-foo` and `query_foo` → `queryFoo`);
 * `derive` appends `_` until the name is free (for names the generator makes up).
 */
export class NameAllocator {
  private readonly owners = new Map<string, string>();

  constructor(private readonly what: string) {}

  /** Claims `id` for `source`, or throws naming both sources. */
  claim(id: string, source: string): string {
    const prev = this.owners.get(id);
    if (prev !== undefined && prev !== source) {
      throw new GenerateError(source, `${this.what} name '${id}' collides with the one of ${prev}`);
    }
    this.owners.set(id, source);
    return id;
  }

  /** Returns `id`, or `id_`, `id__`, … whichever is free, and claims it. */
  derive(id: string, source: string): string {
    let candidate = id;
    while (this.owners.has(candidate) && this.owners.get(candidate) !== source) candidate = `${candidate}_`;
    this.owners.set(candidate, source);
    return candidate;
  }

  /** `true` when `id` is taken. */
  has(id: string): boolean {
    return this.owners.has(id);
  }
}
