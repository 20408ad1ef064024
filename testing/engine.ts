/**
 * The schema-driven engine: QEMU's negotiation and dispatch rules, the user's handlers, and the
 * target's validators on arguments (a GenericError like QEMU's) and on handler returns (a loud
 * test failure naming the command and the path).
 */
import type { CommandMapOf, CommandSpec } from '../runtime/target.js';
import { describeArgumentIssue, pickArgumentIssue } from './argument-errors.js';
import { describeDeviceAddIssue } from './device-errors.js';
import type { ConnectionEngine, QmpServerConnection, ReceivedCommand, ReplyBody } from './connection.js';
import { QmpServerError } from './errors.js';
import type { ClientInput } from './json-input.js';
import { checkRequest } from './request.js';

/** What a handler gets besides its arguments. */
export interface QmpHandlerContext {
  /** The connection the command came on (e.g. `ctx.connection.emitEvent(...)`, `sendRaw`). */
  readonly connection: QmpServerConnection;
  /** The command as received. */
  readonly command: ReceivedCommand;
  /** Sends an event to this connection only (schema-checked); it goes out before the reply. */
  emitEvent(name: string, data?: Record<string, unknown>): void;
}

/** Arguments a handler receives: `{}` when the client sent none (QEMU's rule). */
export type HandlerArgs<A> = [A] extends [undefined] ? Record<string, never> : Exclude<A, undefined>;

/** A command handler: returns the reply's `return` value (`undefined` → `{}`), or throws {@link QmpServerError}. */
export type QmpCommandHandler<A = Record<string, unknown>, R = unknown> = (
  args: HandlerArgs<A>,
  ctx: QmpHandlerContext,
) => R | void | Promise<R | void>;

/** A command map (interface or type alias): wire name → `{ args, returns }` (the runtime's `CommandMapOf`). */
export type CommandMapLike<C> = CommandMapOf<C>;

/** Handlers keyed by command wire name, typed by a command map. */
export type QmpHandlers<C extends CommandMapLike<C>> = {
  [K in keyof C]?: C[K] extends CommandSpec ? QmpCommandHandler<C[K]['args'], C[K]['returns']> : never;
};

/** A handler as the engine calls it (arguments already checked by the target's validators). */
type AnyHandler = (args: any, ctx: QmpHandlerContext) => unknown;

/** Capability names QEMU knows (the QMPCapability enum); others are refused like QEMU's enum visitor does. */
const knownCapabilities = ['oob'];

const generic = (desc: string): ReplyBody => ({ error: { class: 'GenericError', desc } });
const notFound = (desc: string): ReplyBody => ({ error: { class: 'CommandNotFound', desc } });

/** The engine behind `createQmpServer` (internal). */
export class SchemaEngine implements ConnectionEngine {
  constructor(
    private readonly greeting: Record<string, unknown>,
    private readonly offered: readonly string[],
    private readonly handlers: Record<string, AnyHandler | undefined>,
    private readonly ready: Promise<void>,
  ) {}

  start(conn: QmpServerConnection): void {
    this.ready.then(
      () => {
        if (conn.state !== 'closed') conn.sendGreeting(this.greeting);
      },
      () => conn.destroy(),
    );
  }

  async handle(conn: QmpServerConnection, input: ClientInput): Promise<void> {
    await this.ready;
    if (!input.ok) return conn.reply({ hasId: false, id: undefined }, generic(input.desc));
    const req = checkRequest(input.value, conn.oobEnabled);
    if (!req.ok) return conn.reply(req, { error: req.error });
    const cmd = conn.logCommand({ name: req.name, arguments: req.arguments, id: req.id, hasId: req.hasId, oob: req.oob });
    if (conn.state !== 'command') return this.negotiate(conn, cmd);
    if (req.name === 'qmp_capabilities') {
      if (req.oob) return conn.reply(req, generic('The command qmp_capabilities does not support OOB'), cmd);
      return conn.reply(req, notFound('Capabilities negotiation is already complete, command ignored'), cmd);
    }
    const core = conn.core;
    const handler = Object.prototype.hasOwnProperty.call(this.handlers, req.name) ? this.handlers[req.name] : undefined;
    const known = core.target ? Object.prototype.hasOwnProperty.call(core.target.commands, req.name) : true;
    const missing = (): Promise<void> => conn.reply(req, notFound(`The command ${req.name} has not been found`), cmd);
    if (!known || (!handler && !core.target)) return missing();
    if (req.oob && core.target && !core.target.commands[req.name]!.allowOob) {
      return conn.reply(req, generic(`The command ${req.name} does not support OOB`), cmd);
    }
    const args = req.arguments ?? {};
    if (core.validators) {
      // Arguments are checked before the handler lookup: a wrong call is reported even for a command with no handler.
      const r = core.validators.validateArguments(req.name, args);
      if (!r.ok) {
        const issue = pickArgumentIssue(r.errors)!;
        return conn.reply(req, generic(req.name === 'device_add' ? describeDeviceAddIssue(issue, args) : describeArgumentIssue(issue, args)), cmd);
      }
    }
    if (!handler) return missing();
    let value: unknown;
    try {
      value = await handler(args, {
        connection: conn,
        command: cmd,
        emitEvent: (name, data) => void conn.emitEvent(name, data),
      });
    } catch (e) {
      if (e instanceof QmpServerError || (e as { name?: unknown })?.name === 'QmpServerError') {
        const se = e as QmpServerError;
        return conn.reply(req, { error: { class: se.errorClass, desc: se.desc } }, cmd);
      }
      const why = e instanceof Error ? e.message : String(e);
      const message = `handler for '${req.name}' threw: ${why}`;
      core.failures.push({ kind: 'handler', connection: conn.index, command: req.name, message });
      return conn.reply(req, generic(`qmp-sdk test server: ${message}`), cmd);
    }
    if (value === undefined) value = {};
    if (core.validators) {
      const r = core.validators.validateReturn(req.name, value);
      if (!r.ok) {
        const where = r.errors.map((i) => `${i.path || '/'}: ${i.message}`).join('; ');
        const message = `handler for '${req.name}' returned a value that does not match the return schema at ${where}`;
        core.failures.push({ kind: 'return', connection: conn.index, command: req.name, message, issues: r.errors });
        return conn.reply(req, generic(`qmp-sdk test server: ${message}`), cmd);
      }
    }
    return conn.reply(req, { return: value }, cmd);
  }

  private negotiate(conn: QmpServerConnection, cmd: ReceivedCommand): Promise<void> {
    if (cmd.name !== 'qmp_capabilities') {
      return conn.reply(cmd, notFound("Expecting capabilities negotiation with 'qmp_capabilities'"), cmd);
    }
    if (conn.faults.closeDuringNegotiation) {
      conn.destroy();
      return Promise.resolve();
    }
    const args = cmd.arguments ?? {};
    for (const key of Object.keys(args)) {
      if (key !== 'enable') return conn.reply(cmd, generic(`Parameter '${key}' is unexpected`), cmd);
    }
    const enable = args['enable'];
    const enabled: string[] = [];
    if (enable !== undefined) {
      if (!Array.isArray(enable)) return conn.reply(cmd, generic("Invalid parameter type for 'enable', expected: array"), cmd);
      const unavailable: string[] = [];
      for (const cap of enable) {
        if (typeof cap !== 'string') return conn.reply(cmd, generic("Invalid parameter type for 'null', expected: string"), cmd);
        if (!knownCapabilities.includes(cap) && !this.offered.includes(cap)) {
          return conn.reply(cmd, generic(`Parameter 'null' does not accept value '${cap}'`), cmd);
        }
        if (!this.offered.includes(cap)) unavailable.push(cap);
        if (!enabled.includes(cap)) enabled.push(cap);
      }
      if (unavailable.length > 0) return conn.reply(cmd, generic(`Capability ${unavailable.join(', ')} not available`), cmd);
    }
    conn.capabilities = enabled;
    conn.state = 'command';
    return conn.reply(cmd, { return: {} }, cmd);
  }
}
