/**
 * The contract between the runtime and a generated target (`generated/<target>/`).
 *
 * The runtime knows no QMP command or event by name: a generated target hands it a
 * command map type, an event map type and a {@link TargetBinding} (validators plus the
 * camelCase method table). Generated code imports only these types from the runtime.
 */

/** One problem found by a validator: a JSON Pointer-like path (`/arguments/node-name`) and the rule broken. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Result of every validator: never throws for bad input. */
export type ValidationResult<T = unknown> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly ValidationIssue[] };

/**
 * Validators of one target. Unknown command or event names give `ok: false` naming them.
 * - `validateArguments` is exact (what the client sends is closed);
 * - `validateReturn` / `validateEvent` / `validateGreeting` are compatible (unknown members and
 *   unknown enum values from a newer QEMU are accepted);
 * - `validateMessage` checks any whole protocol message, in either direction.
 */
export interface TargetValidators {
  validateArguments(command: string, args: unknown): ValidationResult;
  validateReturn(command: string, value: unknown): ValidationResult;
  validateEvent(event: string, data: unknown): ValidationResult;
  validateGreeting(message: unknown): ValidationResult;
  validateMessage(message: unknown): ValidationResult;
}

/** Static facts about a command, from the schema (what the runtime needs at run time). */
export interface CommandInfo {
  /** camelCase method name on `client.commands`. */
  readonly method: string;
  /** `true` when the command takes no arguments at all. */
  readonly noArguments: boolean;
  /** `"allow-oob": true` in `query-qmp-schema`: may be sent with `exec-oob`. */
  readonly allowOob: boolean;
}

/** What a generated target gives the runtime. */
export interface TargetBinding {
  /** e.g. `qemu-10.0-x86_64`. */
  readonly name: string;
  /** Command wire name → facts, sorted by wire name. */
  readonly commands: Readonly<Record<string, CommandInfo>>;
  /** Event names known to the target, sorted. */
  readonly events: readonly string[];
  /**
   * Validators, loaded on demand so that importing a target stays cheap
   * (the runtime awaits this once, e.g. during `connect()`).
   */
  loadValidators(): Promise<TargetValidators>;
}

/**
 * Shape of one command in a command map: `args` is `undefined` for a command without arguments.
 * Generated maps look like `interface QmpCommandMap { "query-status": { args: undefined; returns: StatusInfo } }`.
 */
export interface CommandSpec {
  args: unknown;
  returns: unknown;
}

/** A command map: wire name → {@link CommandSpec}. */
export type CommandMapBase = { [name: string]: CommandSpec };

/** An event map: event name → type of its `data` member (`undefined` for events without data). */
export type EventMapBase = { [name: string]: unknown };

/** The map used when no target is bound: any name, loosely typed. */
export interface LooseCommandMap {
  [name: string]: { args: Record<string, unknown> | undefined; returns: unknown };
}

/** The event map used when no target is bound. */
export interface LooseEventMap {
  [name: string]: Record<string, unknown> | undefined;
}

/** Event timestamp as QEMU sends it; both members are -1 when QEMU could not read the host clock. */
export interface QmpTimestamp {
  seconds: number;
  microseconds: number;
}

/** A delivered event. `data` is absent for events that carry none. */
export interface QmpEvent<N extends string = string, D = unknown> {
  event: N;
  data: D;
  timestamp: QmpTimestamp;
}

/** Options accepted by every command call. */
export interface ExecuteOptions {
  /** Reject with `QmpTimeoutError` after this many milliseconds; a late reply is dropped. */
  timeoutMs?: number;
  /** Abort the wait (the command may still run in QEMU; its reply is then dropped). */
  signal?: AbortSignal;
  /** Send with `exec-oob`; needs `oob` negotiated and a command with `allow-oob`. */
  oob?: boolean;
  /** Override the client's argument validation for this call. */
  validateArguments?: boolean;
}

/**
 * Parameters of `execute(name, ...rest)` for one command: no argument for commands that take
 * none, an optional one when every member is optional, a required one otherwise.
 */
export type ExecuteArgs<S extends CommandSpec> = [S['args']] extends [undefined]
  ? [args?: undefined, options?: ExecuteOptions]
  : {} extends S['args']
    ? [args?: S['args'], options?: ExecuteOptions]
    : [args: S['args'], options?: ExecuteOptions];
