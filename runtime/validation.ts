/**
 * Turns a target's precompiled validators (Ajv standalone code, generated at generate time) into
 * the {@link TargetValidators} API: JSON-pointer paths, short messages, unknown names as results.
 *
 * Pure: imports nothing but types, so the validator-only entry of a target (`<target>/validators`)
 * loads no socket code. Exported as `qmp-sdk/runtime/validation` for generated targets.
 */
import type { TargetValidators, ValidationIssue, ValidationResult } from './target.js';

export type { AjvError, CompiledValidator } from './validator-types.js';
import type { AjvError, CompiledValidator } from './validator-types.js';

/** The compiled validators of one target, as the generator emits them. */
export interface CompiledValidatorTables {
  /** Exact validators of command arguments, by command wire name. */
  readonly arguments: ReadonlyMap<string, CompiledValidator>;
  /** Compatible validators of command returns, by command wire name. */
  readonly returns: ReadonlyMap<string, CompiledValidator>;
  /** Compatible validators of event data, by event name. */
  readonly events: ReadonlyMap<string, CompiledValidator>;
  /** The greeting (compatible). */
  readonly greeting: CompiledValidator;
  /** Any protocol message in either direction (envelope only). */
  readonly message: CompiledValidator;
}

function pointerToken(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(e: AjvError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'type':
      return `must be ${Array.isArray(p['type']) ? (p['type'] as unknown[]).join(' or ') : String(p['type'])}`;
    case 'const':
      return `must be ${JSON.stringify(p['allowedValue'])}`;
    case 'enum': {
      const values = Array.isArray(p['allowedValues']) ? (p['allowedValues'] as unknown[]) : [];
      const shown = values
        .slice(0, 20)
        .map((v) => JSON.stringify(v))
        .join(', ');
      return `must be one of ${shown}${values.length > 20 ? ', …' : ''}`;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties':
      return `breaks rule '${e.keyword}' (limit ${String(p['limit'])})`;
    case 'x-int': // codegen/generate/int-keyword.ts: exact bounds, number or bigint
      return `must be an integer from ${String(p['min'])} to ${String(p['max'])}`;
    case 'oneOf':
    case 'anyOf':
      return `matches none of the allowed forms ('${e.keyword}')`;
    case 'discriminator':
      return p['error'] === 'tag' ? 'must be a string (union tag)' : `has an unknown value ${JSON.stringify(p['tagValue'])} (union tag)`;
    default:
      return `breaks rule '${e.keyword}'`;
  }
}

function issue(prefix: string, e: AjvError): ValidationIssue {
  const p = e.params;
  const at = `${prefix}${e.instancePath}`;
  if (e.keyword === 'x-device' && typeof e.message === 'string') return { path: at, message: e.message };
  if (e.keyword === 'required' && typeof p['missingProperty'] === 'string') {
    return { path: `${at}/${pointerToken(p['missingProperty'])}`, message: 'is required' };
  }
  if (e.keyword === 'additionalProperties' && typeof p['additionalProperty'] === 'string') {
    return { path: `${at}/${pointerToken(p['additionalProperty'])}`, message: 'is not a known member' };
  }
  if (e.keyword === 'discriminator' && typeof p['tag'] === 'string') {
    return { path: `${at}/${pointerToken(p['tag'])}`, message: describe(e) };
  }
  return { path: at, message: describe(e) };
}

function check(validate: CompiledValidator, value: unknown, prefix: string): ValidationResult {
  if (validate(value)) return { ok: true, value };
  const raw = validate.errors ?? [];
  // An `if`/`then` failure (a compatible union whose known tag picked a branch) is reported beside
  // the branch's own, more precise error: keep only the precise one.
  const precise = raw.filter((e) => e.keyword !== 'if');
  const errors = (precise.length > 0 ? precise : raw).map((e) => issue(prefix, e));
  return { ok: false, errors: errors.length > 0 ? errors : [{ path: prefix, message: 'is invalid' }] };
}

function unknownName(path: string, what: string, name: string): ValidationResult {
  return { ok: false, errors: [{ path, message: `unknown ${what} ${JSON.stringify(name)}` }] };
}

/**
 * The validator API over a target's compiled tables. Arguments are checked exactly, returns,
 * events and the greeting compatibly. `undefined` arguments mean none (checked as `{}`); `undefined`
 * event data means the event carried no `data` member: checked as `{}`, and the result's `value`
 * stays `undefined` (the one convention of client, validators, types and test server).
 */
export function createTargetValidators(tables: CompiledValidatorTables): TargetValidators {
  const validateArguments = (command: string, args: unknown): ValidationResult => {
    const v = tables.arguments.get(command);
    if (v === undefined) return unknownName('/execute', 'command', command);
    return check(v, args === undefined ? {} : args, '/arguments');
  };
  const validateEvent = (event: string, data: unknown): ValidationResult => {
    const v = tables.events.get(event);
    if (v === undefined) return unknownName('/event', 'event', event);
    if (data !== undefined) return check(v, data, '/data');
    // No `data` member (QEMU sends none for events without data): valid when `{}` would be, and the
    // value stays `undefined`, as the client delivers it and the event map types it.
    const r = check(v, {}, '/data');
    return r.ok ? { ok: true, value: undefined } : r;
  };
  return {
    validateArguments,
    validateReturn(command, value) {
      const v = tables.returns.get(command);
      if (v === undefined) return unknownName('/execute', 'command', command);
      return check(v, value, '/return');
    },
    validateEvent,
    validateGreeting(message) {
      return check(tables.greeting, message, '');
    },
    validateMessage(message) {
      const envelope = check(tables.message, message, '');
      if (!envelope.ok || typeof message !== 'object' || message === null) return envelope;
      const m = message as Record<string, unknown>;
      const key = typeof m['execute'] === 'string' ? 'execute' : typeof m['exec-oob'] === 'string' ? 'exec-oob' : undefined;
      let inner: ValidationResult = envelope;
      if (key !== undefined) {
        const name = m[key] as string;
        inner = tables.arguments.has(name) ? validateArguments(name, m['arguments']) : unknownName(`/${key}`, 'command', name);
      } else if (typeof m['event'] === 'string' && 'timestamp' in m) {
        inner = validateEvent(m['event'], m['data']);
      }
      return inner.ok ? envelope : inner;
    },
  };
}

export { createDeviceAddValidator } from './device-validation.js';
export type { DeviceTable, DeviceValueSpec } from './device-validation.js';
