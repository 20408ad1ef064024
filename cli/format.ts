/**
 * How `qmp` prints results, errors and events: `--json` gives one JSON document per line; the
 * default is indented JSON with coloured keys and values (on a colour terminal, see `colors.ts`).
 */
import type { Paint } from './colors.js';
import { stringifyJson } from '../runtime/json-stringify.js'; // bigints digit for digit

/** Indented JSON with colours: keys cyan, strings green, numbers yellow, booleans/null magenta. */
export function pretty(value: unknown, paint: Paint, indent = ''): string {
  if (value === undefined) return paint('dim', '(nothing)');
  if (value === null || typeof value === 'boolean') return paint('magenta', String(value));
  if (typeof value === 'number') return paint('yellow', JSON.stringify(value));
  if (typeof value === 'bigint') return paint('yellow', value.toString()); // exact, as on the wire
  if (typeof value === 'string') return paint('green', JSON.stringify(value));
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${pretty(v, paint, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${paint('cyan', JSON.stringify(k))}: ${pretty(v, paint, inner)}`).join(',\n')}\n${indent}}`;
}

/** A result for the terminal (`json`: one line of JSON). */
export function formatResult(value: unknown, json: boolean, paint: Paint): string {
  if (json) return stringifyJson(value ?? {}) as string;
  return pretty(value, paint);
}

/** An event: `--json` gives the event message as QEMU sent it; otherwise `HH:MM:SS.mmm NAME {data}`. */
export function formatEvent(ev: { event: string; data?: unknown; timestamp: { seconds: number; microseconds: number } }, json: boolean, paint: Paint): string {
  if (json) return stringifyJson({ event: ev.event, ...(ev.data === undefined ? {} : { data: ev.data }), timestamp: ev.timestamp }) as string;
  const t = ev.timestamp.seconds >= 0 ? new Date(ev.timestamp.seconds * 1000 + Math.floor(ev.timestamp.microseconds / 1000)).toISOString().slice(11, 23) : '--:--:--.---';
  const data = ev.data === undefined || (typeof ev.data === 'object' && ev.data !== null && Object.keys(ev.data).length === 0) ? '' : ` ${stringifyJson(ev.data) as string}`;
  return `${paint('dim', t)} ${paint('bold', ev.event)}${data}`;
}
