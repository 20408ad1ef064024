/** `index.ts`: the typed client of a target, its launcher, and the re-exports of its siblings and of the runtime. */
import type { GeneratedFile } from './generated-file.js';
import type { TargetModel } from './model.js';
import { exported, f, str, ts, withDoc } from './syntax.js';

/** The sibling files whose exports `index.ts` re-exports (all but the validators, which load on demand). */
export interface IndexSiblings {
  readonly target: GeneratedFile;
  readonly commands: GeneratedFile;
  readonly events: GeneratedFile;
}

/** Prints `index.ts`. */
export function emitIndex(file: GeneratedFile, model: TargetModel, siblings: IndexSiblings): void {
  const name = model.schema.name.replace(/[^A-Za-z0-9._-]/g, '_');
  const ref = (id: string, args?: ts.TypeNode[]): ts.TypeReferenceNode => f.createTypeReferenceNode(id, args);
  const target = file.sibling('./target.js', 'target', false);
  const client = f.createClassDeclaration(exported(), 'QmpClient', undefined, [
    f.createHeritageClause(ts.SyntaxKind.ExtendsKeyword, [f.createExpressionWithTypeArguments(f.createIdentifier(file.runtimeSymbol('QmpClient')), [
      ref(file.sibling('./commands.js', 'QmpCommandMap', true)),
      ref(file.sibling('./events.js', 'QmpEventMap', true)),
      ref(file.sibling('./commands.js', 'QmpCommandMethods', true)),
    ])]),
  ], [
    f.createPropertyDeclaration([f.createModifier(ts.SyntaxKind.StaticKeyword), f.createModifier(ts.SyntaxKind.OverrideKeyword), f.createModifier(ts.SyntaxKind.ReadonlyKeyword)], 'target', undefined, undefined, f.createIdentifier(target)),
  ]);
  file.print(withDoc(client, [
    `A QMP client typed for ${name}: \`execute\`, \`commands.*\`, \`on\`, \`waitForEvent\` and the`,
    'event iterator know every command and event of this target.',
    '',
    '@example',
    '```ts',
    'const qmp = await QmpClient.connect({ path: "/run/qemu/qmp.sock" });',
    'const status = await qmp.commands.queryStatus();',
    '```',
  ]));
  const launch = f.createFunctionDeclaration(exported(), undefined, 'launchQemu', undefined, [
    f.createParameterDeclaration(undefined, undefined, 'options', undefined, ref('Omit', [ref(file.runtimeSymbol('LaunchOptions'), [ref('QmpClient')]), f.createLiteralTypeNode(str('client'))])),
  ], ref('Promise', [ref(file.runtimeSymbol('LaunchedQemu'), [ref('QmpClient')])]), f.createBlock([
    f.createReturnStatement(f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier('QmpClient'), 'launch'), undefined, [f.createIdentifier('options')])),
  ], true));
  file.print(withDoc(launch, ['Starts QEMU with a QMP socket and connects a {@link QmpClient} of this target to it (rejects, never throws).']));
  file.print(
    ...file.reExportAllOf(siblings.target),
    ...file.reExportAllOf(siblings.commands),
    ...file.reExportAllOf(siblings.events),
    'export type * from "./types.js";',
  );
  const load = f.createFunctionDeclaration(exported(), undefined, 'loadValidators', undefined, [], ref('Promise', [ref(file.runtimeSymbol('TargetValidators'))]), f.createBlock([
    f.createReturnStatement(f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(target), 'loadValidators'), undefined, [])),
  ], true));
  file.print(withDoc(load, [
    "Loads this target's validators (`validateArguments`, `validateReturn`, `validateEvent`,",
    '`validateGreeting`, `validateMessage`) on demand: they are large, so importing the client does',
    "not load them. For synchronous use import them from the target's `validators` entry instead.",
  ]));
  file.print(...file.runtimeReExportLines('value'), ...file.runtimeReExportLines('type'));
}
