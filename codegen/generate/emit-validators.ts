/**
 * `validators-code.ts` (Ajv's standalone code, unchecked, with typed tables) and `validators.ts`
 * (the validator-only entry: `validateArguments`, `validateReturn`, `validateEvent`,
 * `validateGreeting`, `validateMessage`; it loads no socket code).
 */
import type { CompiledValidators } from './compile-validators.js';
import type { GeneratedFile } from './generated-file.js';
import { stringLiteral } from './names.js';
import { exported, f, ts, withDoc } from './syntax.js';

/** The pragma line of `validators-code.ts`. */
export const validatorsCodePragma = '// @ts-nocheck: Ajv standalone code (compiled at generate time); the typed tables are at the end.';

function table(name: string, type: string, doc: string, entries: ReadonlyArray<readonly [string, string]>): string {
  const rows = entries.map(([wire, fn]) => `  [${stringLiteral(wire)}, ${fn}],`).join('\n');
  return `/** ${doc} */\nexport const ${name}: ReadonlyMap<string, ${type}> = new Map<string, ${type}>([\n${rows}\n]);`;
}

/**
 * Prints `validators-code.ts`. With `deviceTable` (the code of `deviceTable`, see
 * `device-table.ts`) `device_add`'s arguments are checked per driver by the runtime's table validator.
 */
export function emitValidatorsCode(file: GeneratedFile, compiled: CompiledValidators, deviceTable?: string): void {
  const exportNames = new Set([...compiled.args, ...compiled.returns, ...compiled.events].map(([, n]) => n).concat([compiled.greeting, compiled.message]));
  const code = compiled.code.replace(/^export const ([A-Za-z0-9_]+) = /gm, (_match, name: string) => {
    if (!exportNames.has(name)) throw new Error(`unexpected Ajv export ${name}`);
    return `const ${name} = `;
  });
  const validator = file.runtimeSymbol('CompiledValidator');
  file.print(code.trimEnd());
  if (deviceTable !== undefined) file.print(deviceTable, '', `const deviceAddValidator = ${file.runtimeSymbol('createDeviceAddValidator')}(deviceTable);`);
  const args = deviceTable !== undefined ? compiled.args.map(([w, fn]) => [w, w === 'device_add' ? 'deviceAddValidator' : fn] as const) : compiled.args;
  file.print(table('argumentValidators', validator, 'Exact validators of command arguments, by command wire name.', args));
  file.print(table('returnValidators', validator, 'Compatible validators of command returns, by command wire name.', compiled.returns));
  file.print(table('eventValidators', validator, 'Compatible validators of event data, by event name.', compiled.events));
  file.print(`/** The greeting (compatible). */\nexport const greetingValidator: ${validator} = ${compiled.greeting};`);
  file.print(`/** Any protocol message, in either direction (envelope only). */\nexport const messageValidator: ${validator} = ${compiled.message};`);
}

/**
 * Prints `validators.ts`: the validator-only entry. A binding only: the logic (paths, messages,
 * unknown names) lives in the runtime's `validation` module, which loads no socket code.
 */
export function emitValidators(file: GeneratedFile): void {
  const code = (name: string): ts.Identifier => f.createIdentifier(file.sibling('./validators-code.js', name, false));
  const tables = f.createObjectLiteralExpression(f.createNodeArray([
    f.createPropertyAssignment('arguments', code('argumentValidators')),
    f.createPropertyAssignment('returns', code('returnValidators')),
    f.createPropertyAssignment('events', code('eventValidators')),
    f.createPropertyAssignment('greeting', code('greetingValidator')),
    f.createPropertyAssignment('message', code('messageValidator')),
  ], true), true);
  file.print(f.createVariableStatement(undefined, f.createVariableDeclarationList([
    f.createVariableDeclaration('validators', undefined, undefined, f.createCallExpression(f.createIdentifier(file.runtimeSymbol('createTargetValidators')), undefined, [tables])),
  ], ts.NodeFlags.Const)));
  const entry = (name: string, doc: string[]): ts.Statement => withDoc(f.createVariableStatement(exported(), f.createVariableDeclarationList([
    f.createVariableDeclaration(name, undefined, undefined, f.createPropertyAccessExpression(f.createIdentifier('validators'), name)),
  ], ts.NodeFlags.Const)), doc);
  file.print(entry('validateArguments', ['Checks a command\'s arguments exactly (what the client sends is closed); `undefined` means none.']));
  file.print(entry('validateReturn', ['Checks a command\'s return value (compatible: unknown members and enum values are accepted).']));
  file.print(entry('validateEvent', ['Checks an event\'s `data` member (compatible); `undefined` means the event carried none.']));
  file.print(entry('validateGreeting', ['Checks a server greeting (compatible).']));
  file.print(entry('validateMessage', [
    'Checks any whole protocol message in either direction: the envelope, then the arguments of a',
    'command (exact) or the data of an event (compatible).',
  ]));
}
