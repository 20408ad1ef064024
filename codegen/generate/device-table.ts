/**
 * The `device_add` validator table of a target (see `runtime/device-validation.ts` for its shape),
 * as JavaScript source for `validators-code.ts`: value specs deduplicated, groups in the model's order.
 */
import type { DeviceSet, DeviceValue } from './devices.js';
import { stringLiteral } from './names.js';

function spec(qomType: string, v: DeviceValue): unknown[] {
  switch (v.kind) {
    case 'int':
      return ['int', qomType, v.min, v.max, v.size ? 1 : 0];
    case 'enum':
      return ['enum', qomType, v.values];
    case 'list':
      return ['list', qomType, v.items];
    default:
      return [v.kind, qomType];
  }
}

/** JavaScript text of a JSON-like value (keys quoted; integers beyond 2^53 − 1 as exact bigint literals). */
function js(v: unknown): string {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? v.toString() : `${v}n`;
  if (typeof v === 'string') return stringLiteral(v);
  if (Array.isArray(v)) return `[${v.map(js).join(',')}]`;
  return JSON.stringify(v);
}

/** Source of `const deviceTable = …;` for `target`, with `common` the members every driver takes. */
export function deviceTableCode(devices: DeviceSet, target: string, common: readonly string[]): string {
  const values: string[] = [];
  const index = new Map<string, number>();
  const valueIndex = (qomType: string, v: DeviceValue): number => {
    const text = js(spec(qomType, v));
    let i = index.get(text);
    if (i === undefined) {
      i = values.length;
      values.push(text);
      index.set(text, i);
    }
    return i;
  };
  const groups = devices.groups.map((g) => `[${g.parent},${js(g.props.map((p) => p.name))},${js(g.props.map((p) => valueIndex(p.qomType, p.value)))}]`);
  const drivers = devices.groups.flatMap((g, i) => (g.branch ? [`${stringLiteral(g.qomType)}:${i}`] : []));
  return [
    '/** device_add: what each device model accepts (runtime/device-validation.ts reads it). */',
    'const deviceTable = {',
    `target:${stringLiteral(target)},`,
    `mode:${stringLiteral(devices.mode)},`,
    `common:${js([...common])},`,
    `values:[\n${values.join(',\n')}\n],`,
    `groups:[\n${groups.join(',\n')}\n],`,
    // a prototype-less object: model names are data, `__proto__` included
    `drivers:Object.assign(Object.create(null),{\n${drivers.join(',\n')}\n}),`,
    '};',
  ].join('\n');
}
