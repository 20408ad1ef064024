/**
 * `validators-code.ts` (Ajv's standalone code, unchecked, with typed tables) and `validators.ts`
 * (the validator-only entry: `validateArguments`, `validateReturn`, `validateEvent`,
 * `validateGreeting`, `validateMessage`; it loads no socket code).
 */
import type { CompiledValidators } from './compile-validators.js';
import { headerLines, type HeaderInfo } from './emit.js';
import { stringLiteral } from './names.js';

function table(name: string, doc: string, entries: ReadonlyArray<readonly [string, string]>): string {
  const rows = entries.map(([wire, fn]) => `  [${stringLiteral(wire)}, ${fn}],`).join('\n');
  return `/** ${doc} */\nexport const ${name}: ReadonlyMap<string, CompiledValidator> = new Map<string, CompiledValidator>([\n${rows}\n]);`;
}

/**
 * The text of `validators-code.ts`. With `deviceTable` (the code of `deviceTable`, see
 * `device-table.ts`) `device_add`'s arguments are checked per driver by the runtime's table validator.
 */
export function emitValidatorsCode(compiled: CompiledValidators, header: HeaderInfo, validationImport: string, deviceTable?: string): string {
  const exportNames = new Set([...compiled.args, ...compiled.returns, ...compiled.events].map(([, n]) => n).concat([compiled.greeting, compiled.message]));
  const code = compiled.code.replace(/^export const ([A-Za-z0-9_]+) = /gm, (_match, name: string) => {
    if (!exportNames.has(name)) throw new Error(`unexpected Ajv export ${name}`);
    return `const ${name} = `;
  });
  return [
    ...headerLines(header),
    '// @ts-nocheck: Ajv standalone code (compiled at generate time); the typed tables are at the end.',
    `import type { CompiledValidator } from ${stringLiteral(validationImport)};`,
    ...(deviceTable !== undefined ? [`import { createDeviceAddValidator } from ${stringLiteral(validationImport)};`] : []),
    code.trimEnd(),
    '',
    ...(deviceTable !== undefined ? [deviceTable, '', 'const deviceAddValidator = createDeviceAddValidator(deviceTable);', ''] : []),
    table('argumentValidators', 'Exact validators of command arguments, by command wire name.', deviceTable !== undefined ? compiled.args.map(([w, fn]) => [w, w === 'device_add' ? 'deviceAddValidator' : fn] as const) : compiled.args),
    '',
    table('returnValidators', 'Compatible validators of command returns, by command wire name.', compiled.returns),
    '',
    table('eventValidators', 'Compatible validators of event data, by event name.', compiled.events),
    '',
    '/** The greeting (compatible). */',
    `export const greetingValidator: CompiledValidator = ${compiled.greeting};`,
    '',
    '/** Any protocol message, in either direction (envelope only). */',
    `export const messageValidator: CompiledValidator = ${compiled.message};`,
    '',
  ].join('\n');
}

/**
 * The text of `validators.ts`: the validator-only entry. A binding only: the logic (paths,
 * messages, unknown names) lives in the runtime's `validation` module, which loads no socket code.
 */
export function emitValidators(header: HeaderInfo, validationImport: string): string {
  return `${headerLines(header).join('\n')}

import { createTargetValidators } from ${stringLiteral(validationImport)};
import { argumentValidators, eventValidators, greetingValidator, messageValidator, returnValidators } from "./validators-code.js";

const validators = createTargetValidators({
  arguments: argumentValidators,
  returns: returnValidators,
  events: eventValidators,
  greeting: greetingValidator,
  message: messageValidator,
});

/** Checks a command's arguments exactly (what the client sends is closed); \`undefined\` means none. */
export const validateArguments = validators.validateArguments;

/** Checks a command's return value (compatible: unknown members and enum values are accepted). */
export const validateReturn = validators.validateReturn;

/** Checks an event's \`data\` member (compatible); \`undefined\` means the event carried none. */
export const validateEvent = validators.validateEvent;

/** Checks a server greeting (compatible). */
export const validateGreeting = validators.validateGreeting;

/**
 * Checks any whole protocol message in either direction: the envelope, then the arguments of a
 * command (exact) or the data of an event (compatible).
 */
export const validateMessage = validators.validateMessage;
`;
}
