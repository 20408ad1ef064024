/**
 * The dialect-neutral request core: ids, the pending set, time limits, aborts, the in-band queue,
 * matching a reply to its request by id, attributing an id-less error, and failing everything at
 * once (teardown, a dropped connection, a resynchronisation). It knows no message format: a
 * session (`runtime/qmp/session.ts` for QMP) serialises the request, writes it through the
 * `write` it gives the core, reads each reply itself and settles the request the core hands back.
 */
import { QmpAbortError, QmpTimeoutError } from '../errors.js';
import { nextCommandId } from './ids.js';

/**
 * One request, from the session's call until it settles: made by the session (`new Request(…)`),
 * given to {@link RequestCore.request}.
 */
export class Request {
  timer: NodeJS.Timeout | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  /** Waiting in the core for an in-band slot (not written yet). */
  queued = false;
  /** False once its caller gave up (time limit, abort) while it was on the wire: its reply is dropped as late. */
  live = true;
  resolve!: (value: unknown) => void;
  reject!: (error: unknown) => void;

  constructor(
    /** The id its reply carries (from {@link RequestCore.nextId}). */
    readonly id: number,
    /** Command name, for error messages. */
    readonly name: string,
    /** The message serialised, exactly what is written. */
    readonly text: string,
    /** The message as an object, for a trace hook (`undefined` when nothing traces: not built then). */
    readonly message: unknown,
    /** Counts against the in-band limit (and takes an id-less error); false for out-of-band. */
    readonly inBand: boolean = true,
    /** Whether the session wants to check the reply (its own flag; the core only carries it). */
    readonly checkReply: boolean = false,
    /** False: a request that is never answered; it settles (with `undefined`) once written. */
    readonly awaitsReply: boolean = true,
    /** Time limit in ms (rejects with `QmpTimeoutError`); none when undefined. */
    readonly timeoutMs: number | undefined = undefined,
    /** Aborts the request (rejects with `QmpAbortError`). */
    readonly signal: AbortSignal | undefined = undefined,
  ) {}
}

/** The oldest unanswered in-band request, as taken by {@link RequestCore.takeOldestInBand}. */
export interface TakenRequest {
  id: number;
  /** The live request, or `null` when its caller gave up already. */
  request: Request | null;
}

/** Pending requests of one session (across its connections). */
export class RequestCore {
  readonly #pending = new Map<number, Request>();
  #queue: Request[] = [];
  #inBandInFlight = 0;
  #maxInBand = Infinity;
  #open = false;
  readonly #write: (request: Request) => void;
  readonly #onTimeout: ((request: Request) => void) | undefined;

  /**
   * `write` puts one request's text on the wire (the session counts, traces and writes it);
   * `onTimeout`, if given, is told after a written request was rejected for its time limit (a
   * dialect may resynchronise its channel then: the QEMU guest agent's session does).
   */
  constructor(write: (request: Request) => void, onTimeout?: (request: Request) => void) {
    this.#write = write;
    this.#onTimeout = onTimeout;
  }

  /** A fresh id (unique in this process). */
  nextId(): number {
    return nextCommandId();
  }

  /** Requests answered or not (given up included) that were written. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Requests waiting for an in-band slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Starts writing (queued requests too), with at most `maxInBand` in-band requests on the wire. */
  open(maxInBand: number = Infinity): void {
    this.#maxInBand = maxInBand;
    this.#open = true;
    this.#drain();
  }

  /** Stops writing; what is pending stays pending (see {@link failAll}). */
  close(): void {
    this.#open = false;
  }

  /** Makes `request`: written now, or queued while the in-band limit is reached (or the core is not open). */
  request(request: Request): Promise<unknown> {
    const promise = new Promise<unknown>((resolve, reject) => {
      request.resolve = resolve;
      request.reject = reject;
    });
    if (request.timeoutMs !== undefined) request.timer = setTimeout(this.#timedOut, request.timeoutMs, request);
    const signal = request.signal;
    if (signal) {
      request.onAbort = () => this.#giveUp(request, new QmpAbortError(request.name, signal.reason));
      signal.addEventListener('abort', request.onAbort, { once: true });
    }
    if (request.inBand && (this.#inBandInFlight >= this.#maxInBand || !this.#open)) {
      request.queued = true;
      this.#queue.push(request);
    } else {
      this.#send(request);
    }
    return promise;
  }

  /**
   * The request a reply with `id` answers, removed from the pending set (its slot freed, its timer
   * cleared): the live request for the session to settle, `null` when its caller gave up (a late
   * reply), `undefined` when no request has that id.
   */
  take(id: unknown): Request | null | undefined {
    if (typeof id !== 'number') return undefined;
    const request = this.#pending.get(id);
    if (request === undefined) return undefined;
    this.#pending.delete(id);
    if (request.inBand) this.#release();
    if (!request.live) return null;
    settle(request);
    return request;
  }

  /** Takes the oldest unanswered in-band request (an error without id belongs to it), if any. */
  takeOldestInBand(): TakenRequest | undefined {
    for (const request of this.#pending.values()) {
      if (!request.inBand) continue;
      const id = request.id;
      this.#pending.delete(id);
      this.#release();
      if (!request.live) return { id, request: null };
      settle(request);
      return { id, request };
    }
    return undefined;
  }

  /**
   * Rejects every pending and queued request with `errorFor(request)` and forgets them (teardown,
   * a dropped connection, a resynchronisation); replies to them that still arrive are unknown ids.
   */
  failAll(errorFor: (request: Request) => unknown): void {
    const queued = this.#queue;
    this.#queue = [];
    const live: Request[] = [];
    for (const request of this.#pending.values()) if (request.live) live.push(request);
    this.#pending.clear();
    this.#inBandInFlight = 0;
    for (const request of [...live, ...queued]) {
      request.queued = false;
      settle(request);
      request.reject(errorFor(request));
    }
  }

  /**
   * Rejects every written, unanswered request that `match` selects with `errorFor(request)` and
   * forgets it (those whose caller gave up already are forgotten silently); queued ones stay. For a
   * dialect that learns that some replies will never come (the guest agent answers in order: after
   * a resynchronisation's reply, no request written before it will be answered).
   */
  failPending(match: (request: Request) => boolean, errorFor: (request: Request) => unknown): void {
    const failed: Request[] = [];
    for (const request of this.#pending.values()) {
      if (!match(request)) continue;
      this.#pending.delete(request.id);
      if (request.inBand) this.#inBandInFlight--;
      if (request.live) failed.push(request);
    }
    for (const request of failed) {
      settle(request);
      request.reject(errorFor(request));
    }
    this.#drain();
  }

  #send(request: Request): void {
    request.queued = false;
    if (!request.awaitsReply) {
      this.#write(request);
      settle(request);
      request.resolve(undefined);
      return;
    }
    this.#pending.set(request.id, request);
    if (request.inBand) this.#inBandInFlight++;
    this.#write(request);
  }

  #release(): void {
    this.#inBandInFlight--;
    this.#drain();
  }

  #drain(): void {
    while (this.#queue.length > 0 && this.#inBandInFlight < this.#maxInBand && this.#open) {
      this.#send(this.#queue.shift()!);
    }
  }

  readonly #timedOut = (request: Request): void => {
    const written = !request.queued;
    this.#giveUp(request, new QmpTimeoutError(request.name, request.timeoutMs!));
    if (written && this.#onTimeout) this.#onTimeout(request);
  };

  /** Time limit or abort: the request rejects now; a queued one is never sent, a sent one's reply will be dropped. */
  #giveUp(request: Request, error: unknown): void {
    if (request.queued) {
      const i = this.#queue.indexOf(request);
      if (i >= 0) this.#queue.splice(i, 1);
      request.queued = false;
    } else {
      if (this.#pending.get(request.id) !== request || !request.live) return; // already settled
      request.live = false;
    }
    settle(request);
    request.reject(error);
  }
}

function settle(request: Request): void {
  if (request.timer) clearTimeout(request.timer);
  if (request.onAbort) request.signal?.removeEventListener('abort', request.onAbort);
}
