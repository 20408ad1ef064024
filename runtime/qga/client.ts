/**
 * The public face of a guest agent session: `QgaClient`, typed by the command map and the methods
 * of a bound generated guest agent target (`generated/qga-*`). Every call goes to the session
 * (`session.ts`) on the dialect-neutral request core (`runtime/core/`).
 *
 * A generated target plugs in its types by subclassing:
 * ```ts
 * export class QgaClient extends RuntimeQgaClient<QgaCommandMap, QgaCommandMethods> {
 *   static override readonly target = target;
 * }
 * const qga = await QgaClient.connect({ path }); // typed as the subclass
 * ```
 */
import { commandMethods } from '../command-methods.js';
import type { CommandMapOf, ExecuteArgs, ExecuteOptions, LooseCommandMap } from '../target.js';
import type { QmpConnectionError } from '../errors.js';
import { QgaSession } from './session.js';
import { startQgaSession } from './connect.js';
import { exec, fsfreeze, readFile, writeFile } from './helpers/index.js';
import type { QgaExecOptions, QgaExecResult, QgaExecutor, QgaFileOptions, QgaFsfreezeOptions } from './helpers/index.js';
import type { QgaClientInit, QgaClientStats, QgaConnectOptions, QgaErrorListener, QgaTargetBinding } from './types.js';

/** A guest agent client class (the runtime's or a generated subclass), as `connect()` needs it. */
export interface QgaClientClass<T> {
  new (init: QgaClientInit): T;
  /** The generated guest agent target bound to this class, if any. */
  readonly target?: QgaTargetBinding | undefined;
}

let sessionOf!: (client: QgaClient<any, any>) => QgaSession;

/**
 * A synchronised connection to a QEMU guest agent (`qemu-ga`): over the host end of the VM's
 * `org.qemu.guest_agent.0` virtio-serial port (a unix socket chardev), or to an agent run with
 * `qemu-ga -m unix-listen`.
 *
 * @typeParam C - command map (wire name → `{ args, returns }`), loose without a target
 * @typeParam M - the `commands` object's methods (camelCase), from a generated target
 */
export class QgaClient<C extends CommandMapOf<C> = LooseCommandMap, M extends object = {}> {
  static {
    sessionOf = (client) => client.#session;
  }

  /** The generated guest agent target bound to this class; `undefined` in the runtime's own class. */
  static readonly target?: QgaTargetBinding | undefined;

  /**
   * Opens the transport, synchronises with the agent (0xFF + `guest-sync-delimited` with a fresh
   * random id; stale bytes and replies before its answer are discarded) and resolves once
   * synchronised (and the target's validators are loaded). Rejects with {@link QgaNoAgentError}
   * when no agent answers within `syncTimeoutMs` (default 5000 ms), `QmpConnectionError`
   * (`refused`: no socket), `QmpTimeoutError` (the transport did not open within
   * `connectTimeoutMs`), `QmpAbortError` or `QmpUsageError`; nothing is left open then. Returns an
   * instance of the class it is called on.
   */
  static async connect<T extends QgaClient<any, any>>(this: QgaClientClass<T>, options: QgaConnectOptions): Promise<T> {
    const client = new this({ options } as unknown as QgaClientInit);
    await startQgaSession(sessionOf(client), options);
    return client;
  }

  /** Typed methods of the bound target (`qga.commands.guestGetTime()`); empty without a target. */
  readonly commands: M;

  readonly #session: QgaSession;

  /** Use `connect()` instead. @internal */
  constructor(init: QgaClientInit) {
    const { options } = init as unknown as { options: QgaConnectOptions };
    const target = (this.constructor as QgaClientClass<unknown>).target;
    this.#session = new QgaSession(options, target);
    this.commands = commandMethods(target, (wire, args, opts) => this.#session.execute(wire, args, opts, true)) as M;
  }

  /** The bound target, if any. */
  get target(): QgaTargetBinding | undefined {
    return this.#session.target;
  }

  /** True from `connect()` until the connection ends. */
  get isOpen(): boolean {
    return this.#session.open;
  }

  /** Resolves (never rejects) when the connection has ended, with why (`reason: 'closed'` after `close()`). */
  get closed(): Promise<QmpConnectionError> {
    return this.#session.closed;
  }

  /** Counters: sent, received, synchronisations, stale replies, discarded bytes… (a snapshot). */
  get stats(): QgaClientStats {
    return this.#session.snapshot();
  }

  /**
   * Runs a command: sends `{"execute": name, "arguments": args, "id": <unique>}` and resolves with
   * its `return` value (integers beyond 2^53 − 1 as exact `bigint`s, e.g. `guest-get-time`), or
   * rejects with `QmpCommandError` (an error reply: `CommandNotFound` for an unknown command or
   * one disabled with `qemu-ga -b`), `QmpValidationError` (nothing sent), `QmpTimeoutError` (the
   * channel is then resynchronised), `QmpAbortError`, `QmpUsageError`, `QmpConnectionError`,
   * {@link QgaNoAgentError} (a resynchronisation found no agent) or `QmpProtocolError` with
   * violation `reply-lost` (the channel was resynchronised before its reply came).
   *
   * A command that answers nothing on success (`guest-shutdown`, `guest-suspend-*`: the target's
   * `noSuccessResponse`) resolves with `undefined` once a `guest-sync-delimited` sent after it is
   * answered, or once the connection closes after it was sent (the guest went down); an error
   * reply rejects it. In a VM the channel stays open when the guest goes down: pass `timeoutMs`.
   */
  execute<K extends keyof C & string>(name: K, ...rest: ExecuteArgs<C[K]>): Promise<C[K]['returns']> {
    const [args, options] = rest as unknown as [unknown, ExecuteOptions | undefined];
    return this.#session.execute(name, args, options, true) as Promise<C[K]['returns']>;
  }

  /** Runs any command as is (not validated; same ids, time limits, aborts and errors as {@link execute}). */
  executeUntyped(name: string, args?: Record<string, unknown>, options?: ExecuteOptions): Promise<unknown> {
    return this.#session.execute(name, args, options, false);
  }

  /**
   * Synchronises the channel again now (0xFF + `guest-sync-delimited`, discarding everything up to
   * the answer): calls made meanwhile wait; calls sent before whose replies were discarded reject
   * with `QmpProtocolError` (`reply-lost`). Rejects with {@link QgaNoAgentError} when nothing answers
   * within `syncTimeoutMs`. The client resynchronises by itself after a time limit, a framing error
   * or an error without id.
   */
  resync(): Promise<void> {
    return this.#session.resync('resync() was called', true);
  }

  /** What the helpers call: the validated `execute` by wire name (runtime/qga/helpers/executor.ts). */
  get #helperExecutor(): QgaExecutor {
    return { execute: (name, args, options) => this.#session.execute(name, args, options, true) };
  }

  /**
   * Runs `path` with `args` in the guest and waits until it exits: `guest-exec` with captured output, then
   * `guest-exec-status` polls (1 ms doubling up to `pollIntervalMs`, default 100). Resolves with `exitCode`
   * (`null` when a signal ended it, `signal` then set), `stdout`/`stderr` Buffers and `truncated` when the agent
   * cut an output at 16 MiB. A time limit or an abort stops the polling but not the guest process (the agent
   * has no command to stop it). Errors and details: `runtime/qga/helpers/exec.ts`.
   */
  exec(path: string, args?: readonly string[], options?: QgaExecOptions): Promise<QgaExecResult> {
    return exec(this.#helperExecutor, path, args, options);
  }

  /**
   * Reads the whole guest file `path` (`guest-file-open`/`-read` in chunks of 64 KiB by default/`-close`, the handle
   * closed on every path). Rejects with `QgaFileError` (path, step, the agent's error as `cause`) or `QmpAbortError`.
   */
  readFile(path: string, options?: QgaFileOptions): Promise<Buffer> {
    return readFile(this.#helperExecutor, path, options);
  }

  /**
   * Writes `data` (a string as UTF-8) to the guest file `path`, created or truncated, in chunks (64 KiB by default);
   * the handle is closed on every path. Rejects with `QgaFileError` or `QmpAbortError`.
   */
  writeFile(path: string, data: Uint8Array | string, options?: QgaFileOptions): Promise<void> {
    return writeFile(this.#helperExecutor, path, data, options);
  }

  /**
   * Freezes the guest file systems (`guest-fsfreeze-freeze`, or `-freeze-list` with `mountpoints`), runs
   * `callback(frozen)` and always thaws (`guest-fsfreeze-thaw`); resolves with the callback's value. A failing
   * thaw is a `QgaFsfreezeError` naming the callback's error too when both failed (`runtime/qga/helpers/fsfreeze.ts`).
   */
  fsfreeze<T>(callback: (frozen: number) => Promise<T> | T, options?: QgaFsfreezeOptions): Promise<T> {
    return fsfreeze(this.#helperExecutor, callback, options);
  }

  /** Adds a listener of problems that belong to no call (protocol problems, a throwing trace hook). Returns a remover. */
  onError(listener: QgaErrorListener): () => void {
    this.#session.errorListeners.push(listener);
    return () => this.offError(listener);
  }

  /** Removes a listener added with {@link onError}. */
  offError(listener: QgaErrorListener): void {
    const i = this.#session.errorListeners.lastIndexOf(listener);
    if (i >= 0) this.#session.errorListeners.splice(i, 1);
  }

  /**
   * Closes the connection: commands without a success response already sent resolve, every other
   * pending call rejects with `QmpConnectionError` (`reason: 'closed'`), no timer is left, the
   * socket is destroyed. Idempotent.
   */
  close(): Promise<void> {
    return this.#session.shutdown();
  }

  /** `await using qga = await QgaClient.connect(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
