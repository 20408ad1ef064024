/**
 * Lossless integers (issue 13, default mode): the parser, the serialiser, the framer, the
 * validators and the test server / record-replay. Real QEMU: test/runtime/exact-integers-qemu.test.ts.
 * The test server is used here only for values real QEMU cannot produce in a reply (2^63 − 1,
 * 2^64 − 1, −2^63 where a typed member carries them) and for arguments a client must refuse.
 */
import { describe, expect, it } from 'vitest';
import { hasLongDigitRun, parseJson, parseJsonExact } from '../../runtime/json-parse.js';
import { stringifyJson, stringifyPlainJson } from '../../runtime/json-stringify.js';
import { JsonFramer } from '../../runtime/core/json-framer.js';
import { wireArguments } from '../../runtime/wire-arguments.js';
import { QmpValidationError } from '../../runtime/errors.js';
import { validateArguments, validateReturn } from '../../generated/qemu-10.0-x86_64/validators.js';
import { QmpClient, target } from '../../generated/qemu-10.0-x86_64/index.js';
import { createQmpServer, createReplayServer, parseRecording, recordConversation } from '../../testing/index.js';

const U64_MAX = 2n ** 64n - 1n;
const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);
/** QAPI `int` (int64): `block_resize` `size`, `query-balloon` `actual` (qapi/block-core.json, qapi/machine.json). */
const RANGE = 'must be an integer from -9223372036854775808 to 9223372036854775807';
/** QAPI `size` (uint64): `MigrationParameters` `max-bandwidth` (qapi/migration.json). */
const SIZE_RANGE = 'must be an integer from 0 to 18446744073709551615';

describe('parseJson', () => {
  it('integers within ±(2^53 − 1) are numbers, any integer beyond is an exact bigint; fractions and exponents stay numbers', () => {
    const text = `{"a":${U64_MAX},"b":${I64_MIN},"c":9007199254740993,"d":9007199254740991,"e":-9007199254740991,"f":-9007199254740992,"g":1.5,"h":1e3,"i":12345678901234567.5,"j":[${I64_MAX},0,-0]}`;
    const v = parseJson(text) as Record<string, unknown>;
    expect(v).toEqual({ a: U64_MAX, b: I64_MIN, c: 9007199254740993n, d: 9007199254740991, e: -9007199254740991, f: -9007199254740992n, g: 1.5, h: 1000, i: 12345678901234567.5, j: [I64_MAX, 0, -0] });
    expect(typeof v['d']).toBe('number');
  });

  it('without a run of 16 digits the result is JSON.parse itself; with one, everything but the big integers equals JSON.parse', () => {
    const small = '{"return": {"status": "running", "singlestep": false, "running": true}, "id": 12}';
    expect(hasLongDigitRun(small)).toBe(false);
    expect(parseJson(small)).toEqual(JSON.parse(small));
    const odd = '{"s":"1234567890123456 in a string","e":"\\u00e9\\n\\"","__proto__":{"x":1},"dup":1,"dup":2,"n":null,"t":true,"f":false,"a":[],"o":{}}';
    expect(hasLongDigitRun(odd)).toBe(true);
    const exact = parseJson(odd) as Record<string, unknown>;
    const plain = JSON.parse(odd) as Record<string, unknown>;
    expect(exact).toEqual(plain);
    expect(Object.getPrototypeOf(exact)).toBe(Object.prototype);
    expect(Object.keys(exact)).toEqual(Object.keys(plain)); // __proto__ an own member, as JSON.parse makes it
    expect(parseJsonExact(odd, true)).toEqual(JSON.parse(odd));
    expect(Object.getPrototypeOf(parseJsonExact(odd, true))).toBe(null);
  });

  it('malformed texts throw SyntaxError on the exact path too', () => {
    for (const bad of ['{"a":01234567890123456}', '{"a":1234567890123456', '[1234567890123456,]', '{"a":"\u0001"} 1234567890123456', '[-1234567890123456.]', '[1234567890123456e]', '{1234567890123456:1}', '["\\x"] 1234567890123456', '']) {
      expect(() => parseJsonExact(bad), bad).toThrow(SyntaxError);
    }
  });
});

describe('stringifyJson and the arguments on the wire', () => {
  it('bigints go digit for digit; without bigint the text is JSON.stringify', () => {
    const v = { a: U64_MAX, b: [I64_MIN, 1n, 2], c: 'x\u0000y', d: undefined, e: { toJSON: () => 9007199254740993n } };
    expect(stringifyJson(v)).toBe('{"a":18446744073709551615,"b":[-9223372036854775808,1,2],"c":"x\\u0000y","e":9007199254740993}');
    expect(stringifyJson({ a: 1, s: 's' }, false)).toBe(JSON.stringify({ a: 1, s: 's' }));
    expect(parseJson(stringifyJson(v) as string)).toEqual({ a: U64_MAX, b: [I64_MIN, 1, 2], c: 'x\u0000y', e: 9007199254740993n });
  });

  it('plain arguments with a bigint are sent exactly and validated as given; other arguments are parsed back exactly', () => {
    expect(wireArguments({ 'node-name': 'n', size: 2n ** 60n + 1n }, true)).toEqual({ text: '{"node-name":"n","size":1152921504606846977}', value: { 'node-name': 'n', size: 2n ** 60n + 1n } });
    class Args {
      size = U64_MAX;
    }
    expect(wireArguments(new Args(), true)).toEqual({ text: '{"size":18446744073709551615}', value: { size: U64_MAX } });
  });
});

describe('the framer', () => {
  it('large integers split across chunks at every byte arrive exact', () => {
    const text = `{"return": {"a": ${U64_MAX}, "b": [${I64_MIN}, ${I64_MAX}, 9007199254740993]}, "id": 1}\r\n`;
    const bytes = Buffer.from(text);
    const want = { return: { a: U64_MAX, b: [I64_MIN, I64_MAX, 9007199254740993n] }, id: 1 };
    for (let cut = 1; cut < bytes.length; cut++) {
      const framer = new JsonFramer();
      const got: unknown[] = [];
      framer.push(bytes.subarray(0, cut), (m) => got.push(m));
      framer.push(bytes.subarray(cut), (m) => got.push(m));
      expect(got, `cut at ${cut}`).toEqual([want]);
    }
    const framer = new JsonFramer();
    const got: unknown[] = [];
    for (const b of bytes) framer.push(Buffer.from([b]), (m) => got.push(m));
    expect(got).toEqual([want]);
  });

  it('its limits count the same on the exact path (tokens, depth)', () => {
    const framer = new JsonFramer({ maxMessageTokens: 4 });
    expect(() => framer.push(Buffer.from(`{"a":[${U64_MAX},1,2]}`), () => undefined)).toThrow(/more than 4 structural tokens/);
  });
});

describe('validators: exact bounds for numbers and bigints', () => {
  it('accepts bigints and numbers within the QAPI width, rejects beyond it (int64; size up to 2^64 − 1), fractions and strings, naming the path', () => {
    const size = (v: unknown) => validateArguments('block_resize', { 'node-name': 'n', size: v } as never);
    for (const ok of [I64_MAX, I64_MIN, 0n, 5, -1, 2 ** 60]) expect(size(ok).ok, String(ok)).toBe(true);
    // 9223372036854775807 as a number IS 2^63 (rounded when the literal was read): out of range
    for (const bad of [I64_MAX + 1n, I64_MIN - 1n, 9223372036854775807, 1.5, '5', Number.NaN]) {
      expect(size(bad), String(bad)).toEqual({ ok: false, errors: [{ path: '/arguments/size', message: RANGE }] });
    }
    const bandwidth = (v: unknown) => validateArguments('migrate-set-parameters', { 'max-bandwidth': v } as never);
    for (const ok of [U64_MAX, 0n, 0, 2 ** 60]) expect(bandwidth(ok).ok, String(ok)).toBe(true);
    // 18446744073709551615 as a number IS 2^64: out of range
    for (const bad of [U64_MAX + 1n, -1n, -1, 18446744073709551615, 1.5]) {
      expect(bandwidth(bad), String(bad)).toEqual({ ok: false, errors: [{ path: '/arguments/max-bandwidth', message: SIZE_RANGE }] });
    }
  });

  it('a bigint where the schema says number is a type error; replies are checked exactly too', () => {
    const ramFields = ['transferred', 'remaining', 'total', 'duplicate', 'normal', 'normal-bytes', 'dirty-pages-rate', 'dirty-sync-count', 'postcopy-requests', 'page-size', 'multifd-bytes', 'pages-per-second', 'precopy-bytes', 'downtime-bytes', 'postcopy-bytes', 'dirty-sync-missed-zero-copy'];
    const ram = (mbps: unknown) => ({ ...Object.fromEntries(ramFields.map((f) => [f, I64_MAX])), mbps });
    expect(validateReturn('query-migrate', { ram: ram(12.5) }).ok).toBe(true);
    expect(validateReturn('query-migrate', { ram: ram(12n) })).toEqual({ ok: false, errors: [{ path: '/return/ram/mbps', message: 'must be number' }] });
    expect(validateArguments('migrate-set-parameters', { 'throttle-trigger-threshold': 50, 'downtime-limit': 300n } as never).ok).toBe(true);
    expect(validateReturn('query-balloon', { actual: I64_MAX }).ok).toBe(true);
    expect(validateReturn('query-balloon', { actual: I64_MAX + 1n })).toEqual({ ok: false, errors: [{ path: '/return/actual', message: RANGE }] });
    expect(validateReturn('query-migrate-parameters', { 'max-bandwidth': U64_MAX }).ok).toBe(true);
    expect(validateReturn('query-migrate-parameters', { 'max-bandwidth': U64_MAX + 1n })).toEqual({ ok: false, errors: [{ path: '/return/max-bandwidth', message: SIZE_RANGE }] });
  });

  it('device_add: QOM integer bounds are exact (uint64 up to 2^64 − 1, not one more)', () => {
    const dev = (v: unknown) => validateArguments('device_add', { driver: 'pci-bridge', 'mem-reserve': v } as never);
    expect(dev(U64_MAX).ok).toBe(true);
    expect(dev(2n ** 60n).ok).toBe(true);
    const r = dev(U64_MAX + 1n);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toEqual({ path: '/arguments/mem-reserve', message: 'must be an integer from 0 to 18446744073709551615 (QOM type size)' });
    const f = dev(1.5);
    expect(f.ok).toBe(false);
  });
});

describe('the test server and record/replay', () => {
  it('replies carrying 2^63 − 1, 2^64 − 1, −2^63 and 2^53 + 1 arrive exact; arguments go out exact; out of range is refused before sending', async () => {
    const values = [I64_MAX, I64_MIN, 9007199254740993n, -9007199254740993n];
    let next = 0;
    const server = createQmpServer({
      target,
      handlers: {
        'query-balloon': () => ({ actual: values[next++ % values.length] as never }),
        'qom-get': () => ({ big: U64_MAX, list: [I64_MIN, 1] }) as never,
        'query-migrate-parameters': () => ({ 'max-bandwidth': U64_MAX }),
        block_resize: () => ({}),
      },
    });
    const recorder = recordConversation();
    const qmp = await QmpClient.connect({ stream: server.connectStream(), validateReturns: true, trace: recorder.trace });
    try {
      const got: unknown[] = [];
      for (let i = 0; i < values.length; i++) got.push((await qmp.execute('query-balloon')).actual);
      expect(got).toEqual(values);
      expect(await qmp.execute('qom-get', { path: '/machine', property: 'x' })).toEqual({ big: U64_MAX, list: [I64_MIN, 1] });
      expect((await qmp.execute('query-migrate-parameters'))['max-bandwidth']).toBe(U64_MAX);
      await qmp.execute('block_resize', { 'node-name': 'n', size: 2n ** 60n + 1n } as never);
      expect(server.received.at(-1)?.arguments).toEqual({ 'node-name': 'n', size: 2n ** 60n + 1n });
      for (const bad of [2n ** 63n, I64_MIN - 1n, 1.5]) {
        const e = await qmp.execute('block_resize', { 'node-name': 'n', size: bad } as never).catch((x: unknown) => x);
        expect(e, String(bad)).toBeInstanceOf(QmpValidationError);
        expect((e as QmpValidationError).path).toBe('/arguments/size');
        expect((e as QmpValidationError).message).toContain(RANGE);
      }
      expect(server.received.filter((c) => c.name === 'block_resize')).toHaveLength(1);
    } finally {
      await qmp.close();
      await server.close();
    }
    // the recording keeps them exact, as text and read back, and replays them exact
    const text = recorder.toJsonLines();
    expect(text).toContain(`"actual":${I64_MIN}`);
    expect(text).toContain(`"max-bandwidth":${U64_MAX}`);
    expect(text).toContain('"size":1152921504606846977');
    const recording = parseRecording(text);
    expect(recording).toEqual(recorder.messages);
    const replay = createReplayServer({ recording: { text } });
    const again = await QmpClient.connect({ stream: replay.connectStream(), validateReturns: true });
    try {
      const got: unknown[] = [];
      for (let i = 0; i < values.length; i++) got.push((await again.execute('query-balloon')).actual);
      expect(got).toEqual(values);
      expect(await again.execute('qom-get', { path: '/machine', property: 'x' })).toEqual({ big: U64_MAX, list: [I64_MIN, 1] });
      expect((await again.execute('query-migrate-parameters'))['max-bandwidth']).toBe(U64_MAX);
      await again.execute('block_resize', { 'node-name': 'n', size: 2n ** 60n + 1n } as never);
      replay.assertReplayComplete();
    } finally {
      await again.close();
      await replay.close();
    }
  });
});

describe('stringifyPlainJson', () => {
  it('gives the same text as stringifyJson for plain data', () => {
    const v = { a: [1, -0, 1.5, 'x"\u2028', null, true, { b: 2n ** 64n - 1n, __proto__x: -(2n ** 63n) }], e: {}, l: [] };
    expect(stringifyPlainJson(v)).toBe(stringifyJson(v));
    expect(stringifyPlainJson({ n: 1, s: 's' })).toBe(JSON.stringify({ n: 1, s: 's' }));
  });
});
