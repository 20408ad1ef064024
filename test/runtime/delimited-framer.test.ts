/**
 * The guest agent's framing mode (runtime/core/delimited-framer.ts) on every chunking, and the
 * request core's hooks the guest agent session uses (runtime/core/request-core.ts: `failPending`,
 * the time-limit callback) and the Connection's `writeBytes`.
 */
import { duplexPair } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DelimitedFramer } from '../../runtime/core/delimited-framer.js';
import { Connection } from '../../runtime/core/connection.js';
import { Request, RequestCore } from '../../runtime/core/request-core.js';
import { isQmpTimeoutError, type QmpProtocolError } from '../../runtime/index.js';

const FF = Buffer.from([0xff]);
const b = (...parts: (string | Buffer)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));

/** Feeds `bytes` in chunks of `size`; returns the messages and the framing errors seen. */
function frame(bytes: Buffer, size: number, framer = new DelimitedFramer({}, (e) => errors.push(e)), errors: QmpProtocolError[] = []): { messages: unknown[]; errors: QmpProtocolError[]; framer: DelimitedFramer } {
  const messages: unknown[] = [];
  const f = framer;
  for (let i = 0; i < bytes.length; i += size) f.push(bytes.subarray(i, i + size), (m) => messages.push(m));
  return { messages, errors, framer: f };
}

describe('DelimitedFramer', () => {
  const stream = b('{"stale": 1}\n{"execute":"guest-pi', FF, '{"return": 4242}\n{"return": 1152921504606846977, "id": 5}\n', '{"id": "x", "error": {"class": "GenericError", "desc": "é"}}\n');
  it.each([1, 2, 3, 7, 64, 4096])('discards everything before the first 0xFF, then frames JSON exactly (chunks of %i bytes)', (size) => {
    const errors: QmpProtocolError[] = [];
    const { messages, framer } = frame(stream, size, new DelimitedFramer({}, (e) => errors.push(e)), errors);
    expect(messages).toEqual([{ return: 4242 }, { return: 1152921504606846977n, id: 5 }, { id: 'x', error: { class: 'GenericError', desc: 'é' } }]);
    expect(errors).toEqual([]);
    expect(framer.discardedBytes).toBe(Buffer.byteLength('{"stale": 1}\n{"execute":"guest-pi'));
    expect(framer.discarding).toBe(false);
  });

  it.each([1, 5, 4096])('a 0xFF mid-message drops the unfinished message and starts afresh (chunks of %i)', (size) => {
    const errors: QmpProtocolError[] = [];
    const { messages } = frame(b(FF, '{"return": 1}{"return": {"half"', FF, '{"return": 2}\n'), size, new DelimitedFramer({}, (e) => errors.push(e)), errors);
    expect(messages).toEqual([{ return: 1 }, { return: 2 }]);
    expect(errors).toEqual([]);
  });

  it.each([1, 3, 4096])('garbage is one framing error, then everything up to the next 0xFF is dropped; framing goes on after it (chunks of %i)', (size) => {
    const errors: QmpProtocolError[] = [];
    const { messages, framer } = frame(b(FF, '{"return": 1}\n', 'x{"return": 2}\n', FF, '{"return": 3}\n'), size, new DelimitedFramer({}, (e) => errors.push(e)), errors);
    expect(messages).toEqual([{ return: 1 }, { return: 3 }]);
    expect(errors.length).toBe(1);
    expect(errors[0]!.violation).toBe('garbage');
    expect(framer.discardedBytes).toBeGreaterThan(0);
  });

  it('a message over maxMessageBytes is a framing error, not the end of the stream', () => {
    const errors: QmpProtocolError[] = [];
    const { messages } = frame(b(FF, `{"return": "${'a'.repeat(200)}"}\n`, FF, '{"return": 1}\n'), 4096, new DelimitedFramer({ maxMessageBytes: 100 }, (e) => errors.push(e)), errors);
    expect(messages).toEqual([{ return: 1 }]);
    expect(errors.map((e) => e.violation)).toEqual(['oversized']);
    // named for the guest agent, not QMP
    expect(errors[0]!.message).toBe('guest agent sent a message larger than the limit of 100 bytes (maxMessageBytes)');
  });

  it('discardUntilDelimiter() drops what follows up to the next 0xFF; end() inside a message throws truncated, while discarding it does not', () => {
    const framer = new DelimitedFramer({}, () => undefined);
    const got: unknown[] = [];
    framer.push(b(FF, '{"return": 1}\n'), (m) => got.push(m));
    framer.discardUntilDelimiter();
    framer.push(b('{"return": 2}\n', FF, '{"return": 3}\n{"ret'), (m) => got.push(m));
    expect(got).toEqual([{ return: 1 }, { return: 3 }]);
    expect(() => framer.end()).toThrow(/truncated|ended inside/i);
    const discarding = new DelimitedFramer({}, () => undefined);
    discarding.push(b('{"half'), () => undefined);
    expect(() => discarding.end()).not.toThrow();
  });
});

describe('request core hooks for the guest agent', () => {
  it('failPending rejects the written requests it selects (given-up ones silently) and keeps the others and the queued ones', async () => {
    const written: string[] = [];
    const core = new RequestCore((r) => written.push(r.name));
    core.open();
    const make = (name: string, timeoutMs?: number): Request => new Request(core.nextId(), name, name, undefined, true, false, true, timeoutMs);
    const a = make('a');
    const b2 = make('b', 1);
    const pa = core.request(a).catch((e: unknown) => e);
    const pb = core.request(b2).catch((e: unknown) => e);
    expect(isQmpTimeoutError(await pb)).toBe(true);
    const marker = core.nextId();
    const c = make('c');
    const pc = core.request(c);
    core.close();
    const d = make('d');
    const pd = core.request(d);
    core.failPending((r) => r.id < marker, (r) => new Error(`${r.name} lost`));
    expect(((await pa) as Error).message).toBe('a lost');
    expect([core.inFlight, core.queued]).toEqual([1, 1]);
    core.take(c.id)!.resolve('C');
    expect(await pc).toBe('C');
    core.open();
    core.take(d.id)!.resolve('D');
    expect(await pd).toBe('D');
    expect(written).toEqual(['a', 'b', 'c', 'd']);
  });

  it('the time-limit callback is told after a written request timed out, not for a queued one', async () => {
    const told: string[] = [];
    const core = new RequestCore(() => undefined, (r) => told.push(r.name));
    core.open();
    const sent = new Request(core.nextId(), 'sent', '', undefined, true, false, true, 1);
    expect(isQmpTimeoutError(await core.request(sent).catch((e: unknown) => e))).toBe(true);
    core.close();
    const queued = new Request(core.nextId(), 'queued', '', undefined, true, false, true, 1);
    expect(isQmpTimeoutError(await core.request(queued).catch((e: unknown) => e))).toBe(true);
    expect(told).toEqual(['sent']);
  });

  it('Connection.writeBytes writes raw bytes after the messages queued before it', async () => {
    const [ours, theirs] = duplexPair();
    const conn = new Connection(ours, new DelimitedFramer({}, () => undefined), { onMessage: () => undefined, onClose: () => undefined }, 'guest agent');
    const chunks: Buffer[] = [];
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    theirs.on('data', (d: Buffer) => {
      chunks.push(d);
      if (Buffer.concat(chunks).length === 17) done();
    });
    conn.send(undefined, '{"a":1}');
    conn.writeBytes(FF);
    conn.send(undefined, '{"b":2}');
    await all;
    expect(Buffer.concat(chunks)).toEqual(b('{"a":1}\n', FF, '{"b":2}\n'));
    await conn.end();
    theirs.destroy();
  });
});
