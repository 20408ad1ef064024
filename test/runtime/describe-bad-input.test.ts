/**
 * Describing bad input never throws (issue 10, item 6). Before: a nested array of depth 5,000
 * (10 KB) sent after negotiation killed the connection as `lost`, because the helper that
 * describes an unexpected message (`JSON.stringify`, then `String()`) overflowed the stack, and
 * nothing reached `onError`. Now the framer refuses it (nesting limit, 1024 by default), and with
 * the limit raised it is described (bounded, iteratively) as an unexpected message while the
 * connection goes on. The helper itself is tested with values built to break describers.
 */
import { describe, expect, it } from 'vitest';
import {
  QmpClient,
  checkGreeting,
  isQmpNegotiationError,
  isQmpProtocolError,
  isQmpValidationError,
  type QmpProtocolError,
  type TargetBinding,
  type ValidationResult,
} from '../../runtime/index.js';
import { preview } from '../../runtime/preview.js';
import { scriptedPeer } from './helpers/peer.js';

function deepArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

function deepObject(depth: number): unknown {
  let v: unknown = {};
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}

/** Wire text of the same values (JSON.stringify itself overflows the stack at this depth). */
const deepArrayText = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const deepObjectText = (depth: number): string => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

async function connected(options: { maxMessageDepth?: number } = {}) {
  const { stream, peer } = scriptedPeer();
  peer.greet();
  const connecting = QmpClient.connect({ stream, ...options });
  await peer.acceptNegotiation();
  const qmp = await connecting;
  const problems: unknown[] = [];
  qmp.onError((e) => problems.push(e));
  return { qmp, peer, problems };
}

describe('preview(): a bounded description of anything', () => {
  it('looks like JSON for JSON values', () => {
    expect(preview({ return: { a: [1, 'x', null, true] }, id: 5 })).toBe('{"return":{"a":[1,"x",null,true]},"id":5}');
    expect(preview('a"b')).toBe('"a\\"b"');
    expect(preview([])).toBe('[]');
  });

  it('depth 100,000 (arrays and objects): no stack overflow, at most maxChars + 1 characters', () => {
    for (const v of [deepArray(100_000), deepObject(100_000)]) {
      const text = preview(v, 200);
      expect(text.length).toBe(201);
      expect(text.endsWith('…')).toBe(true);
    }
    expect(preview(deepArray(100_000), 10)).toBe('[[[[[[[[[[…');
  });

  it('huge values cost what is printed: a 16 MiB string, a 10-million-element array, a cycle', () => {
    expect(preview('x'.repeat(16 * 1024 * 1024), 20)).toBe(`"${'x'.repeat(19)}…`);
    expect(preview(new Array(10_000_000).fill(0), 9)).toBe('[0,0,0,0,…');
    const cycle: Record<string, unknown> = { name: 'c' };
    cycle['self'] = cycle;
    expect(preview(cycle, 40)).toBe('{"name":"c","self":{"name":"c","self":{"…');
  });

  it('throwing getters, revoked and throwing Proxies, odd scalars: stand-ins, never an exception', () => {
    const getter = Object.defineProperty({ ok: 1 }, 'bad', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(preview(getter)).toBe('{"ok":1,"bad":<unreadable>}');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(preview(proxy)).toBe('<unreadable>');
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    expect(preview([hostile])).toBe('[<unreadable>]');
    const noProto = Object.create(null) as Record<string, unknown>;
    noProto['k'] = Symbol('s');
    expect(preview(noProto)).toBe('{"k":Symbol(s)}');
    expect(preview([undefined, 12n, Number.NaN, function named() {}])).toBe('[undefined,12n,NaN,[function named]]');
    const toJsonThrows = { toJSON: () => { throw new Error('no'); }, toString: () => { throw new Error('no'); } };
    expect(preview(toJsonThrows)).toBe('{"toJSON":[function toJSON],"toString":[function toString]}');
  });
});

describe('deep input reaching the client', () => {
  it('depth 5,000 after negotiation, default limits: refused as too-deep (protocol, reported), not lost', async () => {
    const { qmp, peer, problems } = await connected();
    peer.write(`${deepArrayText(5000)}\r\n`);
    const closed = await qmp.closed;
    expect(closed.reason).toBe('protocol');
    expect(problems.map((p) => isQmpProtocolError(p) && p.violation)).toEqual(['too-deep']);
  });

  it('depth 5,000 with maxMessageDepth raised: an unexpected-message report with a bounded excerpt; the connection goes on', async () => {
    const { qmp, peer, problems } = await connected({ maxMessageDepth: 100_000 });
    peer.write(`${deepArrayText(5000)}\r\n`);
    peer.write(`{"event":"DEEP","data":${deepObjectText(5000)},"timestamp":{"seconds":1,"microseconds":2}}\r\n`);
    const deep = await qmp.waitForEvent('DEEP');
    expect(problems).toHaveLength(1);
    const problem = problems[0] as QmpProtocolError;
    expect(problem.violation).toBe('unexpected-message');
    expect(problem.message.length).toBeLessThan(400);
    expect(problem.message).toContain('[[[[[[');
    expect(deep.event).toBe('DEEP');
    const answer = qmp.execute('query-status');
    const received = await peer.waitFor(2);
    peer.write(`{"return":${deepObjectText(5000)},"id":${JSON.stringify(received[1]!['id'])}}\r\n`);
    expect(await answer).toBeTypeOf('object');
    expect(qmp.isOpen).toBe(true);
    await qmp.close();
  });

  it('a deep message instead of the greeting: a QmpNegotiationError with a bounded description', async () => {
    const { stream, peer } = scriptedPeer();
    peer.write(deepArrayText(5000));
    const error = await QmpClient.connect({ stream, maxMessageDepth: 100_000 }).catch((e: unknown) => e);
    expect(isQmpNegotiationError(error)).toBe(true);
    expect((error as Error).message.length).toBeLessThan(400);
    expect(() => checkGreeting({ QMP: { version: deepObject(5000) } })).toThrow(/QMP.version.qemu is missing/);
    expect(() => checkGreeting({ QMP: { version: { qemu: { major: 'x'.repeat(1_000_000) } } } })).toThrow(/^.{0,300}$/);
  });

  it('a validator that overflows the stack on a deep reply or event (depth raised): the call rejects, the event is reported, the connection goes on', async () => {
    // A recursive check, as a validator of a recursive type (ImageInfo's backing-image) is.
    const walk = (v: unknown): boolean => (Array.isArray(v) ? v.every(walk) : true);
    const check = (v: unknown): ValidationResult => (walk(v) ? { ok: true, value: v } : { ok: false, errors: [] });
    const target: TargetBinding = {
      name: 'recursive',
      commands: { 'query-status': { method: 'queryStatus', noArguments: true, allowOob: false } },
      events: ['DEEP'],
      loadValidators: async () => ({
        validateArguments: () => ({ ok: true, value: undefined }),
        validateReturn: (_c, v) => check(v),
        validateEvent: (_e, v) => check(v),
        validateGreeting: () => ({ ok: true, value: undefined }),
        validateMessage: () => ({ ok: true, value: undefined }),
      }),
    };
    class Recursive extends QmpClient {
      static override readonly target = target;
    }
    const { stream, peer } = scriptedPeer();
    peer.greet();
    const connecting = Recursive.connect({ stream, maxMessageDepth: 1_000_000, validateReturns: true, validateEvents: true });
    await peer.acceptNegotiation();
    const qmp = await connecting;
    const problems: unknown[] = [];
    qmp.onError((e) => problems.push(e));
    const call = qmp.execute('query-status');
    const [, command] = await peer.waitFor(2);
    peer.write(`{"event":"DEEP","data":${deepArrayText(200_000)},"timestamp":{"seconds":1,"microseconds":2}}\r\n`);
    peer.write(`{"return":${deepArrayText(200_000)},"id":${JSON.stringify(command!['id'])}}\r\n`);
    const error = await call.catch((e: unknown) => e);
    expect(isQmpValidationError(error) && error.rule).toMatch(/^could not be checked: .*call stack/);
    expect(problems.map((p) => isQmpValidationError(p) && p.side)).toEqual(['event']);
    const next = qmp.execute('query-status');
    const received = await peer.waitFor(3);
    peer.send({ return: [], id: received[2]!['id'] });
    expect(await next).toEqual([]);
    await qmp.close();
  });
});
