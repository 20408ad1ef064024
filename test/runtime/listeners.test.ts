/**
 * Event listeners: O(1) registration and removal (issue 10, item 8: 40,000 `waitForEvent` on one
 * name took about 24 s, because every registration and removal copied the name's array), with the
 * delivery rules kept: registration order, removal during a delivery, `once`, aborted waits.
 * Speed itself is measured by `npm run bench` (bench/wire.ts), not here.
 */
import { describe, expect, it } from 'vitest';
import { isQmpAbortError, isQmpTimeoutError, type QmpEvent } from '../../runtime/index.js';
import { EventHub } from '../../runtime/qmp/events.js';
import { ListenerList } from '../../runtime/qmp/listeners.js';

const ev = (event: string, data?: unknown): QmpEvent => ({ event, data, timestamp: { seconds: 1, microseconds: 2 } }) as QmpEvent;

function hub(): { hub: EventHub; reported: unknown[] } {
  const reported: unknown[] = [];
  return { hub: new EventHub((e) => reported.push(e)), reported };
}

describe('ListenerList', () => {
  it('calls in registration order; a registration removed before its turn is skipped; one added meanwhile waits', () => {
    const list = new ListenerList<string>();
    const calls: string[] = [];
    const removers = new Map<string, () => void>();
    for (const h of ['a', 'b', 'c', 'd']) {
      const r = list.add(h);
      removers.set(h, () => list.remove(r));
    }
    list.dispatch((h) => {
      calls.push(h);
      if (h === 'a') {
        removers.get('c')!(); // later one: not called
        list.add('e'); // added during the dispatch: next time
      }
      if (h === 'b') removers.get('b')!(); // itself: the dispatch goes on
    });
    expect(calls).toEqual(['a', 'b', 'd']);
    calls.length = 0;
    list.dispatch((h) => calls.push(h));
    expect(calls).toEqual(['a', 'd', 'e']);
    expect(list.size).toBe(3);
  });

  it('removing the current and the next registration, and clearing, during a dispatch', () => {
    const list = new ListenerList<number>();
    const removers = [0, 1, 2, 3, 4].map((n) => list.add(n)).map((r) => () => list.remove(r));
    const calls: number[] = [];
    list.dispatch((n) => {
      calls.push(n);
      if (n === 1) {
        removers[1]!();
        removers[2]!();
      }
      if (n === 3) list.clear();
    });
    expect(calls).toEqual([0, 1, 3]);
    expect(list.size).toBe(0);
  });

  it('the same handler twice: removeHandler takes the latest registration; remove() takes its own, once', () => {
    const list = new ListenerList<string>();
    const registration = list.add('h');
    const first = (): void => list.remove(registration);
    list.add('x');
    list.add('h');
    list.removeHandler('h');
    const calls: string[] = [];
    list.dispatch((h) => calls.push(h));
    expect(calls).toEqual(['h', 'x']);
    first();
    first(); // a second call removes nothing else
    list.add('h');
    calls.length = 0;
    list.dispatch((h) => calls.push(h));
    expect(calls).toEqual(['x', 'h']);
  });

  it('100,000 registrations removed in every order leave it empty and usable', () => {
    const list = new ListenerList<number>();
    const removers = Array.from({ length: 100_000 }, (_, i) => list.add(i)).map((r) => () => list.remove(r));
    for (let i = 0; i < removers.length; i += 2) removers[i]!(); // every other one first
    for (let i = removers.length - 1; i > 0; i -= 2) removers[i]!(); // then the rest, newest first
    expect(list.size).toBe(0);
    list.add(7);
    const calls: number[] = [];
    list.dispatch((n) => calls.push(n));
    expect(calls).toEqual([7]);
  });
});

describe('EventHub', () => {
  it('named listeners in registration order, then onAny listeners; on() returns a remover of that registration', () => {
    const { hub: h } = hub();
    const calls: string[] = [];
    h.onAny(() => calls.push('any'));
    h.on('STOP', () => calls.push('one'));
    const off = h.on('STOP', () => calls.push('two'));
    h.on('STOP', () => calls.push('three'));
    h.emit(ev('STOP'));
    off();
    h.emit(ev('STOP'));
    expect(calls).toEqual(['one', 'two', 'three', 'any', 'one', 'three', 'any']);
  });

  it('a listener that removes another during delivery: the removed one is not called', () => {
    const { hub: h } = hub();
    const calls: string[] = [];
    const second = (): void => {
      calls.push('second');
    };
    h.on('X', () => {
      calls.push('first');
      h.off('X', second);
    });
    h.on('X', second);
    h.emit(ev('X'));
    expect(calls).toEqual(['first']);
  });

  it('once: called for the next event only, even when it registers itself again', () => {
    const { hub: h } = hub();
    const seen: unknown[] = [];
    const again = (e: QmpEvent): void => {
      seen.push(e.data);
      if (seen.length < 3) h.once('X', again);
    };
    h.once('X', again);
    for (let i = 0; i < 5; i++) h.emit(ev('X', i));
    expect(seen).toEqual([0, 1, 2]);
  });

  it('a throwing listener is reported, the others still run', () => {
    const { hub: h, reported } = hub();
    const calls: string[] = [];
    h.on('X', () => {
      throw new Error('boom');
    });
    h.on('X', () => calls.push('after'));
    h.emit(ev('X'));
    expect(calls).toEqual(['after']);
    expect((reported[0] as Error).message).toBe('boom');
  });

  it('waitForEvent: resolves with the first matching event, in registration order among waits; aborted and timed-out waits are removed', async () => {
    const { hub: h } = hub();
    const controller = new AbortController();
    const aborted = h.waitFor('X', { signal: controller.signal });
    const timed = h.waitFor('X', { timeoutMs: 1 });
    const filtered = h.waitFor('X', { filter: (e) => e.data === 2 });
    const first = h.waitFor('X');
    controller.abort('stop');
    expect(isQmpAbortError(await aborted.catch((e: unknown) => e))).toBe(true);
    expect(isQmpTimeoutError(await timed.catch((e: unknown) => e))).toBe(true);
    h.emit(ev('X', 1));
    h.emit(ev('X', 2));
    expect((await first).data).toBe(1);
    expect((await filtered).data).toBe(2);
  });

  it('10,000 waits (and 2,000 aborted ones) on one name: all resolve with the same event in order, and nothing stays registered', async () => {
    const { hub: h } = hub();
    const order: number[] = [];
    const waits = Array.from({ length: 10_000 }, (_, i) => h.waitFor('X').then((e) => (order.push(i), e)));
    const aborts = Array.from({ length: 2_000 }, () => new AbortController());
    const cancelled = aborts.map((c) => h.waitFor('X', { signal: c.signal }).catch((e: unknown) => e));
    for (const c of aborts) c.abort();
    expect((await Promise.all(cancelled)).every(isQmpAbortError)).toBe(true);
    h.emit(ev('X', 'go'));
    const events = await Promise.all(waits);
    expect(events.every((e) => e.data === 'go')).toBe(true);
    expect(order).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
    // Nothing left: a listener added now is the only one called.
    const calls: number[] = [];
    h.on('X', () => calls.push(1));
    h.emit(ev('X'));
    expect(calls).toEqual([1]);
    expect((h as unknown as { byName: Map<string, ListenerList<unknown>> }).byName.get('X')!.size).toBe(1);
  });
});
