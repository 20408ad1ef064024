/**
 * The runtime names generated code may use (data only; the generator reads it, nothing at run time
 * does). Each name says which runtime module exports it (`index.js`: the runtime entry,
 * `validation.js`: the socket-free validation module, `qga/index.js`: the guest agent's entry), whether it is a type or a value, and
 * whether a target's `index.ts` re-exports it to users. `test/generate/generated-symbols.test.ts`
 * checks that every module really exports every name listed here, as a value or type as stated.
 */

/** The runtime module a name comes from (relative to the runtime folder). */
export type GeneratedSymbolModule = 'index.js' | 'validation.js' | 'qga/index.js';

/** One runtime name generated code imports or re-exports. */
export interface GeneratedSymbol {
  readonly module: GeneratedSymbolModule;
  /** `type`: imported/re-exported with `import type`/`export type`; `value`: a class, function or constant. */
  readonly kind: 'type' | 'value';
  /** `true` when every target's `index.ts` re-exports the name (part of the target's public API). */
  readonly reExport: boolean;
  /** Re-exported only by targets of this kind (QMP or guest agent); absent: by every target. */
  readonly only?: 'qmp' | 'qga';
}

const value = (module: GeneratedSymbolModule, reExport: boolean): GeneratedSymbol => ({ module, kind: 'value', reExport });
const type = (module: GeneratedSymbolModule, reExport: boolean): GeneratedSymbol => ({ module, kind: 'type', reExport });
const qmpValue: GeneratedSymbol = { module: 'index.js', kind: 'value', reExport: true, only: 'qmp' };
const qmpType: GeneratedSymbol = { module: 'index.js', kind: 'type', reExport: true, only: 'qmp' };
const qgaValue: GeneratedSymbol = { module: 'qga/index.js', kind: 'value', reExport: true, only: 'qga' };
const qgaType: GeneratedSymbol = { module: 'qga/index.js', kind: 'type', reExport: true, only: 'qga' };

/** Every runtime name generated code imports or re-exports, by name (order: the order of re-export lists). */
export const generatedSymbols: Readonly<Record<string, GeneratedSymbol>> = Object.freeze({
  // the client class the typed client extends
  QmpClient: value('index.js', false),
  QgaClient: value('qga/index.js', false),
  // errors and their guards, re-exported by every target
  QmpAbortError: value('index.js', true),
  QmpCommandError: value('index.js', true),
  QmpConnectionError: value('index.js', true),
  QmpError: value('index.js', true),
  QmpLaunchError: qmpValue,
  QmpNegotiationError: qmpValue,
  QmpProtocolError: value('index.js', true),
  QmpTimeoutError: value('index.js', true),
  QmpUsageError: value('index.js', true),
  QmpValidationError: value('index.js', true),
  isQmpAbortError: value('index.js', true),
  isQmpCommandError: value('index.js', true),
  isQmpConnectionError: value('index.js', true),
  isQmpError: value('index.js', true),
  isQmpLaunchError: qmpValue,
  isQmpNegotiationError: qmpValue,
  isQmpProtocolError: value('index.js', true),
  isQmpTimeoutError: value('index.js', true),
  isQmpUsageError: value('index.js', true),
  isQmpValidationError: value('index.js', true),
  QmpVersionMismatchError: qmpValue,
  isQmpVersionMismatchError: qmpValue,
  // types, re-exported by every target
  ClientOptions: qmpType,
  CommandInfo: type('index.js', true),
  ConnectOptions: qmpType,
  ExecuteOptions: type('index.js', true),
  KnownQmpErrorClass: type('index.js', true),
  LaunchOptions: qmpType,
  LaunchedQemu: qmpType,
  QemuExit: qmpType,
  QmpErrorCode: type('index.js', true),
  QmpEvent: qmpType,
  QmpTimestamp: qmpType,
  QmpValidationSide: type('index.js', true),
  TargetBinding: type('index.js', true),
  TargetValidators: type('index.js', true),
  ValidationIssue: type('index.js', true),
  ValidationResult: type('index.js', true),
  AnyEventOf: qmpType,
  OtherEvent: qmpType,
  OtherEventName: qmpType,
  QemuVersion: type('index.js', true),
  VersionMismatchPolicy: qmpType,
  // the guest agent's own names, re-exported by guest agent targets
  QgaNoAgentError: qgaValue,
  isQgaNoAgentError: qgaValue,
  QgaFileError: qgaValue,
  QgaFsfreezeError: qgaValue,
  isQgaFileError: qgaValue,
  isQgaFsfreezeError: qgaValue,
  QgaClientOptions: qgaType,
  QgaClientStats: qgaType,
  QgaConnectOptions: qgaType,
  QgaTargetBinding: qgaType,
  QgaExecOptions: qgaType,
  QgaExecResult: qgaType,
  QgaFileOptions: qgaType,
  QgaFileStep: qgaType,
  QgaFsfreezeOptions: qgaType,
  QgaFsfreezeStep: qgaType,
  // 64-bit integers (issue 13): the default mode's type (every target), the bigint entries' table
  QapiInt: type('index.js', true),
  BigintTable: type('index.js', false),
  // the validation module (validator-only entries load nothing else of the runtime)
  CompiledValidator: type('validation.js', false),
  createTargetValidators: value('validation.js', false),
  createDeviceAddValidator: value('validation.js', false),
});
