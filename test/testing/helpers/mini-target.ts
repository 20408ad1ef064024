/**
 * A small hand-written target (a few real QEMU 10.0 commands and events) with hand-written
 * validators, for the test-server tests while no generated target exists. Validator issues use
 * Ajv's words and JSON Pointer paths, like the generated validators.
 */
import type { TargetBinding, TargetValidators, ValidationIssue, ValidationResult } from '../../../runtime/target.js';

type S =
  | { type: 'string'; enum?: string[] }
  | { type: 'integer' | 'boolean' | 'number' }
  | { type: 'array'; items: S }
  | { type: 'object'; properties: Record<string, S>; required?: string[]; closed?: boolean }
  | { type: 'any' };

const obj = (properties: Record<string, S>, required: string[] = [], closed = true): S => ({
  type: 'object',
  properties,
  required,
  closed,
});
const str: S = { type: 'string' };
const int: S = { type: 'integer' };
const bool: S = { type: 'boolean' };
const runState: S = { type: 'string', enum: ['debug', 'inmigrate', 'paused', 'running', 'shutdown', 'suspended'] };

/** Arguments (closed), returns and events of the mini target. */
export const miniSchema = {
  arguments: {
    'query-status': obj({}),
    'query-name': obj({}),
    stop: obj({}),
    cont: obj({}),
    'human-monitor-command': obj({ 'command-line': str, 'cpu-index': int }, ['command-line']),
    device_del: obj({ id: str }, ['id']),
    'migrate-pause': obj({}),
    'set_link': obj({ name: str, up: bool }, ['name', 'up']),
    'qmp_capabilities': obj({ enable: { type: 'array', items: { type: 'string', enum: ['oob'] } } }),
  } as Record<string, S>,
  returns: {
    'query-status': obj({ running: bool, status: { type: 'string' } }, ['running', 'status'], false),
    'query-name': obj({ name: str }, [], false),
    stop: obj({}, [], false),
    cont: obj({}, [], false),
    'human-monitor-command': str,
    device_del: obj({}, [], false),
    'migrate-pause': obj({}, [], false),
    set_link: obj({}, [], false),
    qmp_capabilities: obj({}, [], false),
  } as Record<string, S>,
  events: {
    STOP: obj({}, [], false),
    RESUME: obj({}, [], false),
    DEVICE_DELETED: obj({ device: str, path: str }, ['path'], false),
    SHUTDOWN: obj({ guest: bool, reason: str }, ['guest', 'reason'], false),
  } as Record<string, S>,
};
void runState;

function check(s: S, v: unknown, path: string, out: ValidationIssue[]): void {
  switch (s.type) {
    case 'any':
      return;
    case 'string':
      if (typeof v !== 'string') out.push({ path, message: 'must be string' });
      else if (s.enum && !s.enum.includes(v)) out.push({ path, message: 'must be equal to one of the allowed values' });
      return;
    case 'integer':
      if (!Number.isInteger(v)) out.push({ path, message: 'must be integer' });
      return;
    case 'number':
      if (typeof v !== 'number') out.push({ path, message: 'must be number' });
      return;
    case 'boolean':
      if (typeof v !== 'boolean') out.push({ path, message: 'must be boolean' });
      return;
    case 'array':
      if (!Array.isArray(v)) out.push({ path, message: 'must be array' });
      else v.forEach((x, i) => check(s.items, x, `${path}/${i}`, out));
      return;
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        out.push({ path, message: 'must be object' });
        return;
      }
      const o = v as Record<string, unknown>;
      for (const r of s.required ?? []) if (!(r in o)) out.push({ path, message: `must have required property '${r}'` });
      for (const [k, x] of Object.entries(o)) {
        const p = s.properties[k];
        if (p) check(p, x, `${path}/${k}`, out);
        else if (s.closed) out.push({ path: `${path}/${k}`, message: 'must NOT have additional properties' });
      }
    }
  }
}

function run(table: Record<string, S>, what: string, name: string, v: unknown): ValidationResult {
  const s = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (!s) return { ok: false, errors: [{ path: '', message: `unknown ${what} '${name}'` }] };
  const out: ValidationIssue[] = [];
  check(s, v, '', out);
  return out.length === 0 ? { ok: true, value: v } : { ok: false, errors: out };
}

/** Validators of the mini target. */
export const miniValidators: TargetValidators = {
  validateArguments: (c, a) => run(miniSchema.arguments, 'command', c, a),
  validateReturn: (c, v) => run(miniSchema.returns, 'command', c, v),
  validateEvent: (e, d) => run(miniSchema.events, 'event', e, d),
  validateGreeting: (m) => ({ ok: true, value: m }),
  validateMessage: (m) => ({ ok: true, value: m }),
};

const info = (method: string, noArguments: boolean, allowOob = false) => ({ method, noArguments, allowOob });

/** The mini target binding (`qemu-10.0-x86_64`-like, a handful of commands). */
export const miniTarget: TargetBinding = {
  name: 'qemu-10.0-x86_64',
  commands: {
    cont: info('cont', true),
    device_del: info('deviceDel', false),
    'human-monitor-command': info('humanMonitorCommand', false),
    'migrate-pause': info('migratePause', true, true),
    qmp_capabilities: info('qmpCapabilities', false),
    'query-name': info('queryName', true),
    'query-status': info('queryStatus', true),
    set_link: info('setLink', false),
    stop: info('stop', true),
  },
  events: ['DEVICE_DELETED', 'RESUME', 'SHUTDOWN', 'STOP'],
  loadValidators: () => Promise.resolve(miniValidators),
};

/** Command map type of the mini target, for typed handlers (a type alias: it must fit `CommandMapBase`). */
export type MiniCommandMap = {
  'query-status': { args: undefined; returns: { running: boolean; status: string } };
  'query-name': { args: undefined; returns: { name?: string } };
  stop: { args: undefined; returns: Record<string, never> };
  cont: { args: undefined; returns: Record<string, never> };
  'human-monitor-command': { args: { 'command-line': string; 'cpu-index'?: number }; returns: string };
  device_del: { args: { id: string }; returns: Record<string, never> };
  'migrate-pause': { args: undefined; returns: Record<string, never> };
  set_link: { args: { name: string; up: boolean }; returns: Record<string, never> };
};
