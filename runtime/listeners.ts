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

/** One registration. */
interface Node<H> {
  readonly handler: H;
  /** Registration order; a dispatch calls only nodes registered before it started. */
  readonly seq: number;
  prev: Node<H> | undefined;
  next: Node<H> | undefined;
  removed: boolean;
}

/** Listeners of one kind (one event name, or every event), in registration order. */
export class ListenerList<H> {
  private head: Node<H> | undefined;
  private tail: Node<H> | undefined;
  /** Registrations of each handler, oldest first (a handler may be registered more than once). */
  private readonly byHandler = new Map<H, Node<H>[]>();
  private seq = 0;
  private count = 0;

  /** Number of registrations. */
  get size(): number {
    return this.count;
  }

  /** Registers `handler` at the end; returns a function that removes exactly this registration. */
  add(handler: H): () => void {
    const node: Node<H> = { handler, seq: ++this.seq, prev: this.tail, next: undefined, removed: false };
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.count++;
    const same = this.byHandler.get(handler);
    if (same) same.push(node);
    else this.byHandler.set(handler, [node]);
    // The remover forgets the node once used: a caller keeping it must not keep removed nodes (and,
    // through their kept `next` links, later ones) alive.
    let registered: Node<H> | undefined = node;
    return () => {
      if (registered) this.unlink(registered);
      registered = undefined;
    };
  }

  /** Removes the latest registration of `handler`, if any (like `removeEventListener`, but per registration). */
  removeHandler(handler: H): void {
    const same = this.byHandler.get(handler);
    const node = same?.[same.length - 1];
    if (node) this.unlink(node);
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

  private unlink(node: Node<H>): void {
    if (node.removed) return;
    node.removed = true;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    // node.next is kept: a dispatch standing on this node continues from it.
    this.count--;
    const same = this.byHandler.get(node.handler)!;
    if (same.length === 1) this.byHandler.delete(node.handler);
    else same.splice(same.lastIndexOf(node), 1);
  }
}
