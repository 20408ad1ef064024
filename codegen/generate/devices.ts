/**
 * The device models of a target (`schema/<target>/devices.json`, written by the importer) as the
 * generator uses them for `device_add`: each property's QOM type mapped to what `device_add` really
 * accepts for it, and the models factored along the QOM type tree so that what every model below a
 * type shares is declared once (the x86 CPU models share some 500 properties).
 *
 * What `device_add` accepts (measured on QEMU 7.2 and 10.0, see README "device_add"):
 * - `json` mode (QEMU 10.0): the QObject input visitor reads the JSON values as sent: a bool only
 *   as `true`/`false`, an integer only as a JSON integer in the QOM type's range, a string only as
 *   a JSON string, lists as JSON arrays.
 * - `keyval` mode (QEMU 7.2): every value is first turned into a string (numbers as digits,
 *   booleans as `on`/`off`) and then parsed: a bool also as `"on"`, `"off"`, `"yes"`, `"no"`,
 *   `"true"`, `"false"`, `"y"`, `"n"`; an integer also as a string (`"4"`, `" 4"`, `"0x10"`); a
 *   size also as a string (`"4K"`); a string property also from a number or a boolean. Objects,
 *   arrays and `null` are silently dropped by QEMU there: refused here (the one place we are
 *   stricter, because the call would not do what it says).
 * - both: `child<…>` properties are not writable (QEMU: "is not writable"): left out. PCI `addr`
 *   ("Slot and optional function number") takes an integer or a `"slot.fn"` string. A QOM type
 *   that names a QAPI enum of the target takes its values. Any other QOM type not known here takes
 *   any JSON value (`unknown`; keyval: any scalar): never stricter than QEMU.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseLossless, type LosslessJson } from '../import/lossless-json.js';
import { GenerateError } from './errors.js';
import { isRecord } from '../guards.js';
import type { JsonSchema } from '../schema-format/json-schema.js';

/** How `device_add` reads values (the importer's probe). */
export type DeviceArgumentMode = 'json' | 'keyval';

/** What one property accepts (before the mode is applied). */
export type DeviceValue =
  | { readonly kind: 'bool' }
  | { readonly kind: 'int'; readonly min: bigint; readonly max: bigint; readonly size: boolean }
  | { readonly kind: 'str' }
  | { readonly kind: 'devfn' }
  | { readonly kind: 'enum'; readonly typeKey: string; readonly values: readonly string[] }
  | { readonly kind: 'list'; readonly items: 'str' | 'any'; readonly typeKey?: string }
  | { readonly kind: 'any' };

/** One property as declared on a group. */
export interface DeviceProp {
  readonly name: string;
  readonly qomType: string;
  readonly value: DeviceValue;
  readonly description?: string;
  readonly default?: LosslessJson;
}

/** A set of properties: a QOM type's shared ones (a base) or a model's own (a branch). */
export interface DeviceGroup {
  /** QOM type it stands for. */
  readonly qomType: string;
  /** `true` for a `device_add` branch (`driver` is the model name). */
  readonly branch: boolean;
  /** Index of the group it extends, or -1. */
  readonly parent: number;
  readonly props: readonly DeviceProp[];
  /** TypeScript name (set by the model). */
  name?: string;
}

/** The device part of a target. */
export interface DeviceSet {
  readonly mode: DeviceArgumentMode;
  /** Bases first (parents before children), then one branch per model, by model name. */
  readonly groups: readonly DeviceGroup[];
  /** Model names that QEMU could not describe, with the reason (no branch). */
  readonly skipped: ReadonlyArray<readonly [string, string]>;
}

const intRanges: Record<string, readonly [bigint, bigint]> = {
  int8: [-(2n ** 7n), 2n ** 7n - 1n],
  int16: [-(2n ** 15n), 2n ** 15n - 1n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  int: [-(2n ** 63n), 2n ** 63n - 1n],
  uint4: [0n, 15n],
  uint8: [0n, 255n],
  busnr: [0n, 255n],
  uint16: [0n, 2n ** 16n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  size: [0n, 2n ** 64n - 1n],
};
const stringTypes = new Set(['str', 'string', 'QemuUUID']);

/** Maps a QOM type to what it accepts; `undefined` for a property that cannot be set. */
export function deviceValue(qomType: string, description: string | undefined, enums: ReadonlyMap<string, readonly string[]>, types: ReadonlySet<string>): DeviceValue | undefined {
  if (qomType.startsWith('child<')) return undefined;
  if (description !== undefined && /^Slot and optional function number/.test(description)) return { kind: 'devfn' };
  if (qomType === 'bool') return { kind: 'bool' };
  const range = intRanges[qomType];
  if (range !== undefined) return { kind: 'int', min: range[0], max: range[1], size: qomType === 'size' };
  if (stringTypes.has(qomType) || /^link<.*>$/.test(qomType)) return { kind: 'str' };
  const values = enums.get(qomType);
  if (values !== undefined) return { kind: 'enum', typeKey: qomType, values };
  if (qomType === 'strList') return { kind: 'list', items: 'str' };
  if (qomType === 'list') return { kind: 'list', items: 'any' };
  const m = /^(.+)List$/.exec(qomType);
  if (m !== null && types.has(m[1] as string)) return { kind: 'list', items: 'any', typeKey: m[1] as string };
  return { kind: 'any' };
}

function valueKey(v: DeviceValue): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

function propKey(p: DeviceProp): string {
  return JSON.stringify([p.name, p.qomType, valueKey(p.value), p.description ?? null, p.default === undefined ? null : losslessText(p.default)]);
}

/** A lossless JSON value as JSON text (bigints digit for digit). */
export function losslessText(v: LosslessJson): string {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(losslessText).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${losslessText(v[k] as LosslessJson)}`).join(',')}}`;
  return JSON.stringify(v);
}

interface RawModel {
  parent: string | null;
  abstract: boolean;
  props?: Map<string, DeviceProp>;
  skipped?: string;
}

/**
 * Reads `devices.json` beside the other schema files, or returns `undefined` when there is none
 * (a target imported from a file or a socket: `device_add` keeps its introspected arguments).
 */
export function loadDevices(schemaDir: string, display: string, definitions: ReadonlyMap<string, JsonSchema>): DeviceSet | undefined {
  const file = join(schemaDir, 'devices.json');
  if (!existsSync(file)) return undefined;
  const where = `${display}/devices.json`;
  let doc: LosslessJson;
  try {
    doc = parseLossless(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new GenerateError(where, `cannot read: ${(err as Error).message}`);
  }
  if (!isRecord(doc) || (doc['argumentMode'] !== 'json' && doc['argumentMode'] !== 'keyval') || !isRecord(doc['models'])) {
    throw new GenerateError(where, 'needs "argumentMode" ("json" or "keyval") and a "models" object');
  }
  const enums = new Map<string, readonly string[]>();
  for (const [k, d] of definitions) {
    const e = d['enum'];
    if (Array.isArray(e) && e.length > 0 && e.every((x) => typeof x === 'string')) enums.set(k, e as string[]);
  }
  const typeKeys = new Set(definitions.keys());
  const models = new Map<string, RawModel>();
  for (const name of Object.keys(doc['models']).sort()) {
    const m = (doc['models'] as Record<string, LosslessJson>)[name];
    const at = `${where}#/models/${name}`;
    if (!isRecord(m) || !(m['parent'] === null || typeof m['parent'] === 'string')) throw new GenerateError(at, 'needs a "parent" (string or null)');
    const raw: RawModel = { parent: m['parent'] as string | null, abstract: m['abstract'] === true };
    if (typeof m['skipped'] === 'string') raw.skipped = m['skipped'];
    if (m['properties'] !== undefined) {
      if (!isRecord(m['properties'])) throw new GenerateError(`${at}/properties`, 'is not an object');
      const props = new Map<string, DeviceProp>();
      for (const [p, v] of Object.entries(m['properties'] as Record<string, LosslessJson>)) {
        if (!isRecord(v) || typeof v['type'] !== 'string') throw new GenerateError(`${at}/properties/${p}`, 'needs a string "type"');
        if (p === 'driver' || p === 'bus' || p === 'id') continue; // taken by device_add itself
        const description = typeof v['description'] === 'string' ? v['description'] : undefined;
        const value = deviceValue(v['type'], description, enums, typeKeys);
        if (value === undefined) continue;
        props.set(p, { name: p, qomType: v['type'], value, ...(description !== undefined ? { description } : {}), ...('default' in v ? { default: v['default'] as LosslessJson } : {}) });
      }
      raw.props = props;
    }
    models.set(name, raw);
  }
  return factor(doc['argumentMode'], models);
}

/** Factors the models along the QOM tree (see the module doc). */
function factor(mode: DeviceArgumentMode, models: ReadonlyMap<string, RawModel>): DeviceSet {
  const concrete = [...models].filter(([, m]) => !m.abstract && m.props !== undefined).map(([n]) => n);
  const parentOf = (t: string): string | undefined => {
    const p = models.get(t)?.parent;
    return p !== null && p !== undefined && models.has(p) ? p : undefined;
  };
  // common(A): the properties (by full identity) every described model at or below A has
  const common = new Map<string, Map<string, DeviceProp>>();
  for (const d of concrete) {
    const own = models.get(d)?.props as Map<string, DeviceProp>;
    for (let t: string | undefined = d; t !== undefined; t = parentOf(t)) {
      const c = common.get(t);
      if (c === undefined) {
        common.set(t, new Map([...own.values()].map((p) => [propKey(p), p])));
      } else {
        const keys = new Set([...own.values()].map(propKey));
        for (const k of [...c.keys()]) if (!keys.has(k)) c.delete(k);
      }
    }
  }
  const groups: DeviceGroup[] = [];
  const baseIndex = new Map<string, number>();
  /** The group index a child of `t` extends: `t`'s base when it declares anything, else its parent's. */
  const baseOf = (t: string | undefined): number => {
    if (t === undefined) return -1;
    const known = baseIndex.get(t);
    if (known !== undefined) return known;
    const parent = baseOf(parentOf(t));
    const inherited = new Set(parentOf(t) === undefined ? [] : [...(common.get(parentOf(t) as string) ?? new Map()).keys()]);
    const own = [...(common.get(t) ?? new Map<string, DeviceProp>())].filter(([k]) => !inherited.has(k)).map(([, p]) => p);
    let index = parent;
    if (own.length > 0) {
      index = groups.length;
      groups.push({ qomType: t, branch: false, parent, props: own.sort(byName) });
    }
    baseIndex.set(t, index);
    return index;
  };
  const branches: DeviceGroup[] = [];
  for (const d of concrete) {
    const parentType = parentOf(d);
    const parent = baseOf(parentType);
    const inherited = new Set(parentType === undefined ? [] : [...(common.get(parentType) ?? new Map()).keys()]);
    const own = [...(models.get(d)?.props as Map<string, DeviceProp>).values()].filter((p) => !inherited.has(propKey(p)));
    branches.push({ qomType: d, branch: true, parent, props: own.sort(byName) });
  }
  const skipped = [...models].filter(([, m]) => m.skipped !== undefined).map(([n, m]) => [n, m.skipped as string] as const);
  return { mode, groups: [...groups, ...branches], skipped };
}

function byName(a: DeviceProp, b: DeviceProp): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
