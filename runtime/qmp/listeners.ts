/**
 * An ordered list of listeners with O(1) registration and removal, safe to change while it is
 * being dispatched.
 *
 * Why not an array: copying it on every change (so that dispatch can iterate a snapshot) made
 * `on()`/`waitForEvent()` on one event name quadratic — 40,000 waits on one name blocked the
 * event loop about 24 s. Here each registration is a node of a doubly linked list, and a handler
 * also finds its nodes through a map, so `add`, `remove` and `removeHandler` are O(1) amortised.
 *
 * Dispatch semantics (those of the DOM's `EventTarget`):
 * - listeners run in registration order;
 * - a listener added during a dispatch is not called for that event (it gets the next one);
 * - a listener removed during a dispatch, before its turn, is not called.
 * A removed node keeps its `next` link, so a dispatch standing on it can still move on; the
 * registration sequence number tells it where the list was when the dispatch started.
 */

/** One registration (opaque outside this module): what {@link ListenerList.add} returns. */
export interface Registration<H> {
  readonly handler: H;
  /** Registration order; a dispatch calls only nodes registered before it started. */
  readonly seq: number;
  /** Listed in `byHandler` (so that `removeHandler` finds it). */
  readonly findable: boolean;
  prev: Registration<H> | undefined;
  next: Registration<H> | undefined;
  removed: boolean;
}

/** Listeners of one kind (one event name, or every event), in registration order. */
export class ListenerList<H> {
  private head: Registration<H> | undefined;
  private tail: Registration<H> | undefined;
  /**
   * The registrations of each handler: the node itself, or (rarely: the same handler registered
   * more than once) an array of them, oldest first. No array per registration: 100k listeners must
   * not cost 100k extra allocations.
   */
  private readonly byHandler = new Map<H, Registration<H> | Registration<H>[]>();
  private seq = 0;
  private count = 0;

  /** Number of registrations. */
  get size(): number {
    return this.count;
  }

  /**
   * Registers `handler` at the end and returns the registration, for {@link remove}. With
   * `findable: false` {@link removeHandler} will not find it (for private wrappers nobody can name,
   * such as a wait's: one map entry less per registration). Callers that
   * hand out a remover should drop the registration once used: a removed node keeps its `next` link
   * (for a dispatch standing on it), so holding removed nodes could keep later ones alive.
   */
  add(handler: H, findable = true): Registration<H> {
    const node: Registration<H> = { handler, seq: ++this.seq, findable, prev: this.tail, next: undefined, removed: false };
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.count++;
    if (!findable) return node;
    const same = this.byHandler.get(handler);
    if (same === undefined) this.byHandler.set(handler, node);
    else if (Array.isArray(same)) same.push(node);
    else this.byHandler.set(handler, [same, node]);
    return node;
  }

  /** Removes one registration; removing it again does nothing. */
  remove(node: Registration<H>): void {
    this.unlink(node);
  }

  /** Removes the latest registration of `handler`, if any (like `removeEventListener`, but per registration). */
  removeHandler(handler: H): void {
    const same = this.byHandler.get(handler);
    if (same === undefined) return;
    this.unlink(Array.isArray(same) ? same[same.length - 1]! : same);
  }

  /**
   * Calls `call(handler)` for every listener registered now, in order; listeners removed meanwhile
   * are skipped, listeners added meanwhile wait for the next dispatch. `call` must not throw.
   */
  dispatch(call: (handler: H) => void): void {
    const last = this.seq;
    let node = this.head;
    while (node !== undefined && node.seq <= last) {
      if (!node.removed) call(node.handler);
      node = node.next;
    }
  }

  /** Removes every listener (a dispatch in progress calls no more of them). */
  clear(): void {
    for (let node = this.head; node !== undefined; node = node.next) node.removed = true;
    this.head = undefined;
    this.tail = undefined;
    this.byHandler.clear();
    this.count = 0;
  }

  private unlink(node: Registration<H>): void {
    if (node.removed) return;
    node.removed = true;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    // node.next is kept: a dispatch standing on this node continues from it.
    this.count--;
    if (!node.findable) return;
    const same = this.byHandler.get(node.handler)!;
    if (!Array.isArray(same)) this.byHandler.delete(node.handler);
    else {
      same.splice(same.lastIndexOf(node), 1);
      if (same.length === 1) this.byHandler.set(node.handler, same[0]!);
    }
  }
}
