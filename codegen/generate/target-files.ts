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
  const types = file('types.ts');
  emitTypes(types, model);
  const commands = file('commands.ts');
  emitCommands(commands, model);
  const events = file('events.ts');
  emitEvents(events, model);
  const validatorsCode = file('validators-code.ts', validatorsCodePragma);
  emitValidatorsCode(validatorsCode, input.compiled, input.deviceTable);
  const validators = file('validators.ts');
  emitValidators(validators);
  const target = file('target.ts');
  emitTarget(target, model);
  const index = file('index.ts');
  emitIndex(index, model, { target, commands, events });
  return new Map([types, commands, events, validatorsCode, validators, target, index].map((f) => [f.name, f]));
}

/**
 * Prints every file of a guest agent target (`target.json` `"protocol": "qga"`): no events, the
 * `Qga` names, a binding that lists the commands without a success response.
 */
export function qgaTargetFiles(input: TargetFilesInput): Map<string, GeneratedFile> {
  const { model, header, runtime } = input;
  const file = (name: string, pragma?: string): GeneratedFile => new GeneratedFile(name, header, runtime, pragma);
  const types = file('types.ts');
  emitTypes(types, model);
  const commands = file('commands.ts');
  emitCommands(commands, model, 'Qga');
  const validatorsCode = file('validators-code.ts', validatorsCodePragma);
  emitValidatorsCode(validatorsCode, input.compiled);
  const validators = file('validators.ts');
  emitValidators(validators);
  const target = file('target.ts');
  emitQgaTarget(target, model);
  const index = file('index.ts');
  emitQgaIndex(index, model, { target, commands });
  return new Map([types, commands, validatorsCode, validators, target, index].map((f) => [f.name, f]));
}
