/**
 * The 64-bit integers of a target (issue 13): which integer schemas can exceed 2^53 ("wide": QAPI
 * `int`, `int64`, `uint64`, `size`, or an integer whose width the schema does not record), which
 * named types hold one (directly or through references), and the {@link BigintShape} table the
 * bigint entry's runtime conversion reads (`runtime/bigint-table.ts`).
 */
import type { BigintShape, BigintTable } from '../../runtime/bigint-table.js';
import { isRecord } from '../guards.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import type { SchemaFile } from '../schema-format/files.js';
import { GenerateError } from './errors.js';
import { unionTag, type TargetModel } from './model.js';
import { resolveRef } from './schema.js';

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * `true` for an integer schema whose range exceeds ±(2^53 − 1) (absent bounds count as unbounded);
 * `int8`…`int32`, `uint8`…`uint32` are narrow. Literal integers (`const`, `enum`) are not wide.
 */
export function isWideInteger(node: JsonSchema): boolean {
  if (node['type'] !== 'integer' || 'const' in node || Array.isArray(node['enum'])) return false;
  const min = node['minimum'];
  const max = node['maximum'];
  return typeof min !== 'number' || typeof max !== 'number' || min < -SAFE || max > SAFE;
}

/** The wide integers of one target: which named types hold any, and the shape of any node. */
export class WideIntegers {
  /** Keys of the named types (types.json) that hold a wide integer, directly or through references. */
  readonly typeKeys: ReadonlySet<string>;

  constructor(private readonly model: TargetModel) {
    const keys = new Set<string>();
    // fixpoint: a type is wide when its own schema holds a wide integer or a reference to a wide type
    for (let changed = true; changed; ) {
      changed = false;
      for (const [key, t] of model.types) {
        if (keys.has(key) || t.isEnum) continue;
        if (this.holds(t.schema, 'types', `types.json#/definitions/${key}`, keys)) {
          keys.add(key);
          changed = true;
        }
      }
    }
    this.typeKeys = keys;
  }

  /** `true` when `node` holds a wide integer (directly or through a wide named type). */
  mentions(node: JsonSchema, file: SchemaFile, where: string): boolean {
    return this.holds(node, file, where, this.typeKeys);
  }

  private holds(node: unknown, file: SchemaFile, where: string, keys: ReadonlySet<string>): boolean {
    if (!isRecord(node)) return false;
    if (typeof node['$ref'] === 'string') return keys.has(resolveRef(this.model.schema, node['$ref'], file, where).key);
    if (isWideInteger(node)) return true;
    if (Array.isArray(node['type'])) return node['type'].some((t) => this.holds({ ...node, type: t }, file, where, keys));
    const props = node['properties'];
    if (isRecord(props) && Object.entries(props).some(([n, s]) => this.holds(s, file, `${where}/properties/${n}`, keys))) return true;
    for (const k of ['additionalProperties', 'items'] as const) if (this.holds(node[k], file, `${where}/${k}`, keys)) return true;
    for (const k of ['oneOf', 'anyOf', 'allOf'] as const) {
      const list = node[k];
      if (Array.isArray(list) && list.some((b, i) => this.holds(b, file, `${where}/${k}/${i}`, keys))) return true;
    }
    return false;
  }

  /** The shape of `node` for the runtime table, `undefined` when it holds no wide integer. */
  shape(node: unknown, file: SchemaFile, where: string): BigintShape | undefined {
    if (!isRecord(node) || !this.mentions(node, file, where)) return undefined;
    if (typeof node['$ref'] === 'string') return resolveRef(this.model.schema, node['$ref'], file, where).key;
    if (isWideInteger(node)) return 1;
    const tag = unionTag(node);
    if (tag !== undefined) return this.union(node, tag, file, where);
    const alternatives = Array.isArray(node['anyOf']) ? node['anyOf'] : Array.isArray(node['oneOf']) ? node['oneOf'] : Array.isArray(node['type']) ? node['type'].map((t) => ({ ...node, type: t })) : undefined;
    if (alternatives !== undefined) return this.alternate(alternatives, file, where);
    if (node['type'] === 'array') {
      const items = this.shape(node['items'], file, `${where}/items`);
      return items === undefined ? undefined : ['a', items];
    }
    const members: Record<string, BigintShape> = {};
    const props = isRecord(node['properties']) ? node['properties'] : {};
    for (const [n, s] of Object.entries(props)) {
      const m = this.shape(s, file, `${where}/properties/${n}`);
      if (m !== undefined) members[n] = m;
    }
    const rest = this.shape(node['additionalProperties'], file, `${where}/additionalProperties`);
    return rest === undefined ? ['o', members] : ['o', members, rest];
  }

  /**
   * A flat union's shape: the members every branch holds alike (the base) as the fallback, which
   * also serves a tag value a newer QEMU adds; only the branches that differ from it are listed. A
   * union whose branches all agree is just that object shape.
   */
  private union(node: JsonSchema, tag: string, file: SchemaFile, where: string): BigintShape {
    const cases: [string, BigintShape | undefined][] = [];
    (node['oneOf'] as unknown[]).forEach((b, i) => {
      const at = `${where}/oneOf/${i}`;
      if (!isRecord(b)) throw new GenerateError(at, 'is not a schema object');
      const s = this.shape(b, file, at);
      const t = isRecord(b['properties']) ? b['properties'][tag] : undefined;
      const values = isRecord(t) ? ('const' in t ? [t['const']] : Array.isArray(t['enum']) ? t['enum'] : []) : [];
      for (const v of values) if (typeof v === 'string') cases.push([v, s]);
    });
    const texts = cases.map(([, s]) => JSON.stringify(s ?? null));
    if (cases.length > 0 && texts.every((t) => t === texts[0]) && cases[0]?.[1] !== undefined) return cases[0][1];
    // the base: members with one shape in every branch that is an object shape
    const objects = cases.map(([, s]) => (Array.isArray(s) && s[0] === 'o' ? (s[1] as Record<string, BigintShape>) : s === undefined ? {} : undefined));
    const base: Record<string, BigintShape> = {};
    if (objects.every((o) => o !== undefined)) {
      const first = objects[0] ?? {};
      for (const [m, ms] of Object.entries(first)) {
        if (objects.every((o) => o !== undefined && Object.hasOwn(o, m) && JSON.stringify(o[m]) === JSON.stringify(ms))) base[m] = ms;
      }
    }
    const fallback: BigintShape = ['o', base];
    const listed: Record<string, BigintShape> = {};
    for (const [v, s] of cases) if (JSON.stringify(s ?? ['o', {}]) !== JSON.stringify(fallback)) listed[v] = s ?? ['o', {}];
    return ['u', tag, listed, fallback];
  }

  /** An alternate's shape: one alternative per JSON kind (QAPI alternates are told apart by it). */
  private alternate(list: readonly unknown[], file: SchemaFile, where: string): BigintShape {
    let int: 0 | 1 = 0;
    let array: BigintShape | 0 = 0;
    let object: BigintShape | 0 = 0;
    list.forEach((b, i) => {
      const at = `${where}/alternative/${i}`;
      const s = this.shape(b, file, at);
      if (s === undefined) return;
      const kind = this.kindOf(b, file, at);
      if (kind === 'integer') int = 1;
      else if (kind === 'array' && array === 0) array = s;
      else if (kind === 'object' && object === 0) object = s;
      else throw new GenerateError(at, `a second ${kind} alternative holding 64-bit integers cannot be told apart at run time`);
    });
    return ['alt', int, array, object];
  }

  private kindOf(node: unknown, file: SchemaFile, where: string): string {
    if (!isRecord(node)) return 'unknown';
    if (typeof node['$ref'] === 'string') {
      const key = resolveRef(this.model.schema, node['$ref'], file, where).key;
      return this.kindOf(this.model.types.get(key)?.schema, 'types', `types.json#/definitions/${key}`);
    }
    if (node['type'] === 'integer' || node['type'] === 'array') return node['type'];
    if (node['type'] === 'object' || unionTag(node) !== undefined) return 'object';
    return String(node['type'] ?? 'unknown');
  }

  /** The runtime table: shapes of the wide named types, of command returns and of event data holding any. */
  table(): BigintTable {
    const display = this.model.schema.display;
    const sorted = <T>(entries: [string, T][]): Record<string, T> =>
      Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const types: [string, BigintShape][] = [];
    for (const key of this.typeKeys) {
      const s = this.shape((this.model.types.get(key) as { schema: JsonSchema }).schema, 'types', `${display}/types.json#/definitions/${key}`);
      if (s !== undefined) types.push([key, s]);
    }
    const returns: [string, BigintShape][] = [];
    for (const c of this.model.commands) {
      const s = this.shape(c.returns, 'returns', `${display}/returns.json#/definitions/${c.wire}`);
      if (s !== undefined) returns.push([c.wire, s]);
    }
    const events: [string, BigintShape][] = [];
    for (const e of this.model.events) {
      const s = this.shape(e.data, 'events', `${display}/events.json#/definitions/${e.wire}`);
      if (s !== undefined) events.push([e.wire, s]);
    }
    return { types: sorted(types), returns: sorted(returns), events: sorted(events) };
  }
}
