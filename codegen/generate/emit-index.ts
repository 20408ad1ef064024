/** `index.ts`: the typed client of a target, its launcher, and the re-exports of its siblings and of the runtime. */
import type { GeneratedFile } from './generated-file.js';
import type { TargetModel } from './model.js';
import { exported, f, str, ts, withDoc } from './syntax.js';

/**
 * The sibling files whose exports `index.ts` re-exports (all but the validators, which load on
 * demand); the bigint entry (`bigint.ts`) passes its own target, commands, events and types, and the
 * default files whose remaining exports (`commandInfo`, `eventNames`) it shares in `also`.
 */
export interface IndexSiblings {
  readonly target: GeneratedFile;
  readonly commands: GeneratedFile;
  readonly events: GeneratedFile;
  /** The types module (`./types.js`, or `./bigint-types.js`). */
  readonly types?: string;
  /** More siblings whose exports are re-exported when this entry does not declare them itself. */
  readonly also?: readonly GeneratedFile[];
  /** A sentence added to the client's doc. */
  readonly note?: string;
}

/** Prints `index.ts` (or the bigint entry `bigint.ts`). */
export function emitIndex(file: GeneratedFile, model: TargetModel, siblings: IndexSiblings): void {
  const name = model.schema.name.replace(/[^A-Za-z0-9._-]/g, '_');
  const ref = (id: string, args?: ts.TypeNode[]): ts.TypeReferenceNode => f.createTypeReferenceNode(id, args);
  const js = (g: GeneratedFile): string => `./${g.name.replace(/\.ts$/, '.js')}`;
  const target = file.sibling(js(siblings.target), 'target', false);
  const client = f.createClassDeclaration(exported(), 'QmpClient', undefined, [
    f.createHeritageClause(ts.SyntaxKind.ExtendsKeyword, [f.createExpressionWithTypeArguments(f.createIdentifier(file.runtimeSymbol('QmpClient')), [
      ref(file.sibling(js(siblings.commands), 'QmpCommandMap', true)),
      ref(file.sibling(js(siblings.events), 'QmpEventMap', true)),
      ref(file.sibling(js(siblings.commands), 'QmpCommandMethods', true)),
    ])]),
  ], [
    f.createPropertyDeclaration([f.createModifier(ts.SyntaxKind.StaticKeyword), f.createModifier(ts.SyntaxKind.OverrideKeyword), f.createModifier(ts.SyntaxKind.ReadonlyKeyword)], 'target', undefined, undefined, f.createIdentifier(target)),
  ]);
  file.print(withDoc(client, [
    `A QMP client typed for ${name}: \`execute\`, \`commands.*\`, \`on\`, \`waitForEvent\` and the`,
    'event iterator know every command and event of this target.',
    ...(siblings.note === undefined ? [] : [siblings.note]),
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
  const own = [siblings.target, siblings.commands, siblings.events];
  const ownNames = new Set(own.flatMap((g) => [...g.exports.keys()]));
  file.print(
    ...own.flatMap((g) => file.reExportAllOf(g)),
    ...(siblings.also ?? []).flatMap((g) => {
      const values = [...g.exports].filter(([n, k]) => k === 'value' && !ownNames.has(n)).map(([n]) => n).sort();
      return values.length === 0 ? [] : [file.reExportLine(js(g), values, false)];
    }),
    `export type * from "${siblings.types ?? './types.js'}";`,
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
