/**
 * `bigint-target.ts`: the runtime binding of a target's bigint entry — `target.ts`'s binding plus
 * `bigints`, the table of where the 64-bit integers sit (`runtime/bigint-table.ts`), by which the
 * session delivers every one of them as a `bigint`.
 */
import type { GeneratedFile } from './generated-file.js';
import type { TargetModel } from './model.js';
import type { WideIntegers } from './wide-integers.js';

/** Prints `bigint-target.ts`. */
export function emitBigintTarget(file: GeneratedFile, model: TargetModel, wide: WideIntegers, bindingType: 'TargetBinding' | 'QgaTargetBinding' = 'TargetBinding'): void {
  const table = wide.table();
  // one JSON text, one entry per line (JSON.parse: member names such as `__proto__` stay plain members)
  const parts: string[] = [];
  const sections = Object.entries(table) as [string, Record<string, unknown>][];
  sections.forEach(([section, entries], i) => {
    parts.push(`${i === 0 ? '{' : '},'}${JSON.stringify(section)}:{`);
    const list = Object.entries(entries);
    list.forEach(([k, v], j) => parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}${j < list.length - 1 ? ',' : ''}`));
  });
  parts.push('}}');
  const tableType = file.runtimeSymbol('BigintTable');
  const binding = file.runtimeSymbol(bindingType);
  const base = file.namespace('./target.js', 'base', false);
  const name = model.schema.name.replace(/[^A-Za-z0-9._-]/g, '_');
  file.print([
    `/** Where the 64-bit integers of ${name} sit: named types, command returns and event data holding any (\`runtime/bigint-table.ts\` reads it). */`,
    `export const bigintTable: ${tableType} = JSON.parse(`,
    `  ${parts.map((p) => JSON.stringify(p)).join(' +\n  ')}`,
    ');',
  ].join('\n'));
  file.print([
    `/** The binding of the bigint entry of ${name}: \`target.ts\`'s, plus the table by which replies and events deliver every 64-bit integer as a \`bigint\`. */`,
    `export const target: ${binding} = Object.freeze({ ...${base}.target, bigints: bigintTable });`,
  ].join('\n'));
}
