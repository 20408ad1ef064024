/** `commands.ts`: the command map, the camelCase method interface and the `commandInfo` table. */
import { docLines } from './doc.js';
import type { GeneratedFile } from './generated-file.js';
import { isEmptyObject, type CommandModel, type TargetModel } from './model.js';
import { TypeRenderer } from './render.js';
import { exported, f, keyword, objectKey, propName, str, ts, withDoc } from './syntax.js';
import { safeLine, wireText } from './emit-types.js';

/** Type of a command's `args` in the map. */
function argsType(r: TypeRenderer, model: TargetModel, c: CommandModel): ts.TypeNode {
  if (c.noArguments) return keyword('undefined');
  if (c.argsName !== undefined) return r.ref(c.argsName);
  return r.type(c.args, 'closed', 'commands', `${model.schema.display}/commands.json#/definitions/${c.wire}`);
}

/** Type of a command's return in the map. */
function returnsType(r: TypeRenderer, model: TargetModel, c: CommandModel): ts.TypeNode {
  if (!c.successResponse) return keyword('undefined'); // answers nothing on success: the call resolves with undefined
  if (c.returnsName !== undefined) return r.ref(c.returnsName);
  if (isEmptyObject(c.returns)) return f.createTypeReferenceNode('Record', [keyword('string'), keyword('never')]);
  return r.type(c.returns, 'open', 'returns', `${model.schema.display}/returns.json#/definitions/${c.wire}`);
}

/** Doc lines of a command (description, sections, wire name). */
function commandDoc(c: CommandModel): string[] {
  const note = c.allowOob ? ' (may be sent out-of-band)' : c.successResponse ? '' : ' (answers nothing on success: the call resolves with `undefined`)';
  const extra = [safeLine(`Wire name: \`${wireText(c.wire)}\`${note}.`)];
  return docLines(c.args, { sections: true, extra });
}

/**
 * Prints `commands.ts`. `prefix` names the map and the methods (`Qmp` → `QmpCommandMap`,
 * `QmpCommandName`, `QmpCommandMethods`; the guest agent's targets use `Qga`).
 */
export function emitCommands(file: GeneratedFile, model: TargetModel, prefix: 'Qmp' | 'Qga' = 'Qmp'): void {
  const mapName = `${prefix}CommandMap`;
  const nameName = `${prefix}CommandName`;
  const methodsName = `${prefix}CommandMethods`;
  const r = new TypeRenderer(model, file.namespace('./types.js', 'T', true));
  const executeOptions = file.runtimeSymbol('ExecuteOptions');
  const commandInfo = file.runtimeSymbol('CommandInfo');
  const mapMembers: ts.TypeElement[] = [];
  const methods: ts.TypeElement[] = [];
  const infos: ts.PropertyAssignment[] = [];
  for (const c of model.commands) {
    const args = argsType(r, model, c);
    const returns = returnsType(r, model, c);
    const doc = commandDoc(c);
    mapMembers.push(
      withDoc(
        f.createPropertySignature(undefined, propName(c.wire), undefined, f.createTypeLiteralNode([
          f.createPropertySignature(undefined, 'args', undefined, args),
          f.createPropertySignature(undefined, 'returns', undefined, returns),
        ])),
        doc,
      ),
    );
    const optional = f.createToken(ts.SyntaxKind.QuestionToken);
    methods.push(
      withDoc(
        f.createMethodSignature(undefined, c.method, undefined, undefined, [
          f.createParameterDeclaration(undefined, undefined, 'args', c.argsOptional ? optional : undefined, args),
          f.createParameterDeclaration(undefined, undefined, 'options', optional, f.createTypeReferenceNode(executeOptions)),
        ], f.createTypeReferenceNode('Promise', [returns])),
        doc,
      ),
    );
    infos.push(
      f.createPropertyAssignment(objectKey(c.wire), f.createObjectLiteralExpression([
        f.createPropertyAssignment('method', str(c.method)),
        f.createPropertyAssignment('noArguments', c.noArguments ? f.createTrue() : f.createFalse()),
        f.createPropertyAssignment('allowOob', c.allowOob ? f.createTrue() : f.createFalse()),
      ])),
    );
  }
  const nameParam = (): ts.TypeParameterDeclaration => f.createTypeParameterDeclaration(undefined, 'N', f.createTypeReferenceNode(nameName));
  const indexed = (member: string): ts.TypeNode => f.createIndexedAccessTypeNode(f.createIndexedAccessTypeNode(f.createTypeReferenceNode(mapName), f.createTypeReferenceNode('N')), f.createLiteralTypeNode(str(member)));
  const statements = [
    withDoc(f.createInterfaceDeclaration(exported(), mapName, undefined, undefined, mapMembers), [
      `Every command of ${safeLine(model.schema.name)}: wire name → arguments (\`undefined\` when it takes none) and return type.`,
    ]),
    withDoc(f.createTypeAliasDeclaration(exported(), nameName, undefined, f.createIntersectionTypeNode([f.createTypeOperatorNode(ts.SyntaxKind.KeyOfKeyword, f.createTypeReferenceNode(mapName)), keyword('string')])), ['Wire name of a command.']),
    withDoc(f.createTypeAliasDeclaration(exported(), 'CommandArguments', [nameParam()], indexed('args')), ['Arguments of command `N`.']),
    withDoc(f.createTypeAliasDeclaration(exported(), 'CommandReturn', [nameParam()], indexed('returns')), ['Return type of command `N`.']),
    withDoc(f.createInterfaceDeclaration(exported(), methodsName, undefined, undefined, methods), [
      'camelCase methods on `client.commands`; each delegates to `execute(<wire name>, args, options)`.',
    ]),
    withDoc(
      f.createVariableStatement(exported(), f.createVariableDeclarationList([
        f.createVariableDeclaration('commandInfo', undefined, f.createTypeReferenceNode('Readonly', [f.createTypeReferenceNode('Record', [keyword('string'), f.createTypeReferenceNode(commandInfo)])]),
          f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier('Object'), 'freeze'), undefined, [
            f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier('Object'), 'assign'), undefined, [
              f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier('Object'), 'create'), undefined, [f.createNull()]),
              f.createObjectLiteralExpression(infos, true),
            ]),
          ])),
      ], ts.NodeFlags.Const)),
      ['Static facts of every command, by wire name (a prototype-less object, sorted by wire name).'],
    ),
  ];
  for (const s of statements) file.print(s);
}

