/**
 * The QEMU guest agent session (internal; the public face is `QgaClient`, `client.ts`): one
 * connection to an agent, on the dialect-neutral request core, framed by the {@link DelimitedFramer}.
 *
 * Protocol (`qga/qapi-schema.json` `guest-sync-delimited`; measured facts in `schema/FORMAT.md`,
 * "The guest agent's protocol"): no greeting, no events; replies echo `id`; the channel may hold
 * stale bytes and stale replies of an earlier client.
 * - **Synchronisation**: write the byte 0xFF (the agent's parser resets; it answers one error
 *   without id for it) then `guest-sync-delimited {"id": <fresh random int64>}`; the agent answers
 *   0xFF then `{"return": <that id>}`. Everything before that 0xFF may be stale and is discarded
 *   when the channel's state is unknown (connect, a framing error, a failed synchronisation); a
 *   synchronisation reply with another value is stale too. Commands called meanwhile wait.
 * - **Resynchronisation** after a command's time limit, a framing error, or an error without id
 *   the session did not cause. The agent answers in order, so when the synchronisation's reply
 *   arrives no request written before it can still be answered: those still pending reject with a
 *   `QmpProtocolError` (violation `reply-lost`).
 * - **No synchronisation answer** within `syncTimeoutMs`: `connect()` rejects with
 *   {@link QgaNoAgentError}; later, every pending and waiting call rejects with it, the connection
 *   stays open, and the next call synchronises again.
 * - **Commands without a success response** (the target's `noSuccessResponse`): written with their
 *   id and followed by a `guest-sync-delimited` of their own. An error reply with their id (before
 *   that synchronisation's reply) rejects the call; that synchronisation's reply resolves it with
 *   `undefined`; the connection closing once the command was written resolves it too (the guest
 *   is going down). In a VM the channel stays open when the guest goes away: give such a call a
 *   `timeoutMs` (it then rejects with `QmpTimeoutError`, which says nothing about the command's fate).
 */
import type { ExecuteOptions, TargetValidators, ValidationResult } from '../target.js';
import { QmpCommandError, QmpConnectionError, QmpProtocolError, QmpUsageError, QmpValidationError } from '../errors.js';
import { isRecord } from '../guards.js';
import { preview, thrownMessage } from '../preview.js';
import { errorText } from '../wire-arguments.js';
import type { Connection } from '../core/connection.js';
import { DelimitedFramer } from '../core/delimited-framer.js';
import { RequestCore, type Request } from '../core/request-core.js';
import { prepareQgaCommand } from './command.js';
import { QgaNoAgentError } from './errors.js';
import type { QgaClientOptions, QgaClientStats, QgaErrorListener, QgaTargetBinding } from './types.js';
import { toBigints, type BigintShape } from '../bigint-table.js';

/** Default limit of one synchronisation, in ms. */
export const DEFAULT_SYNC_TIMEOUT_MS = 5000;

const DELIMITER_BYTE = Buffer.from([0xff]);

/**
 * The value of one `guest-sync-delimited`: a fresh random int64 in [2^62, 2^63) (62 random bits). Always
 * beyond 2^53, so it is a `bigint` on both sides and every synchronisation exercises the exact-integer path.
 */
export function randomSyncId(): bigint {
  return (globalThis.crypto.getRandomValues(new BigUint64Array(1))[0]! & 0x3fff_ffff_ffff_ffffn) | 0x4000_0000_0000_0000n;
}

/** The value of a `return` as a bigint when it is an integer (the parser gives a `number` up to 2^53 − 1). */
function asBigInt(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return undefined;
}

function syncText(value: bigint): string {
  return `{"execute":"guest-sync-delimited","arguments":{"id":${value}}}`;
}

function short(v: unknown): string {
  return preview(v, 200);
}

function guarded(validate: () => ValidationResult): ValidationResult {
  try {
    return validate();
  } catch (e) {
    return { ok: false, errors: [{ path: '', message: `could not be checked: ${thrownMessage(e)}` }] };
  }
}

interface Sync {
  readonly value: bigint;
  /** Requests with a smaller id were written before this synchronisation. */
  readonly marker: number;
  readonly why: string;
  timer: NodeJS.Timeout | undefined;
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/** One guest agent session. */
export class QgaSession {
  readonly core: RequestCore;
  readonly framer: DelimitedFramer;
  readonly closed: Promise<QmpConnectionError>;
  #resolveClosed!: (e: QmpConnectionError) => void;
  conn: Connection | undefined;
  validators: TargetValidators | undefined;
  /** Where the connection goes, for messages (`unix:/path`). */
  where = 'the given transport';
  open = false;
  closeReason: QmpConnectionError | undefined;
  readonly errorListeners: QgaErrorListener[] = [];
  #sync: Sync | undefined;
  /** Set when a synchronisation failed: the next call synchronises again (discarding first). */
  #unsynced = false;
  /** 0xFF bytes written whose error line has not been seen (they are the agent's answer to our delimiter). */
  #delimiterErrorsExpected = 0;
  /** Commands without a success response, by the value of the synchronisation that follows them. */
  readonly #noResponse = new Map<bigint, Request>();
  readonly #noSuccessResponse: ReadonlySet<string>;
  #closing: Promise<void> | undefined;
  readonly stats = {
    sent: 0,
    received: 0,
    syncs: 0,
    resyncs: 0,
    staleReplies: 0,
    lateReplies: 0,
    delimiterErrors: 0,
    errorsWithoutId: 0,
    protocolErrors: 0,
    invalidReturns: 0,
  };

  constructor(
    readonly options: QgaClientOptions,
    readonly target: QgaTargetBinding | undefined,
  ) {
    this.core = new RequestCore(this.#writeRequest, this.#onCommandTimeout);
    this.framer = new DelimitedFramer(
      { maxMessageBytes: options.maxMessageBytes, maxMessageDepth: options.maxMessageDepth, maxMessageTokens: options.maxMessageTokens },
      this.#onFramingError,
    );
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#noSuccessResponse = new Set(target?.noSuccessResponse ?? []);
  }

  snapshot(): QgaClientStats {
    return { ...this.stats, discardedBytes: this.framer.discardedBytes, inFlight: this.core.inFlight, queued: this.core.queued };
  }

  get syncTimeoutMs(): number {
    return this.options.syncTimeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS;
  }

  // ---- commands ---------------------------------------------------------------------------

  /** `typed`: validated as configured; never throws (a caller's throwing value becomes a rejection). */
  execute(name: string, args: unknown, options: ExecuteOptions | undefined, typed: boolean): Promise<unknown> {
    try {
      const request = prepareQgaCommand(this, name, args, options, typed);
      if (request instanceof Error) return Promise.reject(request);
      if (this.#unsynced && this.#sync === undefined) void this.resync('a call after a failed synchronisation', true).catch(() => {});
      return this.core.request(request);
    } catch (e) {
      return Promise.reject(
        new QmpUsageError(`${typeof name === 'string' ? name : 'execute'}: reading the arguments or options threw: ${errorText(e)}`),
      );
    }
  }

  readonly #writeRequest = (request: Request): void => {
    this.#send(request.message, request.text);
    if (this.#noSuccessResponse.has(request.name)) {
      const value = randomSyncId();
      this.#noResponse.set(value, request);
      this.#sendSync(value);
    }
  };

  #send(message: unknown, text: string): void {
    this.stats.sent++;
    if (this.options.trace) this.#trace('out', message);
    this.conn?.send(message, text);
  }

  #sendSync(value: bigint): void {
    this.#send(this.options.trace ? { execute: 'guest-sync-delimited', arguments: { id: value } } : undefined, syncText(value));
  }

  /**
   * Synchronises the channel (see the module doc): calls wait meanwhile. `discard`: drop every
   * byte up to the reply's 0xFF (the channel's state is unknown). While one is under way, the same
   * promise is returned. Rejects with {@link QgaNoAgentError} when nothing answers in time.
   */
  synchronise(why: string, discard: boolean): Promise<void> {
    if (this.#sync) return this.#sync.promise;
    if (this.closeReason !== undefined || this.conn === undefined) {
      const reason = this.closeReason;
      return Promise.reject(reason ? new QmpConnectionError(reason.reason, `synchronising: ${reason.message}`, { cause: reason }) : new QmpConnectionError('closed', 'the guest agent connection is not open'));
    }
    this.core.close();
    if (discard) this.framer.discardUntilDelimiter();
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    promise.catch(() => {});
    const sync: Sync = { value: randomSyncId(), marker: this.core.nextId(), why, timer: undefined, promise, resolve, reject };
    this.#sync = sync;
    const timeoutMs = this.syncTimeoutMs;
    sync.timer = setTimeout(() => this.#syncFailed(sync, new QgaNoAgentError(this.where, timeoutMs, why)), timeoutMs);
    this.#delimiterErrorsExpected++;
    this.conn?.writeBytes(DELIMITER_BYTE);
    this.#sendSync(sync.value);
    return promise;
  }

  /** A resynchronisation of an open channel (not the first one of `connect()`). */
  resync(why: string, discard: boolean): Promise<void> {
    if (!this.#sync) this.stats.resyncs++;
    return this.synchronise(why, discard);
  }

  #synced(sync: Sync): void {
    clearTimeout(sync.timer);
    this.#sync = undefined;
    this.#unsynced = false;
    this.#delimiterErrorsExpected = 0;
    this.stats.syncs++;
    const marker = sync.marker;
    const lost = (request: Request): QmpProtocolError =>
      new QmpProtocolError('reply-lost', `${request.name}: no reply can come any more: the guest agent channel was resynchronised (${sync.why}) after the command was sent`);
    for (const [value, request] of this.#noResponse) if (request.id < marker) this.#noResponse.delete(value);
    this.core.failPending((request) => request.id < marker, lost);
    if (this.open) this.core.open();
    sync.resolve();
  }

  #syncFailed(sync: Sync, error: QgaNoAgentError): void {
    if (this.#sync !== sync) return;
    this.#sync = undefined;
    this.#unsynced = true;
    this.#noResponse.clear();
    this.core.failAll(() => error);
    sync.reject(error);
  }

  readonly #onCommandTimeout = (): void => {
    if (this.open) void this.resync('a command timed out', false).catch(() => {});
  };

  readonly #onFramingError = (error: QmpProtocolError): void => {
    this.#problem(error);
    if (this.conn !== undefined) void this.resync(`a framing error: ${error.message}`, true).catch(() => {});
  };

  // ---- incoming ---------------------------------------------------------------------------

  readonly onMessage = (message: unknown): void => {
    this.stats.received++;
    if (this.options.trace) this.#trace('in', message);
    if (!isRecord(message)) {
      this.#problem(new QmpProtocolError('unexpected-message', `the guest agent sent a message that is not an object: ${short(message)}`, { received: message }));
      return;
    }
    const id = message['id'];
    if (id === undefined) {
      if ('return' in message) this.#onSyncReply(message['return']);
      else if ('error' in message) this.#onErrorWithoutId(message);
      else this.#problem(new QmpProtocolError('unexpected-message', `the guest agent sent an unexpected message: ${short(message)}`, { received: message }));
      return;
    }
    if (!('return' in message) && !('error' in message)) {
      this.#problem(new QmpProtocolError('unexpected-message', `the guest agent sent an unexpected message: ${short(message)}`, { received: message }));
      return;
    }
    const call = this.core.take(id);
    if (call === undefined) {
      this.stats.staleReplies++;
      return;
    }
    if (call === null) {
      this.stats.lateReplies++;
      return;
    }
    if ('error' in message) {
      this.#forgetNoResponse(call);
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
        call.reject(new QmpValidationError('return', call.name, result.errors));
        return;
      }
    }
    // the bigint entry (`qmp-sdk/qga/bigint`): every 64-bit integer of the reply becomes a bigint (runtime/bigint-table.ts)
    const big = this.target?.bigints;
    call.resolve(big && Object.hasOwn(big.returns, call.name) ? toBigints(big, big.returns[call.name] as BigintShape, value) : value);
  };

  #onSyncReply(value: unknown): void {
    const n = asBigInt(value);
    const sync = this.#sync;
    if (sync && n === sync.value) {
      this.#synced(sync);
      return;
    }
    const request = n === undefined ? undefined : this.#noResponse.get(n);
    if (request !== undefined) {
      this.#noResponse.delete(n!);
      const taken = this.core.take(request.id);
      if (taken) taken.resolve(undefined);
      return;
    }
    this.stats.staleReplies++;
  }

  #forgetNoResponse(request: Request): void {
    if (!this.#noSuccessResponse.has(request.name)) return;
    for (const [value, r] of this.#noResponse) if (r === request) this.#noResponse.delete(value);
  }

  /**
   * An error without id: the agent's answer to our own 0xFF (expected, dropped), or to input it
   * could not parse (the channel is resynchronised; the requests it swallowed fail as `reply-lost`).
   */
  #onErrorWithoutId(message: Record<string, unknown>): void {
    if (this.#delimiterErrorsExpected > 0) {
      this.#delimiterErrorsExpected--;
      this.stats.delimiterErrors++;
      return;
    }
    this.stats.errorsWithoutId++;
    const err = message['error'];
    const desc = isRecord(err) ? `${String(err['class'])}: ${String(err['desc'])}` : short(err);
    this.#problem(new QmpProtocolError('error-without-id', `the guest agent could not parse an input (${desc}); resynchronising`, { received: message }));
    if (this.open) void this.resync('an error without id', false).catch(() => {});
  }

  // ---- errors & teardown ------------------------------------------------------------------

  #problem(error: QmpProtocolError): void {
    this.stats.protocolErrors++;
    this.report(error, 'protocol');
  }

  report(error: unknown, source: 'protocol' | 'trace'): void {
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
    if (protocolError) this.#problem(protocolError);
    this.teardown(error);
  };

  /**
   * Ends the session: commands without a success response that were written resolve (the guest
   * is going down), every other pending and waiting call rejects with `error`, a synchronisation
   * under way rejects, no timer is left.
   */
  teardown(error: QmpConnectionError): void {
    if (this.closeReason !== undefined) return;
    this.open = false;
    this.closeReason = error;
    this.core.close();
    for (const request of this.#noResponse.values()) this.core.take(request.id)?.resolve(undefined);
    this.#noResponse.clear();
    this.core.failAll((call) => new QmpConnectionError(error.reason, `${call.name}: ${error.message}`, { cause: error.cause ?? error }));
    const sync = this.#sync;
    if (sync) {
      clearTimeout(sync.timer);
      this.#sync = undefined;
      sync.reject(error);
    }
    this.#resolveClosed(error);
  }

  /** Closes the connection (idempotent). */
  shutdown(): Promise<void> {
    if (this.#closing) return this.#closing;
    const error = new QmpConnectionError('closed', 'the guest agent connection was closed by the client');
    this.teardown(error);
    const conn = this.conn;
    this.#closing = conn ? conn.end() : Promise.resolve();
    return this.#closing;
  }
}
