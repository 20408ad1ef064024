/**
 * Progress reports of one operation, to callbacks and to async iterators. Each iterator keeps at
 * most {@link BUFFER} reports for a slow consumer (the oldest is dropped: progress only matters
 * up to date). When the operation ends, iterators drain what they hold and then finish, or throw
 * the operation's error.
 */

const BUFFER = 64;

interface Reader<T> {
  buffer: T[];
  wake: (() => void) | undefined;
}

/** Fan-out of progress reports of type `T`. */
export class ProgressFeed<T> {
  #listeners: ((p: T) => void)[] = [];
  #readers = new Set<Reader<T>>();
  #ended = false;
  #error: unknown;

  /**
   * `onWanted` is called when an iterator starts (so that polling can begin), `onUnwanted` when an
   * iterator left and nobody listens any more (so that a pending poll timer goes at once).
   */
  constructor(
    private readonly onWanted: () => void,
    private readonly onUnwanted: () => void = () => {},
  ) {}

  /** True while someone listens: a callback or an iterator. */
  get wanted(): boolean {
    return !this.#ended && (this.#listeners.length > 0 || this.#readers.size > 0);
  }

  /** Adds a callback for every report; one that throws is ignored (it must not disturb the operation). */
  listen(listener: (p: T) => void): void {
    this.#listeners.push(listener);
  }

  /** Delivers a report to every callback and iterator. */
  push(p: T): void {
    if (this.#ended) return;
    for (const l of this.#listeners) {
      try {
        l(p);
      } catch {
        // A throwing progress callback must not disturb the job or the migration (documented).
      }
    }
    for (const r of this.#readers) {
      if (r.buffer.length >= BUFFER) r.buffer.shift();
      r.buffer.push(p);
      r.wake?.();
    }
  }

  /** Ends every iterator: they finish after their buffer, or throw `error` when there is one. */
  end(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#listeners = [];
    for (const r of this.#readers) r.wake?.();
  }

  /** A new iterator over the reports from now on. */
  iterate(): AsyncIterableIterator<T> {
    const reader: Reader<T> = { buffer: [], wake: undefined };
    const feed = this;
    let done = false;
    if (!this.#ended) {
      this.#readers.add(reader);
      this.onWanted();
    }
    const finish = (): IteratorResult<T> => {
      done = true;
      if (feed.#readers.delete(reader) && !feed.wanted) feed.onUnwanted();
      return { done: true, value: undefined };
    };
    return {
      async next(): Promise<IteratorResult<T>> {
        for (;;) {
          if (done) return { done: true, value: undefined };
          const item = reader.buffer.shift();
          if (item !== undefined) return { done: false, value: item };
          if (feed.#ended) {
            finish();
            if (feed.#error !== undefined) throw feed.#error;
            return { done: true, value: undefined };
          }
          await new Promise<void>((resolve) => (reader.wake = resolve));
          reader.wake = undefined;
        }
      },
      async return(): Promise<IteratorResult<T>> {
        return finish();
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
