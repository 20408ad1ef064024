/**
 * The argument validator of `device_add` for a target with device models (`devices.json`): a
 * compact table (generated into `validators-code.ts`) read here, instead of Ajv code, because the
 * ~500 models of QEMU 10.0 have ~85 000 properties (Ajv code for them would be megabytes). The
 * models share their QOM ancestors' properties through `groups` (a child lists only its own).
 *
 * Checks exactly what `device_add` of that QEMU accepts (see README "device_add"): in `json` mode
 * (QEMU 10.0) JSON types as sent; in `keyval` mode (QEMU 7.2) also strings for booleans and
 * integers, any scalar for strings. Errors have the shape of Ajv's, so the usual paths and
 * messages result. Pure: imports nothing but types.
 */
import type { AjvError, CompiledValidator } from './validator-types.js';

/** What one property accepts: `[kind, QOM type, …]` (integer bounds exact: a bigint beyond 2^53 − 1). */
export type DeviceValueSpec =
  | readonly ['bool' | 'str' | 'devfn' | 'any', string]
  | readonly ['int', string, number | bigint, number | bigint, 0 | 1]
  | readonly ['enum', string, readonly string[]]
  | readonly ['list', string, 'str' | 'any'];

/** The generated table of one target. */
export interface DeviceTable {
  /** Target name, for messages. */
  readonly target: string;
  /** How this QEMU's `device_add` reads values. */
  readonly mode: 'json' | 'keyval';
  /** Members every driver takes (strings): `bus`, `id`. */
  readonly common: readonly string[];
  /** Value specs, referenced by index. */
  readonly values: readonly DeviceValueSpec[];
  /** `[parent group or -1, property names, value index of each]`. */
  readonly groups: ReadonlyArray<readonly [number, readonly string[], readonly number[]]>;
  /** Model name → group of its branch. */
  readonly drivers: Readonly<Record<string, number>>;
}

const keyvalBool = ['on', 'off', 'yes', 'no', 'true', 'false', 'y', 'n'];
const keyvalInt = /^\s*[+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+)$/;

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
}

function list(values: readonly string[]): string {
  const shown = values.slice(0, 20).map((v) => JSON.stringify(v)).join(', ');
  return values.length > 20 ? `${shown}, …` : shown;
}

/** Why `v` is not accepted for a property, or undefined when it is. */
function problem(spec: DeviceValueSpec, v: unknown, mode: 'json' | 'keyval'): string | undefined {
  const qom = `(QOM type ${spec[1]})`;
  if (mode === 'keyval' && !isScalar(v)) return `must be a string, number or boolean ${qom}: QEMU's device_add drops other values silently`;
  switch (spec[0]) {
    case 'bool':
      if (typeof v === 'boolean') return undefined;
      if (mode === 'keyval' && typeof v === 'string' && keyvalBool.includes(v)) return undefined;
      return mode === 'json' ? `must be boolean ${qom}` : `must be boolean or one of ${list(keyvalBool)} ${qom}`;
    case 'int': {
      const [, , min, max, size] = spec;
      // number or bigint: JavaScript compares the two exactly (lossless integers)
      if ((typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint') return v >= min && v <= max ? undefined : `must be an integer from ${BigInt(min)} to ${BigInt(max)} ${qom}`;
      if (mode === 'keyval' && typeof v === 'string' && (size === 1 || keyvalInt.test(v))) return undefined;
      return mode === 'json' ? `must be integer ${qom}` : `must be integer or a string holding one ${qom}`;
    }
    case 'str':
      if (typeof v === 'string' || mode === 'keyval') return undefined;
      return `must be string ${qom}`;
    case 'devfn':
      return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint' ? undefined : `must be integer or string ${qom}`;
    case 'enum': {
      const values = spec[2];
      if (typeof v === 'string' && values.includes(v)) return undefined;
      if (mode === 'json' && typeof v !== 'string') return `must be string ${qom}`;
      if (mode === 'keyval' && typeof v === 'boolean' && values.includes('on') && values.includes('off')) return undefined;
      return `must be one of ${list(values)} ${qom}`;
    }
    case 'list':
      if (mode === 'keyval') return undefined;
      if (!Array.isArray(v)) return `must be array ${qom}`;
      if (spec[2] === 'str' && !v.every((x) => typeof x === 'string')) return `must be array of strings ${qom}`;
      return undefined;
    case 'any':
      return undefined;
  }
}

/** How QemuOpts turns a JSON number or boolean into text. */
function keyvalText(v: number | boolean): string {
  return typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v);
}

function pointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A {@link CompiledValidator} for `device_add`'s arguments over `table` (first problem only). */
export function createDeviceAddValidator(table: DeviceTable): CompiledValidator {
  const merged = new Map<number, Map<string, number>>();
  const propsOf = (group: number): Map<string, number> => {
    let m = merged.get(group);
    if (m !== undefined) return m;
    const [parent, names, values] = table.groups[group] as readonly [number, readonly string[], readonly number[]];
    m = new Map(parent < 0 ? [] : propsOf(parent));
    names.forEach((n, i) => (m as Map<string, number>).set(n, values[i] as number));
    merged.set(group, m);
    return m;
  };
  const fail = (error: AjvError): boolean => {
    validate.errors = [error];
    return false;
  };
  const validate: CompiledValidator = (data: unknown): boolean => {
    validate.errors = null;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail({ instancePath: '', keyword: 'type', params: { type: 'object' } });
    const args = data as Record<string, unknown>;
    if (!Object.prototype.hasOwnProperty.call(args, 'driver')) return fail({ instancePath: '', keyword: 'required', params: { missingProperty: 'driver' } });
    // keyval mode (QemuOpts): a number or boolean is read as its text (`5` → "5", `true` → "on")
    const given = args['driver'];
    const driver = table.mode === 'keyval' && (typeof given === 'number' || typeof given === 'boolean') ? keyvalText(given) : given;
    if (typeof driver !== 'string') return fail({ instancePath: '/driver', keyword: 'type', params: { type: 'string' } });
    const group = Object.prototype.hasOwnProperty.call(table.drivers, driver) ? table.drivers[driver] : undefined;
    if (group === undefined) {
      return fail({
        instancePath: '/driver',
        keyword: 'x-device',
        params: { driver },
        message: `is not a device model of ${table.target} (send a model the import did not see with executeUntyped or validateArguments: false)`,
      });
    }
    const props = propsOf(group);
    for (const key of Object.keys(args)) {
      if (key === 'driver') continue;
      const v = args[key];
      if (table.common.includes(key)) {
        if (typeof v !== 'string') return fail({ instancePath: `/${pointer(key)}`, keyword: 'type', params: { type: 'string' } });
        continue;
      }
      const index = props.get(key);
      if (index === undefined) return fail({ instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: key } });
      const why = problem(table.values[index] as DeviceValueSpec, v, table.mode);
      if (why !== undefined) return fail({ instancePath: `/${pointer(key)}`, keyword: 'x-device', params: { driver }, message: why });
    }
    return true;
  };
  return validate;
}
