/** `index.ts` of a guest agent target: the typed `QgaClient`, and the re-exports of its siblings and of the runtime. */
import type { GeneratedFile } from './generated-file.js';
import type { TargetModel } from './model.js';
import { exported, f, ts, withDoc } from './syntax.js';

/**
 * The sibling files whose exports `index.ts` re-exports (all but the validators, which load on
 * demand); the bigint entry (`bigint.ts`) passes its own target, commands and types, and the default
 * commands file whose remaining exports (`commandInfo`) it shares in `also`.
 */
export interface QgaIndexSiblings {
  readonly target: GeneratedFile;
  readonly commands: GeneratedFile;
  /** The types module (`./types.js`, or `./bigint-types.js`). */
  readonly types?: string;
  /** More siblings whose value exports are re-exported when this entry does not declare them itself. */
  readonly also?: readonly GeneratedFile[];
  /** A sentence added to the client's doc. */
  readonly note?: string;
}

/** Prints `index.ts` of a guest agent target. */
export function emitQgaIndex(file: GeneratedFile, model: TargetModel, siblings: QgaIndexSiblings): void {
  const name = model.schema.name.replace(/[^A-Za-z0-9._-]/g, '_');
  const ref = (id: string, args?: ts.TypeNode[]): ts.TypeReferenceNode => f.createTypeReferenceNode(id, args);
  const js = (g: GeneratedFile): string => `./${g.name.replace(/\.ts$/, '.js')}`;
  const target = file.sibling(js(siblings.target), 'target', false);
  const client = f.createClassDeclaration(exported(), 'QgaClient', undefined, [
    f.createHeritageClause(ts.SyntaxKind.ExtendsKeyword, [f.createExpressionWithTypeArguments(f.createIdentifier(file.runtimeSymbol('QgaClient')), [
      ref(file.sibling(js(siblings.commands), 'QgaCommandMap', true)),
      ref(file.sibling(js(siblings.commands), 'QgaCommandMethods', true)),
    ])]),
  ], [
    f.createPropertyDeclaration([f.createModifier(ts.SyntaxKind.StaticKeyword), f.createModifier(ts.SyntaxKind.OverrideKeyword), f.createModifier(ts.SyntaxKind.ReadonlyKeyword)], 'target', undefined, undefined, f.createIdentifier(target)),
  ]);
  file.print(withDoc(client, [
    `A QEMU guest agent client typed for ${name}: \`execute\` and \`commands.*\` know every command of this agent.`,
    ...(siblings.note === undefined ? [] : [siblings.note]),
    '',
    '@example',
    '```ts',
    'const qga = await QgaClient.connect({ path: "/run/qemu/vm1-qga.sock" });',
    'const nanoseconds = await qga.commands.guestGetTime(); // a bigint: beyond 2^53',
    '```',
  ]));
  const ownNames = new Set([siblings.target, siblings.commands].flatMap((g) => [...g.exports.keys()]));
  file.print(
    ...file.reExportAllOf(siblings.target),
    ...file.reExportAllOf(siblings.commands),
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
    "Loads this target's validators (`validateArguments`, `validateReturn`, `validateMessage`) on demand: they",
    "are large, so importing the client does not load them. For synchronous use import them from the target's",
    '`validators` entry instead.',
  ]));
  file.print(...file.runtimeReExportLines('value', 'qga'), ...file.runtimeReExportLines('type', 'qga'));
}
