/**
 * Event delivery: listeners by name, listeners for every event, one-shot waits, and bounded
 * async iterators. Everything is registered synchronously when the caller asks, and each
 * received event is dispatched synchronously in arrival order, so a `waitForEvent()` started
 * before the command that causes the event never misses it, whatever the chunking of the stream.
 *
 * A handler that throws does not stop dispatch: the error goes to the client's error listeners.
 */
import type { QmpEvent } from '../target.js';
import { QmpAbortError, QmpTimeoutError, QmpUsageError, type QmpConnectionError } from '../errors.js';
import { timerDelayProblem } from '../timers.js';
import { ListenerList, type Registration } from './listeners.js';
import { preview } from '../preview.js';
import { optionsProblem } from '../options.js';
import { eventStreamOptionsShape, waitForEventOptionsShape } from '../option-shapes.js';
import { errorText } from '../wire-arguments.js';

/** A listener of events. */
export type EventHandler<Ev = QmpEvent> = (event: Ev) => void;

/** An event name as given by the caller, for a message (never throws, whatever it is). */
function describeName(name: unknown): string {
  return typeof name === 'string' ? name : preview(name, 60);
}

/** Throws a {@link QmpUsageError} for a listener that could only fail later, at dispatch. */
function checkListener(operation: string, name: unknown, handler: unknown): void {
  if (typeof name !== 'string') throw new QmpUsageError(`${operation}: the event name must be a string`);
  if (typeof handler !== 'function') throw new QmpUsageError(`${operation}: the handler must be a function, got ${typeof handler}`);
}

/** Options of `waitForEvent`. */
export interface WaitForEventOptions<Ev = QmpEvent> {
  /** Resolve only for an event this returns true for (an exception rejects the wait). */
  filter?: (event: Ev) => boolean;
  /** Reject with `QmpTimeoutError` after this many milliseconds. */
  timeoutMs?: number;
  /** Reject with `QmpAbortError` when aborted. */
  signal?: AbortSignal;
}

/** What a bounded event iterator does when its buffer is full and another event arrives. */
export type EventOverflowPolicy = 'drop-oldest' | 'drop-newest';

/** Options of `events()`. */
export interface EventStreamOptions {
  /** Only these event names (default: every event, including names unknown to the target). */
  names?: readonly string[];
  /** Most events held for a slow consumer (default 1000). */
  bufferSize?: number;
  /** On overflow, drop the oldest buffered event (default) or the newly arrived one; both count in `dropped`. */
  overflow?: EventOverflowPolicy;
  /** Ends the iteration when aborted. */
  signal?: AbortSignal;
}

/**
 * An async iterator over events with a bounded buffer. Registered when created, so it sees every
 * event from then on. It ends (`done`) when `return()`/`close()` is called, the signal aborts, or
 * the client is closed with `close()`; when the connection is lost it throws the
 * `QmpConnectionError` after the buffered events were consumed.
 */
export interface EventStream<Ev = QmpEvent> extends AsyncIterableIterator<Ev> {
  /** Events dropped because the buffer was full. */
  readonly dropped: number;
  /** Events waiting in the buffer now. */
  readonly buffered: number;
  /** Capacity of the buffer. */
  readonly bufferSize: number;
  /** Stops the iteration (like `return()`), discarding buffered events. */
  close(): void;
}

/** Reports a problem (a throwing handler) without throwing. */
export type ErrorReporter = (error: unknown, source: 'handler') => void;

const DEFAULT_BUFFER_SIZE = 1000;
/**
 * Most bytes of event messages (their size on the wire) one iterator keeps: 64 MiB, beside
 * `bufferSize`. A peer may send events as large as `maxMessageBytes` (16 MiB by default); without
 * this, 1000 of them waiting for a slow reader would hold 16 GB. Over it, `overflow` applies as for
 * `bufferSize`; one event is always kept, whatever its size.
 */
export const MAX_EVENT_BUFFER_BYTES = 64 * 1024 * 1024;
/** The wire size of each event the hub delivered (set by {@link EventHub.emit}). */
const wireBytes = new WeakMap<object, number>();
const sizeOf = (ev: QmpEvent | undefined): number => (ev === undefined ? 0 : (wireBytes.get(ev) ?? 0));
/** Largest `bufferSize`: 16 Mi events (the buffer grows as events arrive; it is never allocated up front). */
export const MAX_EVENT_BUFFER_SIZE = 16 * 1024 * 1024;

/** FIFO of at most `capacity` items; its storage grows (doubling) as items arrive, never beyond `capacity`. */
class Ring<T> {
  private items: (T | undefined)[];
  private head = 0;
  length = 0;
  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(Math.min(capacity, 16));
  }
  push(v: T): void {
    if (this.length === this.items.length) this.grow();
    this.items[(this.head + this.length) % this.items.length] = v;
    this.length++;
  }
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const v = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.length--;
    return v;
  }
  clear(): void {
    this.items = new Array<T | undefined>(Math.min(this.capacity, 16));
    this.head = 0;
    this.length = 0;
  }
  private grow(): void {
    const next = new Array<T | undefined>(Math.min(this.capacity, this.items.length * 2));
    for (let i = 0; i < this.length; i++) next[i] = this.items[(this.head + i) % this.items.length];
    this.items = next;
    this.head = 0;
  }
}

interface Closable {
  end(error: QmpConnectionError, graceful: boolean): void;
}

/**
 * Holds the listeners of one client and dispatches events to them. Registration and removal are
 * O(1) amortised ({@link ListenerList}); delivery follows registration order, and a listener
 * removed during a delivery is not called after its removal.
 */
export class EventHub {
  private byName = new Map<string, ListenerList<EventHandler>>();
  private any = new ListenerList<EventHandler>();
  private closables = new Set<Closable>();
  private closedWith: { error: QmpConnectionError; graceful: boolean } | undefined;

  constructor(private readonly report: ErrorReporter) {}

  /** Adds a listener for one event name; returns a function that removes this registration. */
  on(name: string, handler: EventHandler): () => void {
    checkListener(`on(${describeName(name)})`, name, handler);
    return this.register(name, handler, true);
  }

  /** Registers without checks; `findable: false` for private wrappers that `off()` can never name. */
  private register(name: string, handler: EventHandler, findable: boolean): () => void {
    let list = this.byName.get(name);
    if (!list) this.byName.set(name, (list = new ListenerList<EventHandler>()));
    const owner = list;
    // One closure per registration; it forgets the registration once used (see ListenerList.add).
    let registration: Registration<EventHandler> | undefined = list.add(handler, findable);
    return () => {
      if (registration === undefined) return;
      owner.remove(registration);
      registration = undefined;
      this.forgetIfEmpty(name, owner);
    };
  }

  /** Removes the latest registration of `handler` for `name`. */
  off(name: string, handler: EventHandler): void {
    const list = this.byName.get(name);
    if (!list) return;
    list.removeHandler(handler);
    this.forgetIfEmpty(name, list);
  }

  /** Adds a listener of every event; returns a function that removes this registration. */
  onAny(handler: EventHandler): () => void {
    checkListener('onAny', '*', handler);
    const list = this.any;
    let registration: Registration<EventHandler> | undefined = list.add(handler);
    return () => {
      if (registration !== undefined) list.remove(registration);
      registration = undefined;
    };
  }

  /** Removes the latest registration of `handler` made with {@link onAny}. */
  offAny(handler: EventHandler): void {
    this.any.removeHandler(handler);
  }

  /** Calls `handler` for the next `name` event only. */
  once(name: string, handler: EventHandler): () => void {
    checkListener(`once(${describeName(name)})`, name, handler);
    const wrapper: EventHandler = (ev) => {
      remove();
      handler(ev);
    };
    const remove = this.register(name, wrapper, false);
    return remove;
  }

  /**
   * Resolves with the next `name` event passing `filter`; see {@link WaitForEventOptions}. Never
   * throws: bad options (an unknown key, a wrong shape, a getter that throws) reject with a
   * {@link QmpUsageError}.
   */
  waitFor(name: string, options?: WaitForEventOptions): Promise<QmpEvent> {
    try {
      return this.waitForChecked(name, options);
    } catch (e) {
      return Promise.reject(new QmpUsageError(`waitForEvent(${typeof name === 'string' ? name : '?'}): reading the options threw: ${errorText(e)}`));
    }
  }

  private waitForChecked(name: string, options: WaitForEventOptions | undefined): Promise<QmpEvent> {
    const operation = `waitForEvent(${typeof name === 'string' ? name : '?'})`;
    if (typeof name !== 'string') return Promise.reject(new QmpUsageError(`${operation}: the event name must be a string`));
    const problem = optionsProblem(options, waitForEventOptionsShape, '', true);
    if (problem !== undefined) return Promise.reject(new QmpUsageError(`${operation}: ${problem}`));
    const { filter, timeoutMs, signal } = options ?? {};
    if (filter !== undefined && typeof filter !== 'function') return Promise.reject(new QmpUsageError(`${operation}: filter must be a function`));
    const timeoutProblem = timerDelayProblem('timeoutMs', timeoutMs);
    if (timeoutProblem !== undefined) return Promise.reject(new QmpUsageError(`${operation}: ${timeoutProblem}`));
    let settle!: { resolve: (ev: QmpEvent) => void; reject: (e: unknown) => void };
    const promise = new Promise<QmpEvent>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // The caller may legitimately never await this promise (e.g. the command that should cause the
    // event failed): never let it become an unhandled rejection. Awaiting it still throws.
    promise.catch(() => {});
    if (this.closedWith) {
      settle.reject(this.closedWith.error);
      return promise;
    }
    if (signal?.aborted) {
      settle.reject(new QmpAbortError(operation, signal.reason));
      return promise;
    }
    let timer: NodeJS.Timeout | undefined;
    let removeHandler: (() => void) | undefined;
    const done = (): void => {
      removeHandler?.();
      this.closables.delete(closable);
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const handler: EventHandler = (ev) => {
      let ok = true;
      if (filter) {
        try {
          ok = filter(ev);
        } catch (e) {
          done();
          settle.reject(e);
          return;
        }
      }
      if (!ok) return;
      done();
      settle.resolve(ev);
    };
    const onAbort = (): void => {
      done();
      settle.reject(new QmpAbortError(operation, signal?.reason));
    };
    const closable: Closable = {
      end: (error) => {
        done();
        settle.reject(error);
      },
    };
    removeHandler = this.register(name, handler, false);
    this.closables.add(closable);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        done();
        settle.reject(new QmpTimeoutError(`event:${name}`, timeoutMs, `${operation}: no such event within ${timeoutMs} ms`));
      }, timeoutMs);
    }
    return promise;
  }

  /** Creates a bounded async iterator over events; see {@link EventStreamOptions}. */
  stream(options: EventStreamOptions = {}): EventStream {
    const problem = optionsProblem(options, eventStreamOptionsShape);
    if (problem !== undefined) throw new QmpUsageError(`events(): ${problem}`);
    const bufferSize = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    if (!Number.isInteger(bufferSize) || bufferSize < 1 || bufferSize > MAX_EVENT_BUFFER_SIZE) {
      throw new QmpUsageError(`events(): bufferSize must be an integer from 1 to ${MAX_EVENT_BUFFER_SIZE}, got ${preview(bufferSize, 60)}`);
    }
    if (options.overflow !== undefined && options.overflow !== 'drop-oldest' && options.overflow !== 'drop-newest') {
      throw new QmpUsageError(`events(): overflow must be 'drop-oldest' or 'drop-newest', got ${preview(options.overflow, 60)}`);
    }
    const overflow = options.overflow ?? 'drop-oldest';
    const names = options.names ? new Set(options.names) : undefined;
    const ring = new Ring<QmpEvent>(bufferSize);
    let heldBytes = 0;
    const take = (): QmpEvent | undefined => {
      const ev = ring.shift();
      heldBytes -= sizeOf(ev);
      return ev;
    };
    let dropped = 0;
    let waiting: { resolve: (r: IteratorResult<QmpEvent>) => void; reject: (e: unknown) => void } | undefined;
    let finished: { error: QmpConnectionError | undefined } | undefined;
    const signal = options.signal;

    const listener: EventHandler = (ev) => {
      if (names && !names.has(ev.event)) return;
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w.resolve({ value: ev, done: false });
        return;
      }
      const size = sizeOf(ev);
      while (ring.length > 0 && (ring.length >= bufferSize || heldBytes + size > MAX_EVENT_BUFFER_BYTES)) {
        dropped++;
        if (overflow === 'drop-newest') return;
        take();
      }
      ring.push(ev);
      heldBytes += size;
    };
    const finish = (error: QmpConnectionError | undefined, discard: boolean): void => {
      if (finished) return;
      finished = { error };
      removeListener?.();
      this.closables.delete(closable);
      signal?.removeEventListener('abort', onAbort);
      if (discard) {
        ring.clear();
        heldBytes = 0;
      }
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        if (error && ring.length === 0) w.reject(error);
        else w.resolve({ value: undefined, done: true });
      }
    };
    let removeListener: (() => void) | undefined;
    const onAbort = (): void => finish(undefined, true);
    const closable: Closable = { end: (error, graceful) => finish(graceful ? undefined : error, false) };

    const iterator: EventStream = {
      get dropped() {
        return dropped;
      },
      get buffered() {
        return ring.length;
      },
      bufferSize,
      next(): Promise<IteratorResult<QmpEvent>> {
        const ev = take();
        if (ev !== undefined) return Promise.resolve({ value: ev, done: false });
        if (finished) {
          if (finished.error) {
            const e = finished.error;
            finished = { error: undefined }; // throw once, then report done
            return Promise.reject(e);
          }
          return Promise.resolve({ value: undefined, done: true });
        }
        if (waiting) return Promise.reject(new QmpUsageError('events(): next() called again before the previous call settled'));
        return new Promise((resolve, reject) => {
          waiting = { resolve, reject };
        });
      },
      return(): Promise<IteratorResult<QmpEvent>> {
        finish(undefined, true);
        return Promise.resolve({ value: undefined, done: true });
      },
      close(): void {
        finish(undefined, true);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    if (this.closedWith) finish(this.closedWith.graceful ? undefined : this.closedWith.error, true);
    else if (signal?.aborted) finish(undefined, true);
    else {
      const registration = this.any.add(listener, false);
      removeListener = () => this.any.remove(registration);
      this.closables.add(closable);
      signal?.addEventListener('abort', onAbort, { once: true });
    }
    return iterator;
  }

  /** Delivers one event to every matching listener, iterator and wait, in registration order; `bytes` is its size on the wire (bounds what iterators keep). */
  emit(event: QmpEvent, bytes = 0): void {
    if (bytes > 0) wireBytes.set(event, bytes);
    const call = (h: EventHandler): void => this.call(h, event);
    this.byName.get(event.event)?.dispatch(call);
    this.any.dispatch(call);
  }

  /**
   * Ends delivery: pending waits reject with `error`; iterators end after their buffer (and then
   * throw `error` unless the close was `graceful`); listeners are dropped.
   */
  close(error: QmpConnectionError, graceful: boolean): void {
    if (this.closedWith) return;
    this.closedWith = { error, graceful };
    for (const c of [...this.closables]) c.end(error, graceful);
    this.closables.clear();
    for (const list of this.byName.values()) list.clear();
    this.byName.clear();
    this.any.clear();
  }

  /** Drops the list of `name` once empty (many one-off names must not accumulate). */
  private forgetIfEmpty(name: string, list: ListenerList<EventHandler>): void {
    if (list.size === 0 && this.byName.get(name) === list) this.byName.delete(name);
  }

  private call(h: EventHandler, event: QmpEvent): void {
    try {
      h(event);
    } catch (e) {
      this.report(e, 'handler');
    }
  }
}
