/** `target.ts` of a guest agent target: the runtime binding (agent version, command table, commands without a success response, validators on demand). */
import type { GeneratedFile } from './generated-file.js';
import type { TargetModel } from './model.js';
import { exported, f, str, ts, withDoc } from './syntax.js';

/** Prints `target.ts` of a guest agent target. */
export function emitQgaTarget(file: GeneratedFile, model: TargetModel): void {
  const { qemu } = model.schema;
  const num = (n: number): ts.Expression => f.createNumericLiteral(n);
  const freeze = (e: ts.Expression): ts.Expression => f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier('Object'), 'freeze'), undefined, [e]);
  const noResponse = model.commands.filter((c) => !c.successResponse).map((c) => str(c.wire));
  const binding = f.createObjectLiteralExpression([
    f.createPropertyAssignment('name', str(model.schema.name)),
    f.createPropertyAssignment('protocol', str('qga')),
    ...(qemu === undefined
      ? []
      : [f.createPropertyAssignment('qemu', freeze(f.createObjectLiteralExpression([
          f.createPropertyAssignment('major', num(qemu.major)),
          f.createPropertyAssignment('minor', num(qemu.minor)),
          f.createPropertyAssignment('micro', num(qemu.micro)),
        ])))]),
    f.createPropertyAssignment('commands', f.createIdentifier(file.sibling('./commands.js', 'commandInfo', false))),
    f.createPropertyAssignment('events', freeze(f.createArrayLiteralExpression([]))),
    f.createPropertyAssignment('noSuccessResponse', freeze(f.createArrayLiteralExpression(noResponse))),
    f.createPropertyAssignment('loadValidators', f.createArrowFunction(undefined, undefined, [], undefined, undefined,
      f.createCallExpression(f.createToken(ts.SyntaxKind.ImportKeyword) as unknown as ts.Expression, undefined, [str('./validators.js')]))),
  ], true);
  file.print(withDoc(
    f.createVariableStatement(exported(), f.createVariableDeclarationList([
      f.createVariableDeclaration('target', undefined, f.createTypeReferenceNode(file.runtimeSymbol('QgaTargetBinding')), freeze(binding)),
    ], ts.NodeFlags.Const)),
    [`The binding of guest agent target ${model.schema.name.replace(/[^A-Za-z0-9._-]/g, '_')} for the runtime (agent version, command table, commands without a success response, validators on demand).`],
  ));
}
