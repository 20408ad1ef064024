/**
 * `validators-code.ts` (Ajv's standalone code, unchecked, with typed tables) and `validators.ts`
 * (the validator-only entry: `validateArguments`, `validateReturn`, `validateEvent`,
 * `validateGreeting`, `validateMessage`; it loads no socket code).
 */
import type { CompiledValidators } from './compile-validators.js';
import { headerLines, type HeaderInfo } from './emit.js';
import { stringLiteral } from './names.js';

function table(name: string, doc: string, entries: ReadonlyArray<readonly [string, string]>): string {
  const rows = entries.map(([wire, fn]) => `  [${stringLiteral(wire)}, ${fn}],`).join('\n');
  return `/** ${doc} */\nexport const ${name}: ReadonlyMap<string, CompiledValidator> = new Map<string, CompiledValidator>([\n${rows}\n]);`;
}

/** The text of `validators-code.ts`. */
export function emitValidatorsCode(compiled: CompiledValidators, header: HeaderInfo): string {
  const exportNames = new Set([...compiled.args, ...compiled.returns, ...compiled.events].map(([, n]) => n).concat([compiled.greeting, compiled.message]));
  const code = compiled.code.replace(/^export const ([A-Za-z0-9_]+) = /gm, (_match, name: string) => {
    if (!exportNames.has(name)) throw new Error(`unexpected Ajv export ${name}`);
    return `const ${name} = `;
  });
  return [
    ...headerLines(header),
    '// @ts-nocheck: Ajv standalone code (compiled at generate time); the typed tables are at the end.',
    code.trimEnd(),
    '',
    '/** One Ajv error, as the compiled validators report it. */',
    'export interface AjvError {',
    '  instancePath: string;',
    '  keyword: string;',
    '  message?: string;',
    '  params: Record<string, unknown>;',
    '}',
    '',
    '/** A compiled validator: `true` when valid; otherwise `errors` holds the first problem. */',
    'export interface CompiledValidator {',
    '  (data: unknown): boolean;',
    '  errors?: AjvError[] | null;',
    '}',
    '',
    table('argumentValidators', 'Exact validators of command arguments, by command wire name.', compiled.args),
    '',
    table('returnValidators', 'Compatible validators of command returns, by command wire name.', compiled.returns),
    '',
    table('eventValidators', 'Compatible validators of event data, by event name.', compiled.events),
    '',
    '/** The greeting (compatible). */',
    `export const greetingValidator: CompiledValidator = ${compiled.greeting};`,
    '',
    '/** Any protocol message, in either direction (envelope only). */',
    `export const messageValidator: CompiledValidator = ${compiled.message};`,
    '',
  ].join('\n');
}

/** The text of `validators.ts` (the same logic for every target; no schema text in it). */
export function emitValidators(header: HeaderInfo, runtimeImport: string): string {
  return `${headerLines(header).join('\n')}

import type { ValidationIssue, ValidationResult } from ${stringLiteral(runtimeImport)};
import {
  argumentValidators,
  eventValidators,
  greetingValidator,
  messageValidator,
  returnValidators,
  type AjvError,
  type CompiledValidator,
} from "./validators-code.js";

function pointerToken(s: string): string {
  return s.replace(/~/g, "~0").replace(/\\//g, "~1");
}

function describe(e: AjvError): string {
  const p = e.params;
  switch (e.keyword) {
    case "type":
      return \`must be \${Array.isArray(p["type"]) ? (p["type"] as unknown[]).join(" or ") : String(p["type"])}\`;
    case "const":
      return \`must be \${JSON.stringify(p["allowedValue"])}\`;
    case "enum": {
      const values = Array.isArray(p["allowedValues"]) ? (p["allowedValues"] as unknown[]) : [];
      const shown = values.slice(0, 20).map((v) => JSON.stringify(v)).join(", ");
      return \`must be one of \${shown}\${values.length > 20 ? ", …" : ""}\`;
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems":
    case "minProperties":
    case "maxProperties":
      return \`breaks rule '\${e.keyword}' (limit \${String(p["limit"])})\`;
    case "oneOf":
    case "anyOf":
      return \`matches none of the allowed forms ('\${e.keyword}')\`;
    case "discriminator":
      return p["error"] === "tag" ? "must be a string (union tag)" : \`has an unknown value \${JSON.stringify(p["tagValue"])} (union tag)\`;
    default:
      return \`breaks rule '\${e.keyword}'\`;
  }
}

function issue(prefix: string, e: AjvError): ValidationIssue {
  const p = e.params;
  const at = \`\${prefix}\${e.instancePath}\`;
  if (e.keyword === "required" && typeof p["missingProperty"] === "string") {
    return { path: \`\${at}/\${pointerToken(p["missingProperty"])}\`, message: "is required" };
  }
  if (e.keyword === "additionalProperties" && typeof p["additionalProperty"] === "string") {
    return { path: \`\${at}/\${pointerToken(p["additionalProperty"])}\`, message: "is not a known member" };
  }
  if (e.keyword === "discriminator" && typeof p["tag"] === "string") {
    return { path: \`\${at}/\${pointerToken(p["tag"])}\`, message: describe(e) };
  }
  return { path: at, message: describe(e) };
}

function check(validate: CompiledValidator, value: unknown, prefix: string): ValidationResult {
  if (validate(value)) return { ok: true, value };
  const errors = (validate.errors ?? []).map((e) => issue(prefix, e));
  return { ok: false, errors: errors.length > 0 ? errors : [{ path: prefix, message: "is invalid" }] };
}

function unknownName(path: string, what: string, name: string): ValidationResult {
  return { ok: false, errors: [{ path, message: \`unknown \${what} \${JSON.stringify(name)}\` }] };
}

/** Checks a command's arguments exactly (what the client sends is closed); \`undefined\` means none. */
export function validateArguments(command: string, args: unknown): ValidationResult {
  const v = argumentValidators.get(command);
  if (v === undefined) return unknownName("/execute", "command", command);
  return check(v, args === undefined ? {} : args, "/arguments");
}

/** Checks a command's return value (compatible: unknown members and enum values are accepted). */
export function validateReturn(command: string, value: unknown): ValidationResult {
  const v = returnValidators.get(command);
  if (v === undefined) return unknownName("/execute", "command", command);
  return check(v, value, "/return");
}

/** Checks an event's \`data\` member (compatible); \`undefined\` means the event carried none. */
export function validateEvent(event: string, data: unknown): ValidationResult {
  const v = eventValidators.get(event);
  if (v === undefined) return unknownName("/event", "event", event);
  return check(v, data === undefined ? {} : data, "/data");
}

/** Checks a server greeting (compatible). */
export function validateGreeting(message: unknown): ValidationResult {
  return check(greetingValidator, message, "");
}

/**
 * Checks any whole protocol message in either direction: the envelope, then the arguments of a
 * command (exact) or the data of an event (compatible).
 */
export function validateMessage(message: unknown): ValidationResult {
  const envelope = check(messageValidator, message, "");
  if (!envelope.ok || typeof message !== "object" || message === null) return envelope;
  const m = message as Record<string, unknown>;
  const key = typeof m["execute"] === "string" ? "execute" : typeof m["exec-oob"] === "string" ? "exec-oob" : undefined;
  let inner: ValidationResult = envelope;
  if (key !== undefined) {
    const name = m[key] as string;
    inner = argumentValidators.has(name) ? validateArguments(name, m["arguments"]) : unknownName(\`/\${key}\`, "command", name);
  } else if (typeof m["event"] === "string" && "timestamp" in m) {
    inner = validateEvent(m["event"], m["data"]);
  }
  return inner.ok ? envelope : inner;
}
`;
}
