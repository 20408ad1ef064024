/**
 * Hostile peer, cost of one message (issue 10, item 3). Before: a 60 MiB message of `[[],[],…]`,
 * `[{},{},…]` or `[[[[…]]]]` under the default 64 MiB limit blocked the event loop 13–20 s and took
 * 0.8–1.8 GB of heap. Now every message the defaults accept is bounded by three limits counted in
 * the framer's single pass (16 MiB, nesting 1024, 1 Mi structural tokens): the attack shapes are
 * accepted at the limits with bounded memory and refused just over them with a typed error, and
 * the real replies of both QEMUs pass with a wide margin.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_MESSAGE_DEPTH,
  DEFAULT_MAX_MESSAGE_TOKENS,
  JsonFramer,
  isQmpConnectionError,
  isQmpProtocolError,
  type FramerOptions,
  type QmpProtocolError,
} from '../../runtime/index.js';
import { liveSchema } from '../qapi/live-schema.js';
import { scriptedPeer } from '../runtime/helpers/peer.js';
import { QmpClient } from '../../runtime/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;

function liveBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Feeds `wire` in 64 KiB reads (like a socket); returns the messages or the protocol error. */
function frame(wire: Buffer, options?: FramerOptions): { messages: unknown[]; error: QmpProtocolError | undefined; framer: JsonFramer } {
  const framer = new JsonFramer(options);
  const messages: unknown[] = [];
  try {
    for (let i = 0; i < wire.length; i += 65536) framer.push(wire.subarray(i, i + 65536), (m) => messages.push(m));
    framer.end();
  } catch (e) {
    if (!isQmpProtocolError(e)) throw e;
    return { messages, error: e, framer };
  }
  return { messages, error: undefined, framer };
}

/** `[[],[],…]` / `[{},{},…]` with exactly `tokens` structural tokens (1 + n opens + n − 1 commas = 2n). */
function flat(pair: '[]' | '{}', tokens: number): Buffer {
  const n = tokens / 2;
  return Buffer.from(`[${`${pair},`.repeat(n - 1)}${pair}]`);
}

const nested = (depth: number): Buffer => Buffer.from('['.repeat(depth) + ']'.repeat(depth));

describe('the default limits of one message', () => {
  it('are 16 MiB, nesting 1024 (QEMU\'s own MAX_NESTING), 1 Mi structural tokens', () => {
    expect([DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_DEPTH, DEFAULT_MAX_MESSAGE_TOKENS]).toEqual([16 * MiB, 1024, 1024 * 1024]);
  });

  for (const version of ['7.2', '10.0'] as const) {
    it(`hold QEMU ${version}'s query-qmp-schema reply (the largest real reply) with a wide margin`, async () => {
      const reply = { return: await liveSchema(version), id: 1 };
      const wire = Buffer.from(`${JSON.stringify(reply)}\r\n`);
      const { messages, error } = frame(wire);
      expect(error).toBeUndefined();
      expect(messages).toEqual([reply]);
      // The margins the defaults were chosen with: at least 30 times on each limit.
      const tokens = [...wire.toString('latin1').replace(/"(?:[^"\\]|\\.)*"/g, '')].filter((c) => '{[,:'.includes(c)).length;
      expect(wire.length * 30).toBeLessThan(DEFAULT_MAX_MESSAGE_BYTES);
      expect(tokens * 30).toBeLessThan(DEFAULT_MAX_MESSAGE_TOKENS);
      expect(frame(wire, { maxMessageTokens: tokens }).error).toBeUndefined();
      expect(frame(wire, { maxMessageTokens: tokens - 1 }).error?.violation).toBe('too-many-tokens');
      expect(frame(wire, { maxMessageDepth: 6 }).error).toBeUndefined(); // { return: [ { members: [ { … } ] } ] }
    });
  }
});

describe('attack shapes at and just over the limits', () => {
  it('[[[[…]]]]: depth 1024 is accepted, 1025 is refused as too-deep, even one byte per read', () => {
    expect(frame(nested(1024)).messages).toHaveLength(1);
    const { error } = frame(nested(1025));
    expect(error?.violation).toBe('too-deep');
    expect(error?.message).toContain('1024 (maxMessageDepth)');
    const framer = new JsonFramer();
    const wire = nested(1025);
    let caught: unknown;
    try {
      for (let i = 0; i < wire.length; i++) framer.push(wire.subarray(i, i + 1), () => {});
    } catch (e) {
      caught = e;
    }
    expect(isQmpProtocolError(caught) && caught.violation).toBe('too-deep');
  });

  it('brackets inside strings are not nesting', () => {
    const wire = Buffer.from(JSON.stringify({ return: '['.repeat(5000), id: 1 }));
    expect(frame(wire).messages).toEqual([{ return: '['.repeat(5000), id: 1 }]);
  });

  for (const pair of ['[]', '{}'] as const) {
    const label = pair === '[]' ? '[[],[],…]' : '[{},{},…]';
    it(`${label}: exactly 1 Mi tokens is accepted within 128 MiB of memory; 2 more are refused as too-many-tokens`, () => {
      const atLimit = flat(pair, DEFAULT_MAX_MESSAGE_TOKENS);
      const before = liveBytes();
      const { messages, error } = frame(atLimit);
      const growth = liveBytes() - before;
      expect(error).toBeUndefined();
      expect((messages[0] as unknown[]).length).toBe(DEFAULT_MAX_MESSAGE_TOKENS / 2);
      // Measured: about 20 MiB ([]) and 32 MiB ({}) for the 524,288 values held; 128 MiB is room for noise.
      expect(growth).toBeLessThan(128 * MiB);
      messages.length = 0;

      const over = frame(flat(pair, DEFAULT_MAX_MESSAGE_TOKENS + 2));
      expect(over.error?.violation).toBe('too-many-tokens');
      expect(over.messages).toEqual([]);
    });

    it(`${label} of 60 MiB (accepted before): refused after its first few MiB, holding nothing`, () => {
      const wire = flat(pair, 2 * Math.floor((60 * MiB) / 3));
      expect(wire.length).toBeGreaterThan(59 * MiB);
      const before = liveBytes();
      const framer = new JsonFramer();
      let read = 0;
      let caught: unknown;
      try {
        for (; read < wire.length; read += 65536) framer.push(wire.subarray(read, read + 65536), () => {});
      } catch (e) {
        caught = e;
      }
      expect(isQmpProtocolError(caught) && caught.violation).toBe('too-many-tokens');
      expect(read).toBeLessThan(4 * MiB); // 1 Mi tokens of `[],` is 1.5 MiB
      expect(framer.bufferedBytes).toBe(0);
      expect(liveBytes() - before).toBeLessThan(16 * MiB);
    });
  }

  it('a 60 MiB string (accepted before) is refused as oversized at 16 MiB', () => {
    const framer = new JsonFramer();
    const chunk = Buffer.alloc(65536, 0x61);
    let read = 0;
    let caught: unknown;
    try {
      framer.push(Buffer.from('{"return":"'), () => {});
      for (; read < 60 * MiB; read += chunk.length) framer.push(chunk, () => {});
    } catch (e) {
      caught = e;
    }
    expect(isQmpProtocolError(caught) && caught.violation).toBe('oversized');
    expect(read).toBeLessThanOrEqual(16 * MiB);
  });

  it('every limit is an option: a raised depth accepts 5,000 levels, lowered limits refuse less', () => {
    expect(frame(nested(5000), { maxMessageDepth: 5000 }).messages).toHaveLength(1);
    expect(frame(nested(5001), { maxMessageDepth: 5000 }).error?.violation).toBe('too-deep');
    expect(frame(flat('{}', 100), { maxMessageTokens: 100 }).messages).toHaveLength(1);
    expect(frame(flat('{}', 102), { maxMessageTokens: 100 }).error?.violation).toBe('too-many-tokens');
  });
});

describe('through the client', () => {
  it('a message over a limit after negotiation fails the connection with the typed violation, told to onError', async () => {
    const { stream, peer } = scriptedPeer();
    peer.greet();
    const connecting = QmpClient.connect({ stream });
    await peer.acceptNegotiation();
    const qmp = await connecting;
    const problems: unknown[] = [];
    qmp.onError((e) => problems.push(e));
    const pending = qmp.execute('query-status');
    peer.write(nested(1025));
    const error = await pending.catch((e: unknown) => e);
    expect(isQmpConnectionError(error) && error.reason).toBe('protocol');
    expect(isQmpProtocolError((error as Error).cause) && ((error as Error).cause as QmpProtocolError).violation).toBe('too-deep');
    expect(problems.map((p) => isQmpProtocolError(p) && p.violation)).toEqual(['too-deep']);
    expect((await qmp.closed).reason).toBe('protocol');
  });

  it('the limits are client options (checked like the others)', async () => {
    const { stream, peer } = scriptedPeer();
    peer.greet();
    const connecting = QmpClient.connect({ stream, maxMessageTokens: 30 });
    await peer.acceptNegotiation();
    const qmp = await connecting;
    const pending = qmp.execute('query-status');
    const [, command] = await peer.waitFor(2);
    peer.send({ return: Array.from({ length: 30 }, (_, i) => i), id: command!['id'] });
    const error = await pending.catch((e: unknown) => e);
    expect(((error as Error).cause as QmpProtocolError).violation).toBe('too-many-tokens');
    await expect(QmpClient.connect({ stream: scriptedPeer().stream, maxMessageDepth: 0 })).rejects.toThrow(/maxMessageDepth must be a positive integer/);
  });
});
