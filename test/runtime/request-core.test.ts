/**
 * The dialect-neutral request core (runtime/core/request-core.ts) and the Connection's injected
 * framer (runtime/core/framing.ts), driven directly: what a second dialect (the QEMU guest agent)
 * will build on — requests that never answer, failing everything at once (resync), the in-band
 * limit, late and unknown replies, and a framing mode the Connection did not build itself.
 */
import { duplexPair } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Request, RequestCore } from '../../runtime/core/request-core.js';
import { Connection } from '../../runtime/core/connection.js';
import { parseFrame, type Framer, type FrameSink } from '../../runtime/core/framing.js';
import { isQmpAbortError, isQmpTimeoutError, QmpConnectionError } from '../../runtime/index.js';

function coreWithLog(): { core: RequestCore; written: string[] } {
  const written: string[] = [];
  return { core: new RequestCore((r) => written.push(r.text)), written };
}

function make(core: RequestCore, name: string, opts: { inBand?: boolean; awaitsReply?: boolean; timeoutMs?: number; signal?: AbortSignal } = {}): Request {
  const id = core.nextId();
  return new Request(id, name, `{"cmd":"${name}","id":${id}}`, undefined, opts.inBand ?? true, false, opts.awaitsReply ?? true, opts.timeoutMs, opts.signal);
}

describe('request core', () => {
  it('matches replies by id in any order; an unknown id is undefined, a reply after a give-up is null (late)', async () => {
    const { core, written } = coreWithLog();
    core.open();
    const a = make(core, 'a');
    const b = make(core, 'b');
    const pa = core.request(a);
    const pb = core.request(b);
    expect(written).toEqual([a.text, b.text]);
    expect(core.inFlight).toBe(2);
    core.take(b.id)!.resolve('B');
    core.take(a.id)!.resolve('A');
    expect(await Promise.all([pa, pb])).toEqual(['A', 'B']);
    expect(core.take(12345)).toBeUndefined();
    expect(core.take('x')).toBeUndefined();

    const ac = new AbortController();
    const c = make(core, 'c', { signal: ac.signal });
    const pc = core.request(c);
    ac.abort('stop');
    expect(isQmpAbortError(await pc.catch((e: unknown) => e))).toBe(true);
    expect(core.take(c.id)).toBeNull();
    expect(core.inFlight).toBe(0);
  });

  it('a request that never answers settles once written, holds no slot and takes no reply', async () => {
    const { core, written } = coreWithLog();
    core.open();
    const r = make(core, 'guest-shutdown', { awaitsReply: false });
    expect(await core.request(r)).toBeUndefined();
    expect(written).toEqual([r.text]);
    expect(core.inFlight).toBe(0);
    expect(core.take(r.id)).toBeUndefined();
  });

  it('queues in-band requests over the limit (out-of-band ones pass), writes them as slots free, and fails all at once with the given error', async () => {
    const { core, written } = coreWithLog();
    core.open(1);
    const a = make(core, 'a');
    const b = make(core, 'b');
    const oob = make(core, 'oob', { inBand: false });
    const pa = core.request(a);
    const pb = core.request(b);
    const po = core.request(oob);
    expect(written).toEqual([a.text, oob.text]);
    expect(core.queued).toBe(1);
    core.take(a.id)!.resolve(1);
    expect(await pa).toBe(1);
    expect(written).toEqual([a.text, oob.text, b.text]);
    const c = make(core, 'c');
    const pc = core.request(c); // queued behind b
    expect(core.queued).toBe(1);
    const resync = new QmpConnectionError('lost', 'resynchronised');
    core.failAll((r) => new QmpConnectionError('lost', `${r.name}: ${resync.message}`, { cause: resync }));
    for (const [p, name] of [[pb, 'b'], [po, 'oob'], [pc, 'c']] as const) {
      const e = await p.catch((x: unknown) => x);
      expect(e).toBeInstanceOf(QmpConnectionError);
      expect((e as Error).message).toBe(`${name}: resynchronised`);
    }
    expect([core.inFlight, core.queued]).toEqual([0, 0]);
    expect(core.take(b.id)).toBeUndefined(); // a reply still arriving is an unknown id
  });

  it('an id-less error goes to the oldest unanswered in-band request; a time limit rejects with QmpTimeoutError', async () => {
    const { core } = coreWithLog();
    core.open();
    const oob = make(core, 'oob', { inBand: false });
    const first = make(core, 'first');
    const second = make(core, 'second', { timeoutMs: 1 });
    void core.request(oob);
    const p1 = core.request(first);
    const p2 = core.request(second);
    const taken = core.takeOldestInBand()!;
    expect(taken.id).toBe(first.id);
    taken.request!.reject(new Error('could not parse'));
    expect(await p1.catch((e: unknown) => (e as Error).message)).toBe('could not parse');
    expect(isQmpTimeoutError(await p2.catch((e: unknown) => e))).toBe(true);
    expect(core.takeOldestInBand()).toEqual({ id: second.id, request: null });
    expect(core.takeOldestInBand()).toBeUndefined();
  });
});

/** A second framing mode, as the guest agent needs after a resync: bytes up to 0xFF are discarded, then one JSON object a line. */
class DelimitedFramer implements Framer {
  #synced = false;
  #text = '';
  push(chunk: Buffer, onMessage: FrameSink): void {
    let bytes = chunk;
    if (!this.#synced) {
      const i = bytes.indexOf(0xff);
      if (i < 0) return;
      this.#synced = true;
      bytes = bytes.subarray(i + 1);
    }
    this.#text += bytes.toString('utf8');
    let nl: number;
    while ((nl = this.#text.indexOf('\n')) >= 0) {
      const line = this.#text.slice(0, nl);
      this.#text = this.#text.slice(nl + 1);
      onMessage(parseFrame(line), Buffer.byteLength(line));
    }
  }
  end(): void {}
}

describe('Connection with an injected framer', () => {
  it('reads through the framer it is given (stale bytes before 0xFF dropped) and writes one newline-terminated message per send', async () => {
    const [ours, theirs] = duplexPair();
    const got: unknown[] = [];
    let closedWith: QmpConnectionError | undefined;
    let twoReceived!: () => void;
    const received = new Promise<void>((r) => (twoReceived = r));
    const conn = new Connection(ours, new DelimitedFramer(), {
      onMessage: (m) => {
        if (got.push(m) === 2) twoReceived();
      },
      onClose: (e) => (closedWith = e),
    }, 'test dialect');
    let seen = '';
    let bothWritten!: () => void;
    const written = new Promise<void>((r) => (bothWritten = r));
    theirs.on('data', (d: Buffer) => {
      seen += d.toString('utf8');
      if (seen.split('\n').length === 3) bothWritten();
    });
    conn.send(undefined, '{"sync":1}');
    conn.send(undefined, '{"sync":2}');
    theirs.write(Buffer.concat([Buffer.from('{"stale":'), Buffer.from([0xff]), Buffer.from('{"return": 7}\n{"return": 8}\n')]));
    await Promise.all([received, written]);
    expect(got).toEqual([{ return: 7 }, { return: 8 }]);
    expect(seen).toBe('{"sync":1}\n{"sync":2}\n');
    await conn.end();
    expect(closedWith?.reason).toBe('closed');
    theirs.destroy();
  });
});
