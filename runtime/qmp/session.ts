/**
 * The QMP session: one client's state across its connections, on top of the request core — the
 * greeting and `qmp_capabilities` (phases), replies read and settled, id-less errors, event
 * intake and validation, problems reported, teardown and the reconnect hand-over. Connecting is in
 * `connect.ts`, the checks of one command in `command.ts`; the public face is `client.ts`.
 */
import { toBigints, type BigintShape } from '../bigint-table.js';
import type { ExecuteOptions, QmpEvent, TargetBinding, TargetValidators, ValidationResult } from '../target.js';
import {
  QmpCommandError,
  QmpConnectionError,
  QmpNegotiationError,
  QmpProtocolError,
  QmpUsageError,
  QmpValidationError,
  type QmpVersionMismatchError,
} from '../errors.js';
import { isRecord } from '../guards.js';
import { preview, thrownMessage } from '../preview.js';
import { errorText } from '../wire-arguments.js';
import type { Connection } from '../core/connection.js';
import { RequestCore, type Request } from '../core/request-core.js';
import { MAX_MESSAGES_BEFORE_GREETING, capabilitiesCommand, checkGreeting, chooseCapabilities, claimsToBeGreeting, type QmpGreeting } from './negotiation.js';
import { findVersionMismatch, serverArchHint } from './version.js';
import { EventHub } from './events.js';
import type { Reconnector } from './reconnect.js';
import type { ClientErrorListener, ClientErrorSource, ClientStats, ConnectOptions } from './client-types.js';
import { prepareCommand } from './command.js';

export type Phase = 'greeting' | 'negotiating' | 'negotiated' | 'ready' | 'closed';

/** The default in-band limit with `oob` (spec: 8). */
const OOB_IN_BAND_LIMIT = 8;

/** What the face gives its session. */
export interface SessionHooks {
  /** The connection dropped and a reconnect takes over: live operations (jobs, migration, unplug) fail. */
  connectionLost(error: QmpConnectionError): void;
}

/**
 * Runs a validator on what the peer sent; a validator that throws (a stack overflow on a value
 * nested deeper than its recursion allows, with `maxMessageDepth` raised) counts as a failed check
 * instead of breaking the dispatch of the message (which would leave its call unsettled).
 */
function guarded(validate: () => ValidationResult): ValidationResult {
  try {
    return validate();
  } catch (e) {
    return { ok: false, errors: [{ path: '', message: `could not be checked: ${thrownMessage(e)}` }] };
  }
}

/** At most 200 characters describing `v` for an error message; never throws, whatever `v` is (see `preview`). */
export function short(v: unknown): string {
  return preview(v, 200);
}

function errorParts(err: unknown): { cls: string; desc: string } {
  return {
    cls: isRecord(err) && typeof err['class'] === 'string' ? err['class'] : 'unknown',
    desc: isRecord(err) && typeof err['desc'] === 'string' ? err['desc'] : short(err),
  };
}

/** One QMP client's session (internal: the public face is `QmpClient`). */
export class QmpSession {
  greeting: QmpGreeting | undefined;
  capabilities: readonly string[] = [];
  offeredCapabilities: readonly string[] = [];
  versionMismatch: QmpVersionMismatchError | undefined;
  readonly closed: Promise<QmpConnectionError>;
  resolveClosed!: (e: QmpConnectionError) => void;

  validators: TargetValidators | undefined;
  readonly targetEvents: ReadonlySet<string> | undefined;
  conn: Connection | undefined;
  phase: Phase = 'greeting';
  oobEnabled = false;
  readonly core: RequestCore;
  readonly hub: EventHub;
  readonly errorListeners: ClientErrorListener[] = [];
  closeReason: QmpConnectionError | undefined;
  /** Set with the `reconnect` option once connected; `reconnecting` while the connection is down. */
  reconnector: Reconnector | undefined;
  reconnecting = false;
  /** Messages skipped before the greeting on the current connection (bounded per connection: a reconnect starts again at 0). */
  skippedThisConnection = 0;
  /** The summary of the version mismatch last reported under `versionMismatch: 'warn'`. */
  reportedMismatch: string | undefined;
  /** Set by {@link expectClose}. */
  expectingClose = false;
  closing: Promise<void> | undefined;
  negotiation: { id: number; resolve(): void; reject(e: unknown): void } | undefined;
  readonly stats = {
    sent: 0,
    received: 0,
    events: 0,
    eventsBeforeReady: 0,
    skippedBeforeGreeting: 0,
    lateReplies: 0,
    unknownIds: 0,
    errorsWithoutId: 0,
    protocolErrors: 0,
    handlerErrors: 0,
    invalidEvents: 0,
    invalidReturns: 0,
  };

  constructor(
    readonly options: ConnectOptions,
    readonly target: TargetBinding | undefined,
    private readonly hooks: SessionHooks,
  ) {
    this.core = new RequestCore(this.#writeRequest);
    this.hub = new EventHub((e, source) => this.report(e, source));
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    if (target) this.targetEvents = new Set(target.events);
  }

  snapshot(): ClientStats {
    return { ...this.stats, inFlight: this.core.inFlight, queued: this.core.queued };
  }

  // ---- commands ---------------------------------------------------------------------------

  /**
   * `typed`: `execute` and `commands.*` (arguments and replies validated as configured);
   * `executeUntyped` sends as is. Never throws: whatever a caller's value does (a throwing getter,
   * a Proxy) becomes a rejection.
   */
  execute(name: string, args: unknown, options: ExecuteOptions | undefined, typed: boolean): Promise<unknown> {
    try {
      const spec = prepareCommand(this, name, args, options, typed);
      return spec instanceof Error ? Promise.reject(spec) : this.core.request(spec);
    } catch (e) {
      return Promise.reject(
        new QmpUsageError(`${typeof name === 'string' ? name : 'execute'}: reading the arguments or options threw: ${errorText(e)}`),
      );
    }
  }

  readonly #writeRequest = (request: Request): void => {
    this.sendRaw(request.message, request.text);
  };

  sendRaw(message: unknown, text?: string): void {
    this.stats.sent++;
    if (this.options.trace) this.#trace('out', message);
    this.conn?.send(message, text);
  }

  // ---- incoming ---------------------------------------------------------------------------

  readonly onMessage = (message: unknown, bytes = 0): void => {
    this.stats.received++;
    if (this.options.trace) this.#trace('in', message);
    if (!isRecord(message)) {
      this.protocolProblem(
        new QmpProtocolError('unexpected-message', `QMP peer sent a message that is not an object: ${short(message)}`, { received: message }),
      );
      if (this.phase === 'greeting') {
        const neg = this.negotiation;
        this.negotiation = undefined;
        neg?.reject(new QmpNegotiationError(`expected the QMP greeting, got ${short(message)}`));
      }
      return;
    }
    switch (this.phase) {
      case 'ready':
        if (typeof message['event'] === 'string') this.#onEvent(message, bytes);
        else if ('return' in message || 'error' in message) this.#onReply(message);
        else this.#unexpected(message);
        return;
      case 'greeting':
        this.#onGreeting(message);
        return;
      case 'negotiating':
        this.#onNegotiationReply(message);
        return;
      case 'negotiated':
        if (typeof message['event'] === 'string') this.stats.eventsBeforeReady++;
        else this.#unexpected(message);
        return;
      case 'closed':
        return;
    }
  };

  #unexpected(message: Record<string, unknown>): void {
    this.protocolProblem(new QmpProtocolError('unexpected-message', `QMP peer sent an unexpected message: ${short(message)}`, { received: message }));
  }

  #onGreeting(message: Record<string, unknown>): void {
    const neg = this.negotiation;
    if (!neg) return;
    if (!claimsToBeGreeting(message)) {
      // Seen on real QEMU 10.0: events and late replies meant for an earlier client of the monitor
      // arrive before the greeting. Skip them (a bounded number; the connect timeout bounds the time).
      if (typeof message['event'] === 'string') this.stats.eventsBeforeReady++;
      else this.stats.skippedBeforeGreeting++;
      if (++this.skippedThisConnection > MAX_MESSAGES_BEFORE_GREETING) {
        this.negotiation = undefined;
        neg.reject(new QmpNegotiationError(`no QMP greeting: more than ${MAX_MESSAGES_BEFORE_GREETING} messages before the greeting (the last: ${short(message)})`));
      }
      return;
    }
    try {
      this.greeting = checkGreeting(message);
      this.offeredCapabilities = [...this.greeting.QMP.capabilities];
      this.versionMismatch = findVersionMismatch(this.target, this.greeting, (this.options as { [serverArchHint]?: string })[serverArchHint]);
      if (this.versionMismatch && this.options.versionMismatch === 'error') {
        const m = this.versionMismatch;
        throw new QmpNegotiationError(`${m.summary} (versionMismatch: 'error'; nothing was sent: use a target made for this QEMU, see the README)`, { cause: m });
      }
      const enabled = chooseCapabilities(this.offeredCapabilities, this.options.capabilities);
      this.capabilities = enabled;
      this.oobEnabled = enabled.includes('oob');
      neg.id = this.core.nextId();
      this.phase = 'negotiating';
      this.sendRaw(capabilitiesCommand(enabled, neg.id));
    } catch (e) {
      // Failed: ignore whatever follows (e.g. another greeting in the same read); nothing more is sent.
      this.negotiation = undefined;
      neg.reject(e);
    }
  }

  /** The in-band limit once negotiated: 8 (or `maxInBandInFlight`) with `oob`, none without. */
  get maxInBand(): number {
    return this.oobEnabled ? (this.options.maxInBandInFlight ?? OOB_IN_BAND_LIMIT) : Infinity;
  }

  #onNegotiationReply(message: Record<string, unknown>): void {
    const neg = this.negotiation;
    if (!neg) return;
    if (typeof message['event'] === 'string') {
      this.stats.eventsBeforeReady++;
      return;
    }
    if (!('return' in message) && !('error' in message)) {
      this.negotiation = undefined;
      neg.reject(new QmpNegotiationError(`unexpected message during negotiation: ${short(message)}`));
      return;
    }
    if (message['id'] !== neg.id && message['id'] !== undefined) {
      this.stats.unknownIds++;
      this.protocolProblem(new QmpProtocolError('unknown-id', `reply with unknown id ${short(message['id'])} during negotiation`, { received: message }));
      return;
    }
    this.negotiation = undefined;
    if ('error' in message) {
      const { cls, desc } = errorParts(message['error']);
      neg.reject(
        new QmpNegotiationError(`qmp_capabilities failed: ${cls}: ${desc}`, {
          cause: new QmpCommandError({ errorClass: cls, desc, command: 'qmp_capabilities', id: message['id'] }),
        }),
      );
      return;
    }
    neg.resolve();
  }

  #onReply(message: Record<string, unknown>): void {
    const id = message['id'];
    if (id === undefined && 'error' in message) {
      this.#onErrorWithoutId(message);
      return;
    }
    const call = this.core.take(id);
    if (call === undefined) {
      this.stats.unknownIds++;
      this.protocolProblem(new QmpProtocolError('unknown-id', `QMP reply with unknown id ${short(id)} dropped`, { received: message }));
      return;
    }
    if (call === null) {
      this.stats.lateReplies++;
      return;
    }
    if ('error' in message) {
      const err = message['error'];
      if (!isRecord(err) || typeof err['class'] !== 'string' || typeof err['desc'] !== 'string') {
        this.stats.protocolErrors++;
        call.reject(new QmpProtocolError('unexpected-message', `${call.name}: malformed error reply: ${short(message)}`, { received: message }));
        return;
      }
      call.reject(new QmpCommandError({ errorClass: err['class'], desc: err['desc'], command: call.name, id }));
      return;
    }
    const value = message['return'];
    const validators = this.validators;
    if (call.checkReply && validators) {
      const result = guarded(() => validators.validateReturn(call.name, value));
      if (!result.ok) {
        this.stats.invalidReturns++;
        call.reject(new QmpValidationError('return', call.name, result.errors, this.versionMismatch));
        return;
      }
    }
    const big = this.target?.bigints;
    call.resolve(big && Object.hasOwn(big.returns, call.name) ? toBigints(big, big.returns[call.name] as BigintShape, value) : value);
  }

  /**
   * An error without id means QEMU could not parse an input. QEMU handles in-band input strictly
   * in order (unparsable input takes its place in the in-band queue), so it belongs to the oldest
   * in-band command still unanswered: that call rejects with a QmpProtocolError (or, if its caller
   * already gave up, it counts as a late reply). With nothing in flight it is only reported.
   */
  #onErrorWithoutId(message: Record<string, unknown>): void {
    this.stats.errorsWithoutId++;
    const { cls, desc } = errorParts(message['error']);
    const base = `QMP error reply without id (the server could not parse an input): ${cls}: ${desc}`;
    const victim = this.core.takeOldestInBand();
    if (!victim) {
      this.protocolProblem(new QmpProtocolError('error-without-id', `${base}; no command was pending`, { received: message }));
      return;
    }
    this.protocolProblem(
      new QmpProtocolError('error-without-id', `${base}; attributed to the oldest pending in-band command (id ${victim.id})`, { received: message }),
    );
    if (!victim.request) {
      this.stats.lateReplies++;
      return;
    }
    victim.request.reject(new QmpProtocolError('error-without-id', `${victim.request.name}: ${base}`, { received: message }));
  }

  #onEvent(message: Record<string, unknown>, bytes: number): void {
    const name = message['event'] as string;
    const ts = message['timestamp'];
    if (!isRecord(ts) || typeof ts['seconds'] !== 'number' || typeof ts['microseconds'] !== 'number') {
      this.protocolProblem(new QmpProtocolError('unexpected-message', `QMP event ${name} without a valid timestamp dropped: ${short(message)}`, { received: message }));
      return;
    }
    const validators = this.validators;
    if (this.options.validateEvents && validators && this.targetEvents?.has(name)) {
      const result = guarded(() => validators.validateEvent(name, message['data']));
      if (!result.ok) {
        this.stats.invalidEvents++;
        this.report(new QmpValidationError('event', name, result.errors, this.versionMismatch), 'validation');
        return;
      }
    }
    const big = this.target?.bigints;
    if (big && Object.hasOwn(big.events, name)) message['data'] = toBigints(big, big.events[name] as BigintShape, message['data']);
    this.stats.events++;
    this.hub.emit(message as unknown as QmpEvent, bytes);
  }

  // ---- errors & teardown ------------------------------------------------------------------

  protocolProblem(error: QmpProtocolError): void {
    this.stats.protocolErrors++;
    this.report(error, 'protocol');
  }

  report(error: unknown, source: ClientErrorSource): void {
    if (source === 'handler' || source === 'trace') this.stats.handlerErrors++;
    for (const l of [...this.errorListeners]) {
      try {
        l(error, source);
      } catch {
        // An error listener that throws has nowhere left to report to.
      }
    }
  }

  #trace(direction: 'in' | 'out', message: unknown): void {
    try {
      this.options.trace!(direction, message);
    } catch (e) {
      this.report(e, 'trace');
    }
  }

  readonly onConnectionClose = (error: QmpConnectionError, protocolError: QmpProtocolError | undefined): void => {
    if (protocolError) this.protocolProblem(protocolError);
    if (this.phase === 'closed') return;
    if (this.expectingClose) error = new QmpConnectionError('closed', 'the QMP connection was closed by the client', { cause: error });
    const neg = this.negotiation;
    if (neg) {
      const during = this.greeting ? 'during negotiation' : 'before its greeting';
      neg.reject(new QmpConnectionError(error.reason, `${error.message} (${during})`, { cause: error.cause ?? error }));
    }
    if (this.reconnecting) return; // a reconnect attempt failed: its start reports to the reconnector
    if (this.reconnector && this.phase === 'ready' && error.reason !== 'closed') {
      this.#drop(error);
      return;
    }
    this.teardown(error, error.reason === 'closed');
    this.resolveClosed(error);
  };

  /**
   * The reconnect seam (`reconnect.ts`): the connection dropped, calls in flight and queued
   * fail with `error` (never re-sent), listeners stay registered, the reconnector takes over.
   */
  #drop(error: QmpConnectionError): void {
    this.reconnecting = true;
    this.phase = 'greeting';
    this.core.close();
    this.conn = undefined;
    this.closeReason = new QmpConnectionError(error.reason, `${error.message} (reconnecting)`, { cause: error.cause ?? error });
    this.failCalls(error);
    this.hooks.connectionLost(error); // jobs, migration, unplug follow events: those of the down time are lost
    this.reconnector!.dropped(error);
  }

  /** Rejects every pending and queued call with `error`, ends event delivery. */
  teardown(error: QmpConnectionError, graceful: boolean): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.core.close();
    this.closeReason = error;
    this.reconnector?.stop();
    this.failCalls(error);
    this.hub.close(error, graceful);
  }

  failCalls(error: QmpConnectionError): void {
    this.core.failAll((call) => new QmpConnectionError(error.reason, `${call.name}: ${error.message}`, { cause: error.cause ?? error }));
  }

  /** Closes only the connection (the face's `close()`, or a launcher's after `quit`). */
  shutdownConnection(): Promise<void> {
    if (this.closing) return this.closing;
    if (this.phase === 'closed') return Promise.resolve();
    const error = new QmpConnectionError('closed', 'the QMP connection was closed by the client');
    this.reconnecting = false;
    this.negotiation?.reject(error); // a reconnect attempt in progress ends now
    this.negotiation = undefined;
    this.teardown(error, true);
    const conn = this.conn;
    this.closing = (conn ? conn.end() : Promise.resolve()).then(() => {
      this.resolveClosed(error);
    });
    return this.closing;
  }

  /**
   * A launcher's `close()` is about to send `quit`: the end of the connection that follows is
   * this client's own close (reason `'closed'`, no reconnection, no `reconnect` notifications).
   */
  expectClose(): void {
    this.expectingClose = true;
  }
}
