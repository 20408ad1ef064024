/** `events.ts`: the event map and the list of event names. */
import { docLines } from './doc.js';
import type { GeneratedFile } from './generated-file.js';
import type { EventModel, TargetModel } from './model.js';
import { TypeRenderer } from './render.js';
import { exported, f, keyword, propName, str, ts, union, withDoc } from './syntax.js';
import { integerType, safeLine, wireText, type IntegerMode } from './emit-types.js';
import type { WideIntegers } from './wide-integers.js';

function dataType(r: TypeRenderer, model: TargetModel, e: EventModel): ts.TypeNode {
  if (e.noData) return keyword('undefined');
  if (e.dataName !== undefined) return r.ref(e.dataName);
  return r.type(e.data, 'open', 'events', `${model.schema.display}/events.json#/definitions/${e.wire}`);
}

/**
 * Prints `events.ts`, or in `mode` `bigint` `bigint-events.ts`: the event map of the bigint entry,
 * declaring only the events whose data hold a 64-bit integer and taking the others from `events.ts`
 * (`extends Pick<…>`); `eventNames` is `events.ts`'s.
 */
export function emitEvents(file: GeneratedFile, model: TargetModel, wide: WideIntegers, mode: IntegerMode = 'default'): void {
  const big = mode === 'bigint';
  const r = new TypeRenderer(model, file.namespace(big ? './bigint-types.js' : './types.js', 'T', true), { wideInt: integerType(file, mode) });
  const isWide = (e: EventModel): boolean => wide.mentions(e.data, 'events', `${model.schema.display}/events.json#/definitions/${e.wire}`);
  const sharedNames = big ? model.events.filter((e) => !isWide(e)).map((e) => e.wire) : [];
  const heritage = big
    ? [f.createHeritageClause(ts.SyntaxKind.ExtendsKeyword, [f.createExpressionWithTypeArguments(f.createIdentifier('Pick'), [
        f.createTypeReferenceNode(f.createQualifiedName(f.createIdentifier(file.namespace('./events.js', 'D', true)), 'QmpEventMap')),
        sharedNames.length === 0 ? keyword('never') : union(sharedNames.map((n) => f.createLiteralTypeNode(str(n)))),
      ])])]
    : undefined;
  const members = model.events.filter((e) => !big || isWide(e)).map((e) =>
    withDoc(f.createPropertySignature(undefined, propName(e.wire), undefined, dataType(r, model, e)), docLines(e.data, { sections: true, extra: [safeLine(`Event \`${wireText(e.wire)}\`${e.noData ? ' (carries no data)' : ''}.`)] })),
  );
  const statements = [
    withDoc(f.createInterfaceDeclaration(exported(), 'QmpEventMap', undefined, heritage, members), [
      `Every event of ${safeLine(model.schema.name)}: name → type of its \`data\` member (\`undefined\` when it carries none).${big ? ' 64-bit integers are `bigint` (the bigint entry).' : ''}`,
    ]),
    withDoc(f.createTypeAliasDeclaration(exported(), 'QmpEventName', undefined, f.createIntersectionTypeNode([f.createTypeOperatorNode(ts.SyntaxKind.KeyOfKeyword, f.createTypeReferenceNode('QmpEventMap')), keyword('string')])), ['Name of an event.']),
    withDoc(f.createTypeAliasDeclaration(exported(), 'QmpAnyEvent', undefined, f.createTypeReferenceNode(file.runtimeSymbol('AnyEventOf'), [f.createTypeReferenceNode('QmpEventMap')])), [
      'Any event `onAny` and `events()` deliver: the union of every event of the target (`ev.event === "STOP"` narrows `ev.data`) plus an open branch for names the target does not know.',
    ]),
    withDoc(f.createTypeAliasDeclaration(exported(), 'EventData', [f.createTypeParameterDeclaration(undefined, 'N', f.createTypeReferenceNode('QmpEventName'))], f.createIndexedAccessTypeNode(f.createTypeReferenceNode('QmpEventMap'), f.createTypeReferenceNode('N'))), ['Data of event `N`.']),
    withDoc(
      f.createVariableStatement(exported(), f.createVariableDeclarationList([
        f.createVariableDeclaration('eventNames', undefined, f.createTypeOperatorNode(ts.SyntaxKind.ReadonlyKeyword, f.createArrayTypeNode(f.createTypeReferenceNode('QmpEventName'))),
          f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier('Object'), 'freeze'), undefined, [
            f.createArrayLiteralExpression(model.events.map((e) => str(e.wire)), true),
          ])),
      ], ts.NodeFlags.Const)),
      ['Names of every event of the target, sorted (typed by their literals: `QmpEventName`).'],
    ),
  ];
  for (const s of big ? statements.slice(0, -1) : statements) file.print(s);
}
