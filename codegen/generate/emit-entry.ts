/** `target.ts` (the runtime binding) and `index.ts` (typed client, launcher, re-exports). */
import { renderFile, headerLines, type HeaderInfo } from './emit.js';
import { stringLiteral } from './names.js';
import type { TargetModel } from './model.js';
import { exported, f, str, ts, withDoc } from './syntax.js';

/** The text of `target.ts`: validators are loaded on demand so importing the client stays cheap. */
export function emitTarget(model: TargetModel, header: HeaderInfo, runtimeImport: string): string {
  const { qemu, arch } = model.schema;
  const num = (n: number): ts.Expression => f.createNumericLiteral(n);
  const binding = f.createObjectLiteralExpression([
    f.createPropertyAssignment('name', str(model.schema.name)),
    ...(qemu === undefined
      ? []
      : [f.createPropertyAssignment('qemu', f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier('Object'), 'freeze'), undefined, [
          f.createObjectLiteralExpression([
            f.createPropertyAssignment('major', num(qemu.major)),
            f.createPropertyAssignment('minor', num(qemu.minor)),
            f.createPropertyAssignment('micro', num(qemu.micro)),
          ]),
        ]))]),
    ...(arch === undefined ? [] : [f.createPropertyAssignment('arch', str(arch))]),
    f.createPropertyAssignment('commands', f.createIdentifier('commandInfo')),
    f.createPropertyAssignment('events', f.createIdentifier('eventNames')),
    f.createPropertyAssignment('loadValidators', f.createArrowFunction(undefined, undefined, [], undefined, undefined,
      f.createCallExpression(f.createToken(ts.SyntaxKind.ImportKeyword) as unknown as ts.Expression, undefined, [str('./validators.js')]))),
  ], true);
  const stmt = withDoc(
    f.createVariableStatement(exported(), f.createVariableDeclarationList([
      f.createVariableDeclaration('target', undefined, f.createTypeReferenceNode('TargetBinding'), f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier('Object'), 'freeze'), undefined, [binding])),
    ], ts.NodeFlags.Const)),
    [`The binding of target ${model.schema.name.replace(/[^A-Za-z0-9._-]/g, '_')} for the runtime (QEMU version and architecture, command table, event names, validators on demand).`],
  );
  return renderFile(header, [
    { from: runtimeImport, names: ['TargetBinding'], typeOnly: true },
    { from: './commands.js', names: ['commandInfo'] },
    { from: './events.js', names: ['eventNames'] },
  ], [stmt]);
}

/** Runtime errors and guards re-exported by every target's index. */
export const runtimeErrorExports = [
  'QmpAbortError', 'QmpCommandError', 'QmpConnectionError', 'QmpError', 'QmpLaunchError', 'QmpNegotiationError',
  'QmpProtocolError', 'QmpTimeoutError', 'QmpUsageError', 'QmpValidationError', 'isQmpAbortError', 'isQmpCommandError',
  'isQmpConnectionError', 'isQmpError', 'isQmpLaunchError', 'isQmpNegotiationError', 'isQmpProtocolError',
  'isQmpTimeoutError', 'isQmpUsageError', 'isQmpValidationError', 'QmpVersionMismatchError', 'isQmpVersionMismatchError',
] as const;

/** Runtime types re-exported by every target's index. */
export const runtimeTypeExports = [
  'ClientOptions', 'CommandInfo', 'ConnectOptions', 'ExecuteOptions', 'KnownQmpErrorClass', 'LaunchOptions', 'LaunchedQemu',
  'QemuExit', 'QmpErrorCode', 'QmpEvent', 'QmpTimestamp', 'QmpValidationSide', 'TargetBinding', 'TargetValidators',
  'ValidationIssue', 'ValidationResult', 'AnyEventOf', 'OtherEvent', 'OtherEventName', 'QemuVersion', 'VersionMismatchPolicy',
] as const;

/** The text of `index.ts`. */
export function emitIndex(model: TargetModel, header: HeaderInfo, runtimeImport: string): string {
  const rt = stringLiteral(runtimeImport);
  const name = model.schema.name.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${headerLines(header).join('\n')}

import {
  QmpClient as RuntimeQmpClient,
  type LaunchOptions,
  type LaunchedQemu,
  type TargetValidators,
} from ${rt};
import type { QmpCommandMap, QmpCommandMethods } from "./commands.js";
import type { QmpEventMap } from "./events.js";
import { target } from "./target.js";

/**
 * A QMP client typed for ${name}: \`execute\`, \`commands.*\`, \`on\`, \`waitForEvent\` and the
 * event iterator know every command and event of this target.
 *
 * @example
 * \`\`\`ts
 * const qmp = await QmpClient.connect({ path: "/run/qemu/qmp.sock" });
 * const status = await qmp.commands.queryStatus();
 * \`\`\`
 */
export class QmpClient extends RuntimeQmpClient<QmpCommandMap, QmpEventMap, QmpCommandMethods> {
  static override readonly target = target;
}

/** Starts QEMU with a QMP socket and connects a {@link QmpClient} of this target to it (rejects, never throws). */
export function launchQemu(options: Omit<LaunchOptions<QmpClient>, "client">): Promise<LaunchedQemu<QmpClient>> {
  return QmpClient.launch(options);
}

export { target } from "./target.js";
export { commandInfo } from "./commands.js";
export type { CommandArguments, CommandReturn, QmpCommandMap, QmpCommandMethods, QmpCommandName } from "./commands.js";
export { eventNames } from "./events.js";
export type { EventData, QmpAnyEvent, QmpEventMap, QmpEventName } from "./events.js";
export type * from "./types.js";

/**
 * Loads this target's validators (\`validateArguments\`, \`validateReturn\`, \`validateEvent\`,
 * \`validateGreeting\`, \`validateMessage\`) on demand: they are large, so importing the client does
 * not load them. For synchronous use import them from the target's \`validators\` entry instead.
 */
export function loadValidators(): Promise<TargetValidators> {
  return target.loadValidators();
}

export {
${runtimeErrorExports.map((n) => `  ${n},`).join('\n')}
} from ${rt};
export type {
${runtimeTypeExports.map((n) => `  ${n},`).join('\n')}
} from ${rt};
`;
}
