/**
 * The contract between the runtime and a generated target (`generated/<target>/`).
 *
 * The runtime knows no QMP command or event by name: a generated target hands it a
 * command map type, an event map type and a {@link TargetBinding} (validators plus the
 * camelCase method table). Generated code imports only these types from the runtime.
 */
import type { BigintTable } from './bigint-table.js';

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
  /** `data` is `undefined` for an event without a `data` member (then valid when `{}` is, and `value` is `undefined`). */
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

/** `{major, minor, micro}` of a QEMU version (as in the greeting's `QMP.version.qemu`). */
export interface QemuVersion {
  readonly major: number;
  readonly minor: number;
  readonly micro: number;
}

/** What a generated target gives the runtime. */
export interface TargetBinding {
  /** e.g. `qemu-10.0-x86_64`. */
  readonly name: string;
  /**
   * The QEMU the target was generated from (`schema/<target>/target.json`); `connect()` compares its
   * major.minor with the server's greeting (option `versionMismatch`). Every generated target has it;
   * a hand-made binding without it is never compared.
   */
  readonly qemu?: QemuVersion;
  /** The architecture the target was generated from (e.g. `x86_64`), compared where the server's is known. */
  readonly arch?: string;
  /** Command wire name → facts, sorted by wire name. */
  readonly commands: Readonly<Record<string, CommandInfo>>;
  /** Event names known to the target, sorted. */
  readonly events: readonly string[];
  /**
   * Validators, loaded on demand so that importing a target stays cheap
   * (the runtime awaits this once, e.g. during `connect()`).
   */
  loadValidators(): Promise<TargetValidators>;
  /**
   * Present on a target's bigint entry only (`qmp-sdk/bigint`): where its 64-bit integers sit; the
   * session then delivers every such member of a reply or event as a `bigint` (runtime/bigint-table.ts).
   */
  readonly bigints?: BigintTable;
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

/**
 * Constraint of a command map: every member is a `CommandSpec`. Written as a mapped type (not
 * `CommandMapBase`'s index signature) so that maps declared as `interface`s are accepted too.
 * (The test server exports it as `CommandMapLike`.)
 */
export type CommandMapOf<C> = { [K in keyof C]: CommandSpec };

/** Constraint of an event map (any object type, `interface`s included): event name → type of its `data`. */
export type EventMapOf<E> = { [K in keyof E]: unknown };

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

/** A delivered event. For events that carry none, `data` is absent (typed `undefined`). */
export interface QmpEvent<N extends string = string, D = unknown> {
  event: N;
  data: D;
  timestamp: QmpTimestamp;
}

declare const otherEventBrand: unique symbol;

/**
 * The name of an event the bound target does not know (a newer QEMU's, a vendor's). At run time a
 * plain string; typed as a branded `String` so that comparing `ev.event` with a known name narrows
 * this branch away (TypeScript cannot subtract the known names from `string`, and any
 * `string & brand` stays comparable with every literal). String methods work on it; where a
 * `string` is needed write `String(ev.event)`.
 */
export interface OtherEventName extends String {
  readonly [otherEventBrand]: 'an event name the target does not know';
}

/** An event whose name the bound target does not know: `data` is whatever the server sent. */
export interface OtherEvent {
  event: OtherEventName;
  data: unknown;
  timestamp: QmpTimestamp;
}

/**
 * Every event of event map `E` as one discriminated union — `ev.event === 'BLOCK_IO_ERROR'`
 * narrows `ev.data` to that event's data — plus an open branch ({@link OtherEvent}) for names the
 * target does not know. Events without data have `data: undefined` (the member is absent on the
 * wire and in the delivered object). A loose map (no target) gives any name with `unknown` data
 * (its name is typed `any` there so that a typed client stays assignable to a loose one).
 */
export type AnyEventOf<E> = string extends keyof E
  ? QmpEvent<any, unknown>
  : { [K in keyof E & string]: QmpEvent<K, E[K]> }[keyof E & string] | OtherEvent;

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
