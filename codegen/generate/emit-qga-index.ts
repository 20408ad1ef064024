/** `index.ts` of a guest agent target: the typed `QgaClient`, and the re-exports of its siblings and of the runtime. */
import type { GeneratedFile } from './generated-file.js';
import type { TargetModel } from './model.js';
import { exported, f, ts, withDoc } from './syntax.js';

/** The sibling files whose exports `index.ts` re-exports (all but the validators, which load on demand). */
export interface QgaIndexSiblings {
  readonly target: GeneratedFile;
  readonly commands: GeneratedFile;
}

/** Prints `index.ts` of a guest agent target. */
export function emitQgaIndex(file: GeneratedFile, model: TargetModel, siblings: QgaIndexSiblings): void {
  const name = model.schema.name.replace(/[^A-Za-z0-9._-]/g, '_');
  const ref = (id: string, args?: ts.TypeNode[]): ts.TypeReferenceNode => f.createTypeReferenceNode(id, args);
  const target = file.sibling('./target.js', 'target', false);
  const client = f.createClassDeclaration(exported(), 'QgaClient', undefined, [
    f.createHeritageClause(ts.SyntaxKind.ExtendsKeyword, [f.createExpressionWithTypeArguments(f.createIdentifier(file.runtimeSymbol('QgaClient')), [
      ref(file.sibling('./commands.js', 'QgaCommandMap', true)),
      ref(file.sibling('./commands.js', 'QgaCommandMethods', true)),
    ])]),
  ], [
    f.createPropertyDeclaration([f.createModifier(ts.SyntaxKind.StaticKeyword), f.createModifier(ts.SyntaxKind.OverrideKeyword), f.createModifier(ts.SyntaxKind.ReadonlyKeyword)], 'target', undefined, undefined, f.createIdentifier(target)),
  ]);
  file.print(withDoc(client, [
    `A QEMU guest agent client typed for ${name}: \`execute\` and \`commands.*\` know every command of this agent.`,
    '',
    '@example',
    '```ts',
    'const qga = await QgaClient.connect({ path: "/run/qemu/vm1-qga.sock" });',
    'const nanoseconds = await qga.commands.guestGetTime(); // a bigint: beyond 2^53',
    '```',
  ]));
  file.print(...file.reExportAllOf(siblings.target), ...file.reExportAllOf(siblings.commands), 'export type * from "./types.js";');
  const load = f.createFunctionDeclaration(exported(), undefined, 'loadValidators', undefined, [], ref('Promise', [ref(file.runtimeSymbol('TargetValidators'))]), f.createBlock([
    f.createReturnStatement(f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(target), 'loadValidators'), undefined, [])),
  ], true));
  file.print(withDoc(load, [
    "Loads this target's validators (`validateArguments`, `validateReturn`, `validateMessage`) on demand: they",
    "are large, so importing the client does not load them. For synchronous use import them from the target's",
    '`validators` entry instead.',
  ]));
  file.print(...file.runtimeReExportLines('value', 'qga'), ...file.runtimeReExportLines('type', 'qga'));
}
