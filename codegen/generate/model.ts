/**
 * The generator's view of a target: which named types are reached from what the client sends
 * (closed form) and from what the server sends (open form), and the TypeScript name of each form.
 *
 * Naming scheme (documented in the README):
 * - a named type gets `safeIdentifier(<schema name>)`;
 * - enums are always emitted closed (`type RunState = "running" | …`); in server positions they
 *   are referenced as `RunState | (string & {})`;
 * - an object or union that contains an enum (directly or through other types) and is reached
 *   from both sides is emitted twice: closed under its name, open as `<Name>Open`; reached from one
 *   side only, it is emitted once, under its name, in that side's form.
 */
import type { DeviceSet } from './devices.js';
import { GenerateError } from './errors.js';
import { pascalCase } from '../pascal-case.js';
import { NameAllocator, safeIdentifier, camelCase } from './names.js';
import { isRecord } from '../guards.js';
import { walkSchema } from '../schema-format/walk.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import type { SchemaFile } from '../schema-format/files.js';
import { resolveRef, type TargetSchema } from './schema.js';

/** `closed`: what the client sends; `open`: what the server sends. */
export type Form = 'closed' | 'open';

/** One named type of `types.json`. */
export interface NamedType {
  readonly key: string;
  readonly schema: JsonSchema;
  /** `true` for a string enum. */
  readonly isEnum: boolean;
  /** Contains an enum (itself or through references), so its open form differs. */
  openable: boolean;
  /** Reached from command arguments. */
  client: boolean;
  /** Reached from returns or events. */
  server: boolean;
  /** Name of the closed form (undefined when only the open form is emitted). */
  closedName?: string;
  /** Name of the open form (undefined when only the closed form is emitted). */
  openName?: string;
}

/** One command. */
export interface CommandModel {
  readonly wire: string;
  readonly method: string;
  readonly args: JsonSchema;
  readonly returns: JsonSchema;
  readonly noArguments: boolean;
  readonly allowOob: boolean;
  /** `false` for a guest agent command that answers nothing on success (`'success-response': false`). */
  readonly successResponse: boolean;
  /** `true` when every argument is optional (or there are none). */
  readonly argsOptional: boolean;
  /** Name given to an inline argument object, if any. */
  argsName?: string;
  /** Name given to an inline return object, if any. */
  returnsName?: string;
}

/** One event. */
export interface EventModel {
  readonly wire: string;
  readonly data: JsonSchema;
  readonly noData: boolean;
  dataName?: string;
}

/** The whole target. */
export interface TargetModel {
  readonly schema: TargetSchema;
  readonly types: ReadonlyMap<string, NamedType>;
  readonly commands: readonly CommandModel[];
  readonly events: readonly EventModel[];
}

/** The x-qmp annotation object of a node. */
export function qmpOf(node: JsonSchema): Record<string, unknown> {
  const x = node['x-qmp'];
  return isRecord(x) ? x : {};
}

/** `true` for a string enum node. */
export function isStringEnum(node: JsonSchema): boolean {
  return Array.isArray(node['enum']) && node['enum'].length > 0 && node['enum'].every((v) => typeof v === 'string');
}

/** The tag property name of a discriminated union node, if it is one. */
export function unionTag(node: JsonSchema): string | undefined {
  const d = node['discriminator'];
  if (isRecord(d) && typeof d['propertyName'] === 'string' && Array.isArray(node['oneOf'])) return d['propertyName'];
  return undefined;
}

/** References (type keys) reached directly from a node, skipping nothing. */
function directRefs(target: TargetSchema, node: JsonSchema, file: SchemaFile, where: string): string[] {
  const out: string[] = [];
  walkSchema(node, where, (n, path) => {
    if (typeof n['$ref'] === 'string') {
      const r = resolveRef(target, n['$ref'], file, path);
      if (r.file !== 'types') throw new GenerateError(path, `$ref to ${r.file}.json is not supported (only types.json definitions are shared)`);
      out.push(r.key);
    }
  });
  return out;
}

/** `true` when a node contains a string enum other than a union's tag (nested unions included). */
function hasOwnEnum(node: JsonSchema): boolean {
  let found = false;
  const visit = (n: unknown, tagProp?: string): void => {
    if (!isRecord(n) || found) return;
    if (isStringEnum(n)) {
      found = true;
      return;
    }
    const tag = unionTag(n);
    const props = n['properties'];
    if (isRecord(props)) for (const [p, sub] of Object.entries(props)) if (p !== tagProp) visit(sub);
    for (const k of ['additionalProperties', 'items', 'not', 'if', 'then', 'else']) visit(n[k]);
    for (const k of ['anyOf', 'allOf']) if (Array.isArray(n[k])) for (const b of n[k]) visit(b);
    if (Array.isArray(n['oneOf'])) for (const b of n['oneOf']) visit(b, tag);
  };
  visit(node);
  return found;
}

/** Whether an argument object has no required member (so the argument may be omitted). */
function allOptional(target: TargetSchema, node: JsonSchema, seen = new Set<string>()): boolean {
  if (typeof node['$ref'] === 'string') {
    const r = resolveRef(target, node['$ref'], 'commands', 'commands.json');
    if (seen.has(r.key)) return false;
    seen.add(r.key);
    const def = target.definitions[r.file].get(r.key);
    return def !== undefined && allOptional(target, def, seen);
  }
  if (node['type'] !== 'object' || unionTag(node) !== undefined || node['anyOf'] !== undefined || node['oneOf'] !== undefined) return false;
  const req = node['required'];
  return !Array.isArray(req) || req.length === 0;
}

/**
 * Builds the model: sides, openness and names; fails on name collisions. `reserved`: names a schema
 * type may not take (see `reserved-names.ts`; they get a `_` suffix).
 */
export function buildModel(target: TargetSchema, reserved: ReadonlySet<string>): TargetModel {
  const where = (file: SchemaFile, key: string): string => `${target.display}/${file}.json#/definitions/${key}`;
  const types = new Map<string, NamedType>();
  const refs = new Map<string, string[]>();
  for (const [key, schema] of target.definitions.types) {
    types.set(key, { key, schema, isEnum: isStringEnum(schema), openable: false, client: false, server: false });
    refs.set(key, directRefs(target, schema, 'types', where('types', key)));
  }
  // openable: least fixpoint of "has an enum, or refers to an openable type"
  for (const t of types.values()) t.openable = t.isEnum || hasOwnEnum(t.schema);
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of types.values()) {
      if (t.openable) continue;
      if ((refs.get(t.key) ?? []).some((k) => types.get(k)?.openable === true)) {
        t.openable = true;
        changed = true;
      }
    }
  }
  const mark = (start: string[], side: 'client' | 'server'): void => {
    const stack = [...start];
    while (stack.length > 0) {
      const k = stack.pop() as string;
      const t = types.get(k);
      if (t === undefined || t[side]) continue;
      t[side] = true;
      stack.push(...(refs.get(k) ?? []));
    }
  };
  for (const [key, s] of target.definitions.commands) mark(directRefs(target, s, 'commands', where('commands', key)), 'client');
  for (const [key, s] of target.definitions.returns) mark(directRefs(target, s, 'returns', where('returns', key)), 'server');
  for (const [key, s] of target.definitions.events) mark(directRefs(target, s, 'events', where('events', key)), 'server');

  const names = new NameAllocator('type');
  for (const t of types.values()) {
    const base = names.claim(safeIdentifier(t.key, reserved), `${where('types', t.key)}`);
    if (t.isEnum || !t.openable) t.closedName = base;
    else if (t.client && t.server) t.closedName = base;
    else if (t.server) t.openName = base;
    else t.closedName = base;
  }
  for (const t of types.values()) {
    if (!t.isEnum && t.openable && t.client && t.server) t.openName = names.derive(`${t.closedName as string}Open`, where('types', t.key));
  }

  const methods = new NameAllocator('method');
  const commands: CommandModel[] = [];
  for (const [wire, args] of target.definitions.commands) {
    const returns = target.definitions.returns.get(wire) as JsonSchema;
    const x = qmpOf(args);
    const method = methods.claim(safeIdentifier(camelCase(wire)), `command '${wire}' (${where('commands', wire)})`);
    const noArguments = x['noArguments'] === true;
    const cmd: CommandModel = {
      wire,
      method,
      args,
      returns,
      noArguments,
      allowOob: x['allowOob'] === true,
      successResponse: x['successResponse'] !== false,
      argsOptional: noArguments || allOptional(target, args),
    };
    if (wire === 'device_add' && target.devices !== undefined) {
      cmd.argsName = names.derive('DeviceAddArguments', 'arguments of device_add');
      nameDeviceGroups(target.devices, names, reserved);
    } else if (!noArguments && needsName(args)) cmd.argsName = names.derive(safeIdentifier(titleOf(args) ?? `${pascalCase(wire)}Arguments`, reserved), `arguments of ${wire}`);
    if (needsName(returns) && !isEmptyObject(returns)) cmd.returnsName = names.derive(safeIdentifier(`${pascalCase(wire)}Return`, reserved), `return of ${wire}`);
    commands.push(cmd);
  }
  const events: EventModel[] = [];
  for (const [wire, data] of target.definitions.events) {
    const noData = qmpOf(data)['noData'] === true;
    const ev: EventModel = { wire, data, noData };
    if (!noData && needsName(data) && !isEmptyObject(data)) ev.dataName = names.derive(safeIdentifier(titleOf(data) ?? `${pascalCase(wire)}EventData`, reserved), `data of event ${wire}`);
    events.push(ev);
  }
  return { schema: target, types, commands, events };
}

/**
 * Names of the device groups (`devices.json`): a model's `device_add` branch is `DeviceAdd<Model>`,
 * a QOM type's shared properties `DeviceProps<Type>` (PascalCase of the QOM name).
 */
function nameDeviceGroups(devices: DeviceSet, names: NameAllocator, reserved: ReadonlySet<string>): void {
  names.derive('DeviceAddCommon', 'device_add members of every driver');
  for (const g of devices.groups) {
    const base = safeIdentifier(`${g.branch ? 'DeviceAdd' : 'DeviceProps'}${pascalCase(g.qomType)}`, reserved);
    g.name = names.derive(base, `device model ${g.qomType}${g.branch ? '' : ' (shared properties)'}`);
  }
}

/** The importer's name of an inline arguments/data object (`title`), if any. */
function titleOf(node: JsonSchema): string | undefined {
  const t = node['title'];
  return typeof t === 'string' && t.trim() !== '' ? t : undefined;
}

/** An inline object (not a bare reference): it gets a generated name so hovers stay short. */
function needsName(node: JsonSchema): boolean {
  return node['$ref'] === undefined && (node['type'] === 'object' || unionTag(node) !== undefined);
}

/** The empty closed object `{}` (commands that return nothing useful). */
export function isEmptyObject(node: JsonSchema): boolean {
  return (
    node['$ref'] === undefined &&
    node['type'] === 'object' &&
    (!isRecord(node['properties']) || Object.keys(node['properties']).length === 0) &&
    node['additionalProperties'] === false &&
    node['oneOf'] === undefined &&
    node['anyOf'] === undefined
  );
}
