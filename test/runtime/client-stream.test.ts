/**
 * The client against a scripted peer over an in-memory duplex: exact bytes, exact chunking,
 * for the cases real QEMU cannot be made to produce.
 */
import { describe, expect, it } from 'vitest';
import {
  QmpClient,
  isQmpAbortError,
  isQmpCommandError,
  isQmpConnectionError,
  isQmpNegotiationError,
  isQmpProtocolError,
  isQmpTimeoutError,
  isQmpUsageError,
  type ClientErrorSource,
  type QmpEvent,
} from '../../runtime/index.js';
import { GREETING, scriptedPeer, type ScriptedPeer } from './helpers/peer.js';

const ts = { seconds: 1, microseconds: 2 };

/** Connects a client to a fresh scripted peer that accepts negotiation. */
async function connected(
  options: Parameters<typeof QmpClient.connect>[0] extends infer O ? Omit<O & object, 'stream'> : never = {},
  caps: string[] = ['oob'],
): Promise<{ qmp: QmpClient; peer: ScriptedPeer; errors: Array<[unknown, ClientErrorSource]> }> {
  const { stream, peer } = scriptedPeer();
  peer.greet(caps);
  const p = QmpClient.connect({ stream, ...options });
  await peer.acceptNegotiation();
  const qmp = await p;
  const errors: Array<[unknown, ClientErrorSource]> = [];
  qmp.onError((e, s) => errors.push([e, s]));
  return { qmp, peer, errors };
}

/** Resolves after the client's pending writes went out. */
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('negotiation over a stream', () => {
  it('sends qmp_capabilities without arguments when nothing is enabled, and nothing before the greeting', async () => {
    const { stream, peer } = scriptedPeer();
    const p = QmpClient.connect({ stream });
    await tick();
    expect(peer.received).toEqual([]);
    peer.greet(['oob']);
    const [cmd] = await peer.waitFor(1);
    expect(cmd).toEqual({ execute: 'qmp_capabilities', id: cmd!['id'] });
    peer.send({ return: {}, id: cmd!['id'] });
    const qmp = await p;
    expect(qmp.capabilities).toEqual([]);
    expect(qmp.offeredCapabilities).toEqual(['oob']);
    expect(qmp.greeting.QMP.version.package).toBe('test-peer');
    await qmp.close();
  });

  it('enables offered capabilities, skips unoffered ones', async () => {
    const { stream, peer } = scriptedPeer();
    peer.greet(['oob']);
    const p = QmpClient.connect({ stream, capabilities: { enable: ['oob', 'future-cap'] } });
    const cmd = await peer.acceptNegotiation();
    expect(cmd['arguments']).toEqual({ enable: ['oob'] });
    const qmp = await p;
    expect(qmp.capabilities).toEqual(['oob']);
    await qmp.close();
  });

  it('a required capability the server lacks: QmpNegotiationError naming it, connection closed, nothing sent', async () => {
    const { stream, peer } = scriptedPeer();
    peer.greet([]);
    const err = await QmpClient.connect({ stream, capabilities: { require: ['oob'] } }).catch((e: unknown) => e);
    expect(isQmpNegotiationError(err)).toBe(true);
    expect((err as Error).message).toContain("'oob'");
    await peer.waitEnd();
    expect(peer.received).toEqual([]);
  });

  it('skips an event that arrives before the greeting, and never delivers events sent before negotiation ends', async () => {
    const { stream, peer } = scriptedPeer();
    const seen: string[] = [];
    const trace: Array<[string, unknown]> = [];
    peer.send({ event: 'SHUTDOWN', data: { guest: false }, timestamp: ts }, { QMP: { version: { qemu: { major: 10, minor: 0, micro: 0 }, package: '' }, capabilities: [] } });
    const p = QmpClient.connect({ stream, trace: (d, m) => trace.push([d, m]) });
    const [cmd] = await peer.waitFor(1);
    peer.send({ event: 'EARLY', timestamp: ts }, { return: {}, id: cmd!['id'] });
    const qmp = await p;
    qmp.onAny((e) => seen.push(e.event));
    const late = qmp.waitForEvent('LATE');
    peer.send({ event: 'LATE', timestamp: ts });
    await late;
    expect(seen).toEqual(['LATE']);
    expect(qmp.stats.eventsBeforeReady).toBe(2);
    expect(trace.map(([d, m]) => `${d}:${JSON.stringify(m).slice(0, 12)}`)).toEqual([
      'in:{"event":"SH',
      'in:{"QMP":{"ver',
      'out:{"execute":"',
      'in:{"event":"EA',
      'in:{"return":{}',
      'in:{"event":"LA',
    ]);
    await qmp.close();
  });

  it('an invalid greeting: QmpNegotiationError naming the member', async () => {
    const { stream, peer } = scriptedPeer();
    peer.send({ QMP: { version: { qemu: { major: '10', minor: 0, micro: 0 }, package: '' }, capabilities: [] } });
    const err = await QmpClient.connect({ stream }).catch((e: unknown) => e);
    expect(isQmpNegotiationError(err)).toBe(true);
    expect((err as Error).message).toContain('QMP.version.qemu.major is string "10"');
    expect(peer.received).toEqual([]);
  });

  it('a bad greeting followed by a good one in the same read: still fails, nothing sent', async () => {
    const { stream, peer } = scriptedPeer();
    peer.send({ QMP: { version: 'ten', capabilities: [] } }, { QMP: { ...GREETING.QMP } });
    const err = await QmpClient.connect({ stream }).catch((e: unknown) => e);
    expect(isQmpNegotiationError(err)).toBe(true);
    await peer.waitEnd();
    expect(peer.received).toEqual([]);
  });

  it('no greeting in time: QmpTimeoutError, stream destroyed', async () => {
    const { stream, peer } = scriptedPeer();
    const err = await QmpClient.connect({ stream, connectTimeoutMs: 50 }).catch((e: unknown) => e);
    expect(isQmpTimeoutError(err)).toBe(true);
    expect((err as Error).message).toContain('waiting for the greeting');
    await peer.waitEnd();
  });

  it('qmp_capabilities refused: QmpNegotiationError with the server class and desc', async () => {
    const { stream, peer } = scriptedPeer();
    peer.greet();
    const p = QmpClient.connect({ stream }).catch((e: unknown) => e);
    const [cmd] = await peer.waitFor(1);
    peer.send({ error: { class: 'GenericError', desc: 'nope' }, id: cmd!['id'] });
    const err = await p;
    expect(isQmpNegotiationError(err)).toBe(true);
    expect((err as Error).message).toBe('qmp_capabilities failed: GenericError: nope');
  });

  it('peer closes before the greeting: QmpConnectionError', async () => {
    const { stream, peer } = scriptedPeer();
    peer.stream.end();
    const err = await QmpClient.connect({ stream }).catch((e: unknown) => e);
    expect(isQmpConnectionError(err)).toBe(true);
    expect((err as Error).message).toContain('before its greeting');
  });

  it('connect aborted by a signal', async () => {
    const { stream } = scriptedPeer();
    const ac = new AbortController();
    const p = QmpClient.connect({ stream, signal: ac.signal }).catch((e: unknown) => e);
    ac.abort(new Error('stop'));
    const err = await p;
    expect(isQmpAbortError(err)).toBe(true);
    expect((err as Error).name).toBe('AbortError');
  });
});

describe('commands over a stream', () => {
  it('matches replies by id in any order, with events interleaved, in one chunk', async () => {
    const { qmp, peer } = await connected();
    const calls = [1, 2, 3, 4, 5].map((n) => qmp.execute('echo', { n }));
    const sent = (await peer.waitFor(6)).slice(1);
    const ids = sent.map((m) => m['id']);
    expect(new Set(ids).size).toBe(5);
    expect(sent.map((m) => m['arguments'])).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
    const replies = sent.map((m) => ({ return: (m['arguments'] as { n: number }).n * 10, id: m['id'] })).reverse();
    peer.send(replies[0], { event: 'X', timestamp: ts }, ...replies.slice(1));
    expect(await Promise.all(calls)).toEqual([10, 20, 30, 40, 50]);
    await qmp.close();
  });

  it('error reply → QmpCommandError with class, desc, command and id', async () => {
    const { qmp, peer } = await connected();
    const p = qmp.execute('frob', { a: 1 }).catch((e: unknown) => e);
    const [, cmd] = await peer.waitFor(2);
    peer.send({ id: cmd!['id'], error: { class: 'SomeFutureClass', desc: 'it broke', extra: 1 } });
    const err = await p;
    expect(isQmpCommandError(err)).toBe(true);
    expect(err).toMatchObject({ errorClass: 'SomeFutureClass', desc: 'it broke', command: 'frob', id: cmd!['id'], code: 'command' });
    await qmp.close();
  });

  it('a timeout rejects with QmpTimeoutError; the late reply is dropped and counted', async () => {
    const { qmp, peer, errors } = await connected();
    const err = await qmp.execute('slow', undefined, { timeoutMs: 20 }).catch((e: unknown) => e);
    expect(isQmpTimeoutError(err)).toBe(true);
    expect(err).toMatchObject({ operation: 'slow', timeoutMs: 20 });
    const [, cmd] = await peer.waitFor(2);
    peer.send({ return: {}, id: cmd!['id'] });
    const ok = qmp.execute('next');
    const [, , next] = await peer.waitFor(3);
    peer.send({ return: 'fine', id: next!['id'] });
    expect(await ok).toBe('fine');
    expect(qmp.stats.lateReplies).toBe(1);
    expect(qmp.stats.unknownIds).toBe(0);
    expect(errors).toEqual([]);
    await qmp.close();
  });

  it('commandTimeoutMs is the default limit; a per-call timeoutMs overrides it', async () => {
    const { qmp, peer } = await connected({ commandTimeoutMs: 10 });
    expect(await qmp.execute('slow').catch((e: unknown) => e)).toMatchObject({ code: 'timeout', timeoutMs: 10 });
    const patient = qmp.execute('patient', undefined, { timeoutMs: 60_000 });
    const sent = await peer.waitFor(3);
    await new Promise((r) => setTimeout(r, 30));
    peer.send({ return: 'done', id: sent[2]!['id'] });
    expect(await patient).toBe('done');
    await qmp.close();
  });

  it('an abort rejects with QmpAbortError (cause = reason); an already-aborted signal sends nothing', async () => {
    const { qmp, peer } = await connected();
    const ac = new AbortController();
    const p = qmp.execute('slow', undefined, { signal: ac.signal }).catch((e: unknown) => e);
    await peer.waitFor(2);
    const reason = new Error('user gave up');
    ac.abort(reason);
    const err = await p;
    expect(isQmpAbortError(err)).toBe(true);
    expect((err as Error).cause).toBe(reason);
    const sync = qmp.waitForEvent('SYNC');
    peer.send({ return: {}, id: peer.received[1]!['id'] }, { event: 'SYNC', timestamp: ts });
    await sync;
    expect(qmp.stats.lateReplies).toBe(1);
    const err2 = await qmp.execute('never', undefined, { signal: ac.signal }).catch((e: unknown) => e);
    expect(isQmpAbortError(err2)).toBe(true);
    await tick();
    expect(peer.received.map((m) => m['execute'])).toEqual(['qmp_capabilities', 'slow']);
    await qmp.close();
  });

  it('a reply with an unknown id is dropped, counted and reported; the connection survives', async () => {
    const { qmp, peer, errors } = await connected();
    peer.send({ return: {}, id: 'not-mine' });
    const p = qmp.execute('ping');
    const [, cmd] = await peer.waitFor(2);
    peer.send({ return: 'pong', id: cmd!['id'] });
    expect(await p).toBe('pong');
    expect(qmp.stats.unknownIds).toBe(1);
    expect(errors).toHaveLength(1);
    expect(isQmpProtocolError(errors[0]![0])).toBe(true);
    expect(errors[0]![0]).toMatchObject({ violation: 'unknown-id' });
    expect(errors[0]![1]).toBe('protocol');
    await qmp.close();
  });

  it('an error without id fails the oldest pending in-band command with QmpProtocolError', async () => {
    const { qmp, peer, errors } = await connected();
    const a = qmp.execute('a').catch((e: unknown) => e);
    const b = qmp.execute('b');
    const sent = await peer.waitFor(3);
    peer.send({ error: { class: 'GenericError', desc: 'JSON parse error, invalid keyword' } }, { return: 'B', id: sent[2]!['id'] });
    const errA = await a;
    expect(isQmpProtocolError(errA)).toBe(true);
    expect(errA).toMatchObject({ violation: 'error-without-id' });
    expect((errA as Error).message).toContain('JSON parse error, invalid keyword');
    expect(await b).toBe('B');
    expect(errors.map(([e]) => (e as { violation: string }).violation)).toEqual(['error-without-id']);
    await qmp.close();
  });

  it('an error without id while nothing is pending is reported only', async () => {
    const { qmp, peer, errors } = await connected();
    const waiting = qmp.waitForEvent('SYNC');
    peer.send({ error: { class: 'GenericError', desc: 'x' } }, { event: 'SYNC', timestamp: ts });
    await waiting;
    expect(errors).toHaveLength(1);
    expect((errors[0]![0] as Error).message).toContain('no command was pending');
    expect(qmp.stats.errorsWithoutId).toBe(1);
    await qmp.close();
  });

  it('connection loss rejects every pending call with QmpConnectionError; later calls too', async () => {
    const { qmp, peer } = await connected();
    const calls = [qmp.execute('a'), qmp.execute('b'), qmp.execute('c')].map((p) => p.catch((e: unknown) => e));
    const wait = qmp.waitForEvent('NEVER');
    await peer.waitFor(4);
    peer.stream.end();
    for (const err of await Promise.all(calls)) {
      expect(isQmpConnectionError(err)).toBe(true);
      expect(err).toMatchObject({ reason: 'peer-closed' });
    }
    expect(isQmpConnectionError(await wait.catch((e: unknown) => e))).toBe(true);
    expect((await qmp.closed).reason).toBe('peer-closed');
    expect(qmp.isOpen).toBe(false);
    expect(isQmpConnectionError(await qmp.execute('d').catch((e: unknown) => e))).toBe(true);
    await qmp.close();
  });

  it('malformed bytes from the peer: the connection fails with a protocol cause; calls reject, nothing hangs', async () => {
    const { qmp, peer, errors } = await connected();
    const p = qmp.execute('a').catch((e: unknown) => e);
    await peer.waitFor(2);
    peer.write('{"return": {}, "id": oops}\r\n');
    const err = await p;
    expect(isQmpConnectionError(err)).toBe(true);
    expect(err).toMatchObject({ reason: 'protocol' });
    expect(isQmpProtocolError((err as Error).cause)).toBe(true);
    expect(errors.map(([e]) => (e as { violation?: string }).violation)).toEqual(['invalid-json']);
    expect((errors[0]![0] as { excerpt: string }).excerpt).toBe('{"return": {}, "id": oops}');
    await qmp.close();
  });

  it('an oversized message fails the connection with a clear error', async () => {
    const { qmp, peer, errors } = await connected({ maxMessageBytes: 1000 });
    const p = qmp.execute('big').catch((e: unknown) => e);
    const [, cmd] = await peer.waitFor(2);
    peer.send({ return: 'x'.repeat(2000), id: cmd!['id'] });
    const err = await p;
    expect(err).toMatchObject({ reason: 'protocol' });
    expect((err as Error).message).toContain('larger than the limit of 1000 bytes');
    expect(errors[0]![0]).toMatchObject({ violation: 'oversized' });
    await qmp.close();
  });

  it('invalid UTF-8 and garbage fail the connection with a protocol cause', async () => {
    for (const bytes of [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), Buffer.from('garbage\r\n')]) {
      const { qmp, peer, errors } = await connected();
      const p = qmp.execute('a').catch((e: unknown) => e);
      await peer.waitFor(2);
      peer.write(bytes);
      expect(await p).toMatchObject({ code: 'connection', reason: 'protocol' });
      expect(isQmpProtocolError(errors[0]![0])).toBe(true);
      await qmp.close();
    }
  });

  it('half a message then close: calls reject with QmpConnectionError', async () => {
    const { qmp, peer } = await connected();
    const p = qmp.execute('a').catch((e: unknown) => e);
    await peer.waitFor(2);
    peer.write('{"return": {"partial":');
    peer.stream.end();
    const err = await p;
    expect(err).toMatchObject({ code: 'connection', reason: 'peer-closed' });
    expect(isQmpProtocolError((err as Error).cause)).toBe(true);
  });

  it('a message that is not a QMP message is reported and dropped', async () => {
    const { qmp, peer, errors } = await connected();
    const w = qmp.waitForEvent('SYNC');
    peer.send([1, 2], { hello: 'world' }, { event: 'BAD_TS' }, { event: 'SYNC', timestamp: ts });
    await w;
    expect(errors.map(([e]) => (e as { violation: string }).violation)).toEqual([
      'unexpected-message',
      'unexpected-message',
      'unexpected-message',
    ]);
    await qmp.close();
  });

  it('oob: exec-oob without the oob capability → QmpUsageError, nothing sent', async () => {
    const { qmp, peer } = await connected();
    const err = await qmp.execute('query-yank', undefined, { oob: true }).catch((e: unknown) => e);
    expect(isQmpUsageError(err)).toBe(true);
    expect((err as Error).message).toContain("'oob' capability");
    await tick();
    expect(peer.received).toHaveLength(1);
    await qmp.close();
  });

  it('oob negotiated: at most 8 in-band commands in flight, the rest queued, exec-oob goes out at once', async () => {
    const { qmp, peer } = await connected({ capabilities: { enable: ['oob'] } });
    const inBand = Array.from({ length: 20 }, (_, i) => qmp.execute('work', { i }));
    const oob = qmp.execute('query-yank', undefined, { oob: true });
    await peer.waitFor(1 + 8 + 1);
    await tick();
    expect(peer.received).toHaveLength(10);
    expect(peer.received[9]).toEqual({ 'exec-oob': 'query-yank', id: peer.received[9]!['id'] });
    expect(qmp.stats.queued).toBe(12);
    peer.send({ return: 'yank', id: peer.received[9]!['id'] });
    expect(await oob).toBe('yank');
    // Answer in-band commands one at a time; each answer lets one queued command out.
    for (let k = 0; k < 20; k++) {
      const cmd = peer.received[1 + k < 9 ? 1 + k : 1 + k + 1]!;
      expect(cmd['execute']).toBe('work');
      peer.send({ return: (cmd['arguments'] as { i: number }).i, id: cmd['id'] });
      if (k < 12) await peer.waitFor(11 + k);
      const inFlightInBand = peer.received.length - 2 - (k + 1);
      expect(inFlightInBand).toBeLessThanOrEqual(8);
    }
    expect(await Promise.all(inBand)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await qmp.close();
  });

  it('a queued command that times out is never sent', async () => {
    const { qmp, peer } = await connected({ capabilities: { enable: ['oob'] }, maxInBandInFlight: 1 });
    const first = qmp.execute('first');
    const second = qmp.execute('second', undefined, { timeoutMs: 10 }).catch((e: unknown) => e);
    expect(isQmpTimeoutError(await second)).toBe(true);
    await peer.waitFor(2);
    peer.send({ return: 1, id: peer.received[1]!['id'] });
    expect(await first).toBe(1);
    const third = qmp.execute('third');
    await peer.waitFor(3);
    peer.send({ return: 3, id: peer.received[2]!['id'] });
    expect(await third).toBe(3);
    expect(peer.received.map((m) => m['execute'])).toEqual(['qmp_capabilities', 'first', 'third']);
    await qmp.close();
  });

  it('close() rejects queued and pending calls with reason "closed" and ends the stream', async () => {
    const { qmp, peer } = await connected();
    const p = qmp.execute('a').catch((e: unknown) => e);
    await peer.waitFor(2);
    await qmp.close();
    expect(await p).toMatchObject({ code: 'connection', reason: 'closed' });
    expect((await qmp.closed).reason).toBe('closed');
    await peer.waitEnd();
    await qmp.close(); // idempotent
  });

  it('arguments that are not an object → QmpUsageError, nothing sent', async () => {
    const { qmp, peer } = await connected();
    const err = await qmp.execute('x', [1] as unknown as Record<string, unknown>).catch((e: unknown) => e);
    expect(isQmpUsageError(err)).toBe(true);
    await tick();
    expect(peer.received).toHaveLength(1);
    await qmp.close();
  });
});

describe('events over a stream', () => {
  it('the race: waitForEvent before execute never misses the event in the same chunk, in either order', async () => {
    for (const eventFirst of [true, false]) {
      const { qmp, peer } = await connected();
      const p = qmp.waitForEvent('STOP');
      const done = qmp.execute('stop');
      const [, cmd] = await peer.waitFor(2);
      const reply = { return: {}, id: cmd!['id'] };
      const event = { event: 'STOP', timestamp: ts };
      peer.send(...(eventFirst ? [event, reply] : [reply, event]));
      await done;
      const ev = await p;
      expect(ev).toEqual(event);
      await qmp.close();
    }
  });

  it('on/off/once/onAny; an unknown event name is still delivered; a throwing handler is reported, dispatch goes on', async () => {
    const { qmp, peer, errors } = await connected();
    const got: string[] = [];
    const h = (e: QmpEvent): void => void got.push(`on:${e.event}`);
    qmp.on('A', h);
    qmp.on('A', () => {
      throw new Error('handler bug');
    });
    qmp.once('A', (e) => got.push(`once:${e.event}`));
    qmp.onAny((e) => got.push(`any:${e.event}`));
    qmp.on('SOME_NEW_EVENT', (e) => got.push(`new:${JSON.stringify(e.data)}`));
    const end = qmp.waitForEvent('END');
    const newEvent = qmp.waitForEvent('SOME_NEW_EVENT');
    peer.send({ event: 'A', timestamp: ts }, { event: 'SOME_NEW_EVENT', data: { x: 1 }, timestamp: ts });
    await newEvent;
    qmp.off('A', h);
    peer.send({ event: 'A', timestamp: ts }, { event: 'END', timestamp: ts });
    await end;
    expect(got).toEqual(['on:A', 'once:A', 'any:A', 'new:{"x":1}', 'any:SOME_NEW_EVENT', 'any:A', 'any:END']);
    expect(errors.map(([e, s]) => `${s}:${(e as Error).message}`)).toEqual(['handler:handler bug', 'handler:handler bug']);
    expect(qmp.stats.handlerErrors).toBe(2);
    await qmp.close();
  });

  it('waitForEvent: filter, timeout, abort, close', async () => {
    const { qmp, peer } = await connected();
    const filtered = qmp.waitForEvent('JOB', { filter: (e) => (e.data as { id: string }).id === 'b' });
    peer.send({ event: 'JOB', data: { id: 'a' }, timestamp: ts }, { event: 'JOB', data: { id: 'b' }, timestamp: ts });
    expect((await filtered).data).toEqual({ id: 'b' });
    expect(isQmpTimeoutError(await qmp.waitForEvent('NEVER', { timeoutMs: 10 }).catch((e: unknown) => e))).toBe(true);
    const ac = new AbortController();
    const aborted = qmp.waitForEvent('NEVER', { signal: ac.signal });
    ac.abort();
    expect(isQmpAbortError(await aborted.catch((e: unknown) => e))).toBe(true);
    const throwing = qmp.waitForEvent('JOB', {
      filter: () => {
        throw new Error('filter bug');
      },
    });
    peer.send({ event: 'JOB', timestamp: ts });
    expect(((await throwing.catch((e: unknown) => e)) as Error).message).toBe('filter bug');
    const pending = qmp.waitForEvent('NEVER');
    await qmp.close();
    expect(await pending.catch((e: unknown) => e)).toMatchObject({ code: 'connection', reason: 'closed' });
  });

  it('a waitForEvent nobody awaits never becomes an unhandled rejection', async () => {
    const { qmp } = await connected();
    void qmp.waitForEvent('NEVER', { timeoutMs: 1 });
    qmp.waitForEvent('NEVER2');
    await new Promise((r) => setTimeout(r, 10));
    await qmp.close();
  });

  it('events(): iterator sees every event in order; bounded buffer drops the oldest and counts', async () => {
    const { qmp, peer } = await connected();
    const it1 = qmp.events({ bufferSize: 3 });
    const it2 = qmp.events({ bufferSize: 3, overflow: 'drop-newest', names: ['E'] });
    const sync = qmp.waitForEvent('SYNC');
    peer.send(...[1, 2, 3, 4, 5].map((n) => ({ event: 'E', data: { n }, timestamp: ts })), { event: 'SYNC', timestamp: ts });
    await sync;
    expect(it1.buffered).toBe(3);
    expect(it1.dropped).toBe(3); // E1, E2, E3 dropped; E4, E5, SYNC kept
    const got1 = [];
    for (let i = 0; i < 3; i++) got1.push((await it1.next()).value);
    expect(got1.map((e) => `${e!.event}${JSON.stringify(e!.data ?? '')}`)).toEqual(['E{"n":4}', 'E{"n":5}', 'SYNC""']);
    expect(it2.dropped).toBe(2);
    const got2 = [];
    for await (const e of it2) {
      got2.push((e.data as { n: number }).n);
      if (got2.length === 3) break;
    }
    expect(got2).toEqual([1, 2, 3]);
    expect((await it2.next()).done).toBe(true);
    // A waiting consumer gets the next event directly.
    const next = it1.next();
    peer.send({ event: 'LIVE', timestamp: ts });
    expect((await next).value?.event).toBe('LIVE');
    await qmp.close();
    expect((await it1.next()).done).toBe(true);
  });

  it('events(): ends with the connection error after draining when the connection is lost', async () => {
    const { qmp, peer } = await connected();
    const it = qmp.events();
    const sync = qmp.waitForEvent('E');
    peer.send({ event: 'E', timestamp: ts });
    await sync;
    peer.stream.end();
    await qmp.closed;
    expect((await it.next()).value?.event).toBe('E');
    expect(await it.next().catch((e: unknown) => e)).toMatchObject({ code: 'connection', reason: 'peer-closed' });
    expect((await it.next()).done).toBe(true);
  });
});
