/**
 * The files of a QMP target and how each is printed: every one is a {@link GeneratedFile}. A new
 * generated file is one more entry here (and its `emit-<file>.ts`); a new kind of target (e.g. the
 * guest agent's) is a second list like this one bound to its own runtime names.
 */
import type { CompiledValidators } from './compile-validators.js';
import { emitCommands } from './emit-commands.js';
import { emitEvents } from './emit-events.js';
import { emitIndex } from './emit-index.js';
import { emitQgaIndex } from './emit-qga-index.js';
import { emitQgaTarget } from './emit-qga-target.js';
import { emitTarget } from './emit-target.js';
import { emitTypes } from './emit-types.js';
import { emitValidators, emitValidatorsCode, validatorsCodePragma } from './emit-validators.js';
import { GeneratedFile, type HeaderInfo, type RuntimeModules } from './generated-file.js';
import type { TargetModel } from './model.js';
import { emitBigintTarget } from './emit-bigint-target.js';
import { WideIntegers } from './wide-integers.js';

/** What the files of a target are printed from. */
export interface TargetFilesInput {
  readonly model: TargetModel;
  readonly header: HeaderInfo;
  readonly runtime: RuntimeModules;
  /** Ajv's compiled validators (only `validators-code.ts` prints them). */
  readonly compiled: CompiledValidators;
  /** The `device_add` table code, when the target has device models. */
  readonly deviceTable?: string;
}

/** Prints every file of a QMP target, by file name (in the order they are printed: `index.ts` re-exports what its siblings recorded). */
export function qmpTargetFiles(input: TargetFilesInput): Map<string, GeneratedFile> {
  const { model, header, runtime } = input;
  const file = (name: string, pragma?: string): GeneratedFile => new GeneratedFile(name, header, runtime, pragma);
  const wide = new WideIntegers(model);
  const types = file('types.ts');
  emitTypes(types, model, wide);
  const commands = file('commands.ts');
  emitCommands(commands, model, wide);
  const events = file('events.ts');
  emitEvents(events, model, wide);
  const validatorsCode = file('validators-code.ts', validatorsCodePragma);
  emitValidatorsCode(validatorsCode, input.compiled, input.deviceTable);
  const validators = file('validators.ts');
  emitValidators(validators);
  const target = file('target.ts');
  emitTarget(target, model);
  const index = file('index.ts');
  emitIndex(index, model, { target, commands, events });
  // the bigint entry (issue 13): only what mentions a 64-bit integer is declared again
  const bigTypes = file('bigint-types.ts');
  emitTypes(bigTypes, model, wide, 'bigint');
  const bigCommands = file('bigint-commands.ts');
  emitCommands(bigCommands, model, wide, 'bigint');
  const bigEvents = file('bigint-events.ts');
  emitEvents(bigEvents, model, wide, 'bigint');
  const bigTarget = file('bigint-target.ts');
  emitBigintTarget(bigTarget, model, wide);
  const bigIndex = file('bigint.ts');
  emitIndex(bigIndex, model, {
    target: bigTarget,
    commands: bigCommands,
    events: bigEvents,
    types: './bigint-types.js',
    also: [commands, events],
    note: 'Bigint mode: every 64-bit integer (QAPI `int`, `int64`, `uint64`, `size`) is a `bigint` in replies, events and arguments, small values included.',
  });
  const all = [types, commands, events, validatorsCode, validators, target, index, bigTypes, bigCommands, bigEvents, bigTarget, bigIndex];
  return new Map(all.map((f) => [f.name, f]));
}

/**
 * Prints every file of a guest agent target (`target.json` `"protocol": "qga"`): no events, the
 * `Qga` names, a binding that lists the commands without a success response.
 */
export function qgaTargetFiles(input: TargetFilesInput): Map<string, GeneratedFile> {
  const { model, header, runtime } = input;
  const file = (name: string, pragma?: string): GeneratedFile => new GeneratedFile(name, header, runtime, pragma);
  const wide = new WideIntegers(model);
  const types = file('types.ts');
  emitTypes(types, model, wide);
  const commands = file('commands.ts');
  emitCommands(commands, model, wide, 'default', 'Qga');
  const validatorsCode = file('validators-code.ts', validatorsCodePragma);
  emitValidatorsCode(validatorsCode, input.compiled);
  const validators = file('validators.ts');
  emitValidators(validators);
  const target = file('target.ts');
  emitQgaTarget(target, model);
  const index = file('index.ts');
  emitQgaIndex(index, model, { target, commands });
  // the bigint entry (issue 13), as for QMP targets
  const bigTypes = file('bigint-types.ts');
  emitTypes(bigTypes, model, wide, 'bigint');
  const bigCommands = file('bigint-commands.ts');
  emitCommands(bigCommands, model, wide, 'bigint', 'Qga');
  const bigTarget = file('bigint-target.ts');
  emitBigintTarget(bigTarget, model, wide, 'QgaTargetBinding');
  const bigIndex = file('bigint.ts');
  emitQgaIndex(bigIndex, model, {
    target: bigTarget,
    commands: bigCommands,
    types: './bigint-types.js',
    also: [commands],
    note: 'Bigint mode: every 64-bit integer (QAPI `int`, `int64`, `uint64`, `size`) is a `bigint` in replies and arguments, small values included.',
  });
  const all = [types, commands, validatorsCode, validators, target, index, bigTypes, bigCommands, bigTarget, bigIndex];
  return new Map(all.map((f) => [f.name, f]));
}
