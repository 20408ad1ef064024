/** `types.ts`: every named type (closed and/or open form), per-command argument/return and per-event data types. */
import { docLines } from './doc.js';
import { deviceStatements } from './emit-devices.js';
import type { GeneratedFile } from './generated-file.js';
import { isStringEnum, unionTag, type Form, type TargetModel } from './model.js';
import { TypeRenderer } from './render.js';
import { exported, f, ts, withDoc } from './syntax.js';
import type { WideIntegers } from './wide-integers.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import type { SchemaFile } from '../schema-format/files.js';

function declaration(r: TypeRenderer, name: string, node: JsonSchema, form: Form, file: SchemaFile, where: string, doc: string[]): ts.Statement {
  const plainObject = node['type'] === 'object' && node['$ref'] === undefined && unionTag(node) === undefined && node['anyOf'] === undefined && node['oneOf'] === undefined && node['allOf'] === undefined && !isStringEnum(node);
  const decl = plainObject
    ? f.createInterfaceDeclaration(exported(), name, undefined, undefined, r.members(node, form, file, where))
    : f.createTypeAliasDeclaration(exported(), name, undefined, r.type(node, form, file, where));
  return withDoc(decl, doc);
}

/**
 * Prints `types.ts` (`mode` `default`: 64-bit integers are `QapiInt`), or `bigint-types.ts` (`mode`
 * `bigint`: only the declarations holding a 64-bit integer, as `bigint`; every other name comes from
 * `types.ts` through `export type *`, which a local declaration of the same name overrides).
 */
export function emitTypes(file: GeneratedFile, model: TargetModel, wide: WideIntegers, mode: IntegerMode = 'default'): void {
  const big = mode === 'bigint';
  const r = new TypeRenderer(model, undefined, {
    wideInt: integerType(file, mode),
    ...(big ? { shared: { qualifier: file.namespace('./types.js', 'D', true), wideKeys: wide.typeKeys } } : {}),
  });
  const out: ts.Statement[] = [];
  const display = model.schema.display;
  if (big) file.print('export type * from "./types.js";');
  for (const t of model.types.values()) {
    if (big && !wide.typeKeys.has(t.key)) continue;
    const where = `${display}/types.json#/definitions/${t.key}`;
    const base = docLines(t.schema);
    if (t.closedName !== undefined) {
      const note = t.openName !== undefined ? [`Closed form (what a client sends); \`${t.openName}\` is the form QEMU sends.`] : [];
      out.push(declaration(r, t.closedName, t.schema, 'closed', 'types', where, docLines(t.schema, { extra: note })));
    }
    if (t.openName !== undefined) {
      const note = t.closedName !== undefined ? [`Open form (what QEMU sends: enums accept values a newer QEMU may add); \`${t.closedName}\` is the closed form.`] : [];
      out.push(declaration(r, t.openName, t.schema, 'open', 'types', where, note.length > 0 ? docLines(t.schema, { extra: note }) : base));
    }
  }
  for (const c of model.commands) {
    const argsWide = wide.mentions(c.args, 'commands', `${display}/commands.json#/definitions/${c.wire}`);
    if (c.wire === 'device_add' && model.schema.devices !== undefined) {
      if (!big) out.push(...deviceStatements(r, model, c, [`Arguments of \`device_add\`.`]));
    } else if (c.argsName !== undefined && (!big || argsWide)) {
      out.push(declaration(r, c.argsName, c.args, 'closed', 'commands', `${display}/commands.json#/definitions/${c.wire}`, [`Arguments of \`${JSON.stringify(c.wire).slice(1, -1).replace(/`/g, "'")}\`.`].map(safeLine)));
    }
    if (c.returnsName !== undefined && (!big || wide.mentions(c.returns, 'returns', `${display}/returns.json#/definitions/${c.wire}`))) {
      out.push(declaration(r, c.returnsName, c.returns, 'open', 'returns', `${display}/returns.json#/definitions/${c.wire}`, docLines(c.returns, { extra: [safeLine(`Return of \`${wireText(c.wire)}\`.`)] })));
    }
  }
  for (const e of model.events) {
    if (e.dataName !== undefined && (!big || wide.mentions(e.data, 'events', `${display}/events.json#/definitions/${e.wire}`))) {
      out.push(declaration(r, e.dataName, e.data, 'open', 'events', `${display}/events.json#/definitions/${e.wire}`, docLines(e.data, { extra: [safeLine(`Data of event \`${wireText(e.wire)}\`.`)] })));
    }
  }
  for (const s of out) file.print(s);
}

/** `default`: a 64-bit integer is `QapiInt` (`number | bigint`); `bigint`: it is `bigint` (the bigint entry). */
export type IntegerMode = 'default' | 'bigint';

/** The type printed for a 64-bit integer in `file` in this mode. */
export function integerType(file: GeneratedFile, mode: IntegerMode): () => ts.TypeNode {
  return mode === 'bigint' ? () => f.createKeywordTypeNode(ts.SyntaxKind.BigIntKeyword) : () => f.createTypeReferenceNode(file.runtimeSymbol('QapiInt'));
}

/** A wire name shown inside a code span in a comment. */
export function wireText(wire: string): string {
  return JSON.stringify(wire).slice(1, -1).replace(/`/g, "'");
}

/** Makes a generated doc line inert (same rules as schema text). */
export function safeLine(s: string): string {
  return s.replace(/\*\//g, '*\\/').replace(/[\u2028\u2029\r\n]/g, ' ');
}
