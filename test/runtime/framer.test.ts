import { describe, expect, it } from 'vitest';
import { JsonFramer, isQmpProtocolError, type QmpProtocolError } from '../../runtime/index.js';

const messages = [
  { QMP: { version: { qemu: { micro: 0, minor: 0, major: 10 }, package: 'x' }, capabilities: ['oob'] } },
  { return: {}, id: 1 },
  { event: 'STOP', timestamp: { seconds: 1, microseconds: 2 } },
  { return: { text: 'braces } { ] [ inside "quotes" and \\ backslashes \\" and \u00e9\u20ac\ud83d\ude00' }, id: 'x}' },
  { return: [1, [2, [3, {}]], []], id: [1, { a: '}' }] },
  { error: { class: 'GenericError', desc: 'é' } },
];

function feed(chunks: Buffer[], options?: { maxMessageBytes?: number }): unknown[] {
  const framer = new JsonFramer(options);
  const out: unknown[] = [];
  for (const c of chunks) framer.push(c, (m) => out.push(m));
  framer.end();
  return out;
}

function chunksOf(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

function catchProtocol(fn: () => void): QmpProtocolError {
  try {
    fn();
  } catch (e) {
    if (isQmpProtocolError(e)) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('JsonFramer', () => {
  for (const [label, sep] of [
    ['CRLF', '\r\n'],
    ['LF', '\n'],
    ['nothing', ''],
    ['mixed whitespace', ' \t\r\n  '],
  ] as const) {
    const wire = Buffer.from(messages.map((m) => JSON.stringify(m)).join(sep) + sep, 'utf8');
    it(`separator ${label}: all messages in one chunk`, () => {
      expect(feed([wire])).toEqual(messages);
    });
    it(`separator ${label}: one-byte chunks (splits every multi-byte UTF-8 character)`, () => {
      expect(feed(chunksOf(wire, 1))).toEqual(messages);
    });
    it(`separator ${label}: every chunk size from 2 to 64`, () => {
      for (let size = 2; size <= 64; size++) expect(feed(chunksOf(wire, size))).toEqual(messages);
    });
  }

  it('a message spread over many reads, then many messages in one read', () => {
    const big = { return: { data: 'x'.repeat(300_000) }, id: 7 };
    const bigBuf = Buffer.from(JSON.stringify(big));
    const small = Buffer.from('{"return":{},"id":1}{"return":{},"id":2}\r\n{"return":{},"id":3}');
    expect(feed([...chunksOf(bigBuf, 65536), small])).toEqual([big, { return: {}, id: 1 }, { return: {}, id: 2 }, { return: {}, id: 3 }]);
  });

  it('a UTF-8 character split between reads at each byte', () => {
    const text = Buffer.from('{"return":"😀é€"}', 'utf8');
    for (let cut = 1; cut < text.length; cut++) {
      expect(feed([text.subarray(0, cut), text.subarray(cut)])).toEqual([{ return: '😀é€' }]);
    }
  });

  it('escaped quotes and backslashes at chunk boundaries', () => {
    const text = Buffer.from(JSON.stringify({ return: 'a\\"}{\\\\"', id: 1 }));
    for (let cut = 1; cut < text.length; cut++) {
      expect(feed([text.subarray(0, cut), text.subarray(cut)])).toEqual([{ return: 'a\\"}{\\\\"', id: 1 }]);
    }
  });

  it('messages before a bad one are delivered, then a QmpProtocolError with an excerpt', () => {
    const framer = new JsonFramer();
    const out: unknown[] = [];
    const e = catchProtocol(() => framer.push(Buffer.from('{"return":{},"id":1}\r\n{"return": nope}\r\n'), (m) => out.push(m)));
    expect(out).toEqual([{ return: {}, id: 1 }]);
    expect(e.violation).toBe('invalid-json');
    expect(e.excerpt).toBe('{"return": nope}');
    // The framer stays failed.
    expect(catchProtocol(() => framer.push(Buffer.from('{}'), () => {}))).toBe(e);
  });

  it('garbage between messages', () => {
    const e = catchProtocol(() => feed([Buffer.from('{"return":{}}\r\nhello world\r\n')]));
    expect(e.violation).toBe('garbage');
    expect(e.excerpt).toContain('hello world');
    expect(e.message).toContain('0x68');
  });

  it('invalid UTF-8', () => {
    const bad = Buffer.concat([Buffer.from('{"return":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    const e = catchProtocol(() => feed([bad]));
    expect(e.violation).toBe('invalid-utf8');
    expect(e.excerpt).toContain('{"return":"');
  });

  it('oversized message: the limit is configurable and counts bytes across chunks', () => {
    const msg = Buffer.from(JSON.stringify({ return: 'x'.repeat(200) }));
    expect(feed([msg], { maxMessageBytes: msg.length })).toHaveLength(1);
    const e = catchProtocol(() => feed(chunksOf(msg, 10), { maxMessageBytes: msg.length - 1 }));
    expect(e.violation).toBe('oversized');
    expect(e.message).toContain(`${msg.length - 1} bytes`);
    expect(e.excerpt?.startsWith('{"return":"xxx')).toBe(true);
  });

  it('an endless unterminated message fails at the limit, not at the end of memory', () => {
    const framer = new JsonFramer({ maxMessageBytes: 1024 });
    framer.push(Buffer.from('{"return":"'), () => {});
    const e = catchProtocol(() => {
      for (let i = 0; i < 100; i++) framer.push(Buffer.alloc(100, 0x61), () => {});
    });
    expect(e.violation).toBe('oversized');
  });

  it('the default limits are the documented ones (the real replies they hold: test/hostile/message-limits.test.ts)', () => {
    const framer = new JsonFramer();
    expect([framer.maxMessageBytes, framer.maxMessageDepth, framer.maxMessageTokens]).toEqual([16 * 1024 * 1024, 1024, 1024 * 1024]);
  });

  it('a stream that ends inside a message is a truncated-message error', () => {
    const framer = new JsonFramer();
    framer.push(Buffer.from('{"return": {"a": '), () => {});
    expect(framer.bufferedBytes).toBeGreaterThan(0);
    const e = catchProtocol(() => framer.end());
    expect(e.violation).toBe('truncated');
    expect(e.excerpt).toBe('{"return": {"a": ');
  });

  it('rejects a nonsensical limit', () => {
    expect(() => new JsonFramer({ maxMessageBytes: 0 })).toThrow(RangeError);
    expect(() => new JsonFramer({ maxMessageDepth: 1.5 })).toThrow(/maxMessageDepth must be a positive integer/);
    expect(() => new JsonFramer({ maxMessageTokens: -1 })).toThrow(/maxMessageTokens must be a positive integer/);
  });
});
