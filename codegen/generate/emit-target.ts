/** `target.ts`: the runtime binding of a target; validators are loaded on demand so importing the client stays cheap. */
import type { GeneratedFile } from './generated-file.js';
import type { TargetModel } from './model.js';
import { exported, f, str, ts, withDoc } from './syntax.js';

/** Prints `target.ts`. */
export function emitTarget(file: GeneratedFile, model: TargetModel): void {
  const { qemu, arch } = model.schema;
  const num = (n: number): ts.Expression => f.createNumericLiteral(n);
  const freeze = (e: ts.Expression): ts.Expression => f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier('Object'), 'freeze'), undefined, [e]);
  const binding = f.createObjectLiteralExpression([
    f.createPropertyAssignment('name', str(model.schema.name)),
    ...(qemu === undefined
      ? []
      : [f.createPropertyAssignment('qemu', freeze(f.createObjectLiteralExpression([
          f.createPropertyAssignment('major', num(qemu.major)),
          f.createPropertyAssignment('minor', num(qemu.minor)),
          f.createPropertyAssignment('micro', num(qemu.micro)),
        ])))]),
    ...(arch === undefined ? [] : [f.createPropertyAssignment('arch', str(arch))]),
    f.createPropertyAssignment('commands', f.createIdentifier(file.sibling('./commands.js', 'commandInfo', false))),
    f.createPropertyAssignment('events', f.createIdentifier(file.sibling('./events.js', 'eventNames', false))),
    f.createPropertyAssignment('loadValidators', f.createArrowFunction(undefined, undefined, [], undefined, undefined,
      f.createCallExpression(f.createToken(ts.SyntaxKind.ImportKeyword) as unknown as ts.Expression, undefined, [str('./validators.js')]))),
  ], true);
  file.print(withDoc(
    f.createVariableStatement(exported(), f.createVariableDeclarationList([
      f.createVariableDeclaration('target', undefined, f.createTypeReferenceNode(file.runtimeSymbol('TargetBinding')), freeze(binding)),
    ], ts.NodeFlags.Const)),
    [`The binding of target ${model.schema.name.replace(/[^A-Za-z0-9._-]/g, '_')} for the runtime (QEMU version and architecture, command table, event names, validators on demand).`],
  ));
}
