/**
 * The `device_add` types in `types.ts` (when the target has `devices.json`): one interface per
 * model (`DeviceAdd<Model>`, its `driver` literal and its properties), interfaces of the properties
 * a QOM type's models share (`DeviceProps<Type>`, extended by them), `DeviceAddCommon` (`bus`,
 * `id`), and `DeviceAddArguments`, the union of every model discriminated on `driver`.
 */
import { commentText } from './doc.js';
import { losslessText, type DeviceArgumentMode, type DeviceGroup, type DeviceProp, type DeviceValue } from './devices.js';
import type { CommandModel, TargetModel } from './model.js';
import type { TypeRenderer } from './render.js';
import { isRecord } from '../guards.js';
import type { JsonSchema } from '../schema-format/json-schema.js';
import { arrayOf, exported, f, keyword, literalType, propName, ts, typeRef, union, withDoc } from './syntax.js';

/** Strings `device_add` reads as a boolean in keyval mode (QEMU's `qapi_bool_parse`). */
export const keyvalBoolStrings: readonly string[] = ['on', 'off', 'yes', 'no', 'true', 'false', 'y', 'n'];

/** TypeScript type of what a property accepts in this mode (see `devices.ts`). */
function valueType(r: TypeRenderer, v: DeviceValue, mode: DeviceArgumentMode): ts.TypeNode {
  const scalar = (): ts.TypeNode => union([keyword('string'), keyword('number'), keyword('boolean')]);
  const numericString = (): ts.TypeNode => f.createTemplateLiteralType(f.createTemplateHead(''), [f.createTemplateLiteralTypeSpan(keyword('number'), f.createTemplateTail(''))]);
  switch (v.kind) {
    case 'bool':
      return mode === 'json' ? keyword('boolean') : union([keyword('boolean'), ...keyvalBoolStrings.map((s) => literalType(s))]);
    case 'int': {
      // a 64-bit property (beyond ±(2^53 − 1)) also takes a bigint, sent digit for digit (issue 13)
      const safe = BigInt(Number.MAX_SAFE_INTEGER);
      const num = v.min < -safe || v.max > safe ? [keyword('number'), f.createKeywordTypeNode(ts.SyntaxKind.BigIntKeyword)] : [keyword('number')];
      return mode === 'json' ? union(num) : union([...num, v.size ? keyword('string') : numericString()]);
    }
    case 'str':
      return mode === 'json' ? keyword('string') : scalar();
    case 'devfn':
      return union([keyword('number'), keyword('string')]);
    case 'enum': {
      const e = r.named(v.typeKey, 'closed');
      return mode === 'keyval' && v.values.includes('on') && v.values.includes('off') ? union([e, keyword('boolean')]) : e;
    }
    case 'list':
      if (mode === 'keyval') return scalar();
      return arrayOf(v.items === 'str' ? keyword('string') : v.typeKey !== undefined ? r.named(v.typeKey, 'closed') : keyword('unknown'));
    case 'any':
      return mode === 'json' ? keyword('unknown') : scalar();
  }
}

/** A range as text for docs: `0..65535`. */
function rangeText(v: DeviceValue): string | undefined {
  return v.kind === 'int' ? `${v.min}..${v.max}` : undefined;
}

/** QEMU's generic help texts of a QOM type (`-device x,help`), which say nothing the type does not. */
const genericHelp = new Set(['on/off', 'on/off/auto']);

/** The doc of one property on one line: description (when it says more than the type), QOM type (with range), default. */
function propDoc(p: DeviceProp): string[] {
  const description = p.description !== undefined && !genericHelp.has(p.description.trim()) ? commentText(p.description.trim()).replace(/\s*\n\s*/g, ' ') : undefined;
  const range = rangeText(p.value);
  const facts = [`QOM type \`${commentText(p.qomType).replace(/`/g, "'")}\`${range !== undefined ? ` ${range}` : ''}`];
  if (p.default !== undefined) facts.push(`default \`${commentText(losslessText(p.default)).replace(/`/g, "'")}\``);
  return [description !== undefined ? `${description.replace(/[.]$/, '')}. (${facts.join(', ')})` : `(${facts.join(', ')})`];
}

function member(r: TypeRenderer, p: DeviceProp, mode: DeviceArgumentMode): ts.TypeElement {
  return withDoc(f.createPropertySignature(undefined, propName(p.name), f.createToken(ts.SyntaxKind.QuestionToken), valueType(r, p.value, mode)), propDoc(p));
}

/** Statements for `device_add`'s arguments (replacing the introspected `DeviceAddArguments`). */
export function deviceStatements(r: TypeRenderer, model: TargetModel, cmd: CommandModel, doc: string[]): ts.Statement[] {
  const devices = model.schema.devices;
  if (devices === undefined || cmd.argsName === undefined) return [];
  const mode = devices.mode;
  const out: ts.Statement[] = [];
  // bus, id, … as introspection gives them (driver is each branch's literal)
  const props = isRecord(cmd.args['properties']) ? cmd.args['properties'] : {};
  // Closed: the introspected arguments are open (any device property), but here each driver's branch lists its own.
  const common: JsonSchema = { ...cmd.args, properties: Object.fromEntries(Object.entries(props).filter(([k]) => k !== 'driver')), required: [], additionalProperties: false };
  out.push(
    withDoc(f.createInterfaceDeclaration(exported(), 'DeviceAddCommon', undefined, undefined, r.members(common, 'closed', 'commands', `${model.schema.display}/commands.json#/definitions/device_add`)), [
      'Members of `device_add` that every driver takes (handled by `device_add` itself, not by the device model).',
    ]),
  );
  const heritage = (g: DeviceGroup): ts.HeritageClause[] => {
    const parent = g.parent < 0 ? 'DeviceAddCommon' : (devices.groups[g.parent]?.name as string);
    return [f.createHeritageClause(ts.SyntaxKind.ExtendsKeyword, [f.createExpressionWithTypeArguments(f.createIdentifier(parent), undefined)])];
  };
  const branches: string[] = [];
  for (const g of devices.groups) {
    const name = g.name as string;
    const members = g.props.map((p) => member(r, p, mode));
    if (g.branch) {
      branches.push(name);
      members.unshift(withDoc(f.createPropertySignature(undefined, 'driver', undefined, literalType(g.qomType)), ['The device model (QOM type).']));
    }
    const what = g.branch
      ? `\`device_add\` arguments for the device model \`${commentText(g.qomType)}\` (properties from \`device-list-properties\`).`
      : `Properties every device model below the QOM type \`${commentText(g.qomType)}\` has.`;
    out.push(withDoc(f.createInterfaceDeclaration(exported(), name, undefined, heritage(g), members), [what]));
  }
  const skipped = devices.skipped.map(([n]) => `\`${commentText(n)}\``);
  const extra = [
    `One branch per device model of the imported QEMU, discriminated on \`driver\` (${branches.length} models; values typed as \`device_add\` of this QEMU reads them: ${mode === 'json' ? 'JSON types as sent' : 'also as strings, QemuOpts style'}).`,
    'A model the import did not see (a module not loaded, a newer QEMU): send it with `executeUntyped` or with `validateArguments: false` (README, "device_add").',
    ...(skipped.length > 0 ? [`Not described by QEMU (device-list-properties failed): ${skipped.join(', ')}.`] : []),
  ];
  out.push(withDoc(f.createTypeAliasDeclaration(exported(), cmd.argsName, undefined, union(branches.map((b) => typeRef(b)))), [...doc, ...extra.flatMap((e) => ['', e])]));
  return out;
}
