/**
 * The guest agent's wire protocol, measured byte for byte on the real agents (Debian's qemu-ga 7.2 and 10.0)
 * with a raw socket: the facts the QGA session is built on (schema/FORMAT.md, "The guest agent's protocol").
 * Each test opens its own connection after the previous one is closed (the agent serves one client at a time)
 * and first resets the agent's parser with a 0xFF byte and a `guest-sync-delimited`, as a client must.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qemuVersions } from '../../scripts/qemus.js';
import { startQemuGa, type RunningQemuGa } from '../support/qemu-ga.js';
import { RawSocket } from '../support/raw-socket.js';

const ff = Buffer.from([0xff]);
const bytes = (...parts: (string | Buffer)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
const syncDelimited = (id: number | bigint): string => `{"execute":"guest-sync-delimited","arguments":{"id":${id}}}`;

/** Sends 0xFF + guest-sync-delimited and consumes everything up to and including its reply; returns what came before the 0xFF. */
async function resync(s: RawSocket): Promise<string[]> {
  const id = randomInt(1, 2 ** 47);
  const reply = bytes(ff, `{"return": ${id}}\n`);
  await s.write(bytes(ff, syncDelimited(id)));
  const all = await s.until((b) => b.includes(reply), 'the sync reply');
  const before = all.subarray(0, all.indexOf(reply)).toString('latin1');
  await s.lines(before.split('\n').length); // the lines before, then the reply's
  return before === '' ? [] : before.split('\n').slice(0, -1).map((l) => `${l}\n`);
}

describe.each(qemuVersions)('qemu-ga %s on a unix socket, raw bytes', (version) => {
  let ga: RunningQemuGa;
  let s: RawSocket;
  beforeAll(async () => {
    ga = await startQemuGa({ version });
  });
  afterAll(async () => {
    await s?.close();
    await ga?.stop();
  });
  const fresh = async (): Promise<RawSocket> => {
    await s?.close();
    s = await RawSocket.open(ga.path);
    // 0xFF on a clean parser is itself a parse error: exactly one error reply, before the 0xFF of the sync reply
    expect(await resync(s)).toEqual([`{"error": {"class": "GenericError", "desc": "JSON parse error, stray '\\uFFFD'"}}\n`]);
    return s;
  };

  it('guest-sync-delimited: the reply is 0xFF, then {"return": id}, then a newline; the id is exact beyond 2^53', async () => {
    const c = await fresh();
    await c.write(syncDelimited(123));
    expect(await c.until((b) => b.length >= 17)).toEqual(bytes(ff, '{"return": 123}\n'));
    await c.lines(1);
    await c.write(syncDelimited(1152921504606846977n));
    expect(await c.lines(1)).toEqual(['\xff{"return": 1152921504606846977}\n']);
    // a request id is echoed after the return value, still behind the 0xFF
    await c.write('{"execute":"guest-sync-delimited","arguments":{"id":5},"id":"x"}');
    expect(await c.lines(1)).toEqual(['\xff{"return": 5, "id": "x"}\n']);
    // the id is an int64 (2^63-1 ok); a failing guest-sync-delimited answers an error WITHOUT the 0xFF
    await c.write('{"execute":"guest-sync-delimited","arguments":{"id":9223372036854775807}}{"execute":"guest-sync-delimited","arguments":{"id":9223372036854775808}}');
    await c.write('{"execute":"guest-sync-delimited","arguments":{"id":"x"},"id":1}{"execute":"guest-sync-delimited"}');
    expect(await c.lines(4)).toEqual([
      '\xff{"return": 9223372036854775807}\n',
      `{"error": {"class": "GenericError", "desc": "Invalid parameter type for 'id', expected: integer"}}\n`,
      `{"id": 1, "error": {"class": "GenericError", "desc": "Invalid parameter type for 'id', expected: integer"}}\n`,
      `{"error": {"class": "GenericError", "desc": "Parameter 'id' is missing"}}\n`,
    ]);
  });

  it('guest-sync: {"return": id} and a newline, no 0xFF; the id is an int64 (negative ok, a string or 2^64-1 refused)', async () => {
    const c = await fresh();
    await c.write('{"execute":"guest-sync","arguments":{"id":456}}{"execute":"guest-sync","arguments":{"id":-1}}');
    expect(await c.lines(2)).toEqual(['{"return": 456}\n', '{"return": -1}\n']);
    await c.write('{"execute":"guest-sync","arguments":{"id":"x"}}{"execute":"guest-sync","arguments":{"id":18446744073709551615}}');
    expect(await c.lines(2)).toEqual([
      `{"error": {"class": "GenericError", "desc": "Invalid parameter type for 'id', expected: integer"}}\n`,
      `{"error": {"class": "GenericError", "desc": "Invalid parameter type for 'id', expected: integer"}}\n`,
    ]);
  });

  it('replies echo "id" of any JSON type exactly (after "return", before "error"); without an id, none', async () => {
    const c = await fresh();
    await c.write('{"execute":"guest-ping","id":7}{"execute":"guest-ping","id":"a"}{"execute":"guest-ping","id":{"a":[1,null]}}');
    await c.write('{"execute":"guest-ping","id":18446744073709551615}{"execute":"guest-ping","id":-9223372036854775808}{"execute":"guest-ping"}');
    await c.write('{"execute":"nope","id":[true]}');
    expect(await c.lines(7)).toEqual([
      '{"return": {}, "id": 7}\n',
      '{"return": {}, "id": "a"}\n',
      '{"return": {}, "id": {"a": [1, null]}}\n',
      '{"return": {}, "id": 18446744073709551615}\n',
      '{"return": {}, "id": -9223372036854775808}\n',
      '{"return": {}}\n',
      '{"id": [true], "error": {"class": "CommandNotFound", "desc": "The command nope has not been found"}}\n',
    ]);
  });

  it('errors: CommandNotFound for unknown and blocked commands, GenericError for everything else', async () => {
    const c = await fresh();
    await c.write('{"execute":"guest-shutdown","id":6}{"execute":"guest-sync","id":8}{"execute":"guest-ping","arguments":{"x":1},"id":10}');
    await c.write('{"id":11}[1]{"exec-oob":"guest-ping","id":12}');
    const disabled = version === '7.2' ? 'Command guest-shutdown has been disabled' : 'Command guest-shutdown has been disabled: the command is not allowed';
    expect(await c.lines(6)).toEqual([
      `{"id": 6, "error": {"class": "CommandNotFound", "desc": "${disabled}"}}\n`,
      `{"id": 8, "error": {"class": "GenericError", "desc": "Parameter 'id' is missing"}}\n`,
      `{"id": 10, "error": {"class": "GenericError", "desc": "Parameter 'x' is unexpected"}}\n`,
      `{"id": 11, "error": {"class": "GenericError", "desc": "QMP input lacks member 'execute'"}}\n`,
      `{"error": {"class": "GenericError", "desc": "QMP input must be a JSON object"}}\n`,
      `{"id": 12, "error": {"class": "GenericError", "desc": "QMP input member 'exec-oob' is unexpected"}}\n`,
    ]);
  });

  it('garbage and invalid JSON: one GenericError without id each, and the next request is served', async () => {
    const c = await fresh();
    await c.write('foo\n}\n{"execute":"guest-ping","id":1}');
    expect(await c.lines(3)).toEqual([
      `{"error": {"class": "GenericError", "desc": "JSON parse error, invalid keyword 'foo'"}}\n`,
      `{"error": {"class": "GenericError", "desc": "JSON parse error, expecting value"}}\n`,
      '{"return": {}, "id": 1}\n',
    ]);
    // a lone number is answered only when the next token ends it (the lexer is not line-based)
    await c.write('42\n');
    await c.write('{"execute":"guest-ping","id":2}');
    expect(await c.lines(2)).toEqual([`{"error": {"class": "GenericError", "desc": "QMP input must be a JSON object"}}\n`, '{"return": {}, "id": 2}\n']);
  });

  it('a newline does not end a message; a newline inside an unterminated string is a parse error that resets the parser', async () => {
    const c = await fresh();
    await c.write('{"execute":\n"guest-ping",\n"id":5}');
    expect(await c.lines(1)).toEqual(['{"return": {}, "id": 5}\n']);
    await c.write('{"execute":"guest-pi\n');
    await c.write('{"execute":"guest-ping","id":1}');
    expect(await c.lines(2)).toEqual([`{"error": {"class": "GenericError", "desc": "JSON parse error, stray '\\"guest-pi\\n'"}}\n`, '{"return": {}, "id": 1}\n']);
  });

  it('a 0xFF byte from the client resets the parser: one GenericError for the partial message, then requests are served', async () => {
    const c = await fresh();
    await c.write(bytes('{"execute":"guest-pi', ff, '{"execute":"guest-ping","id":2}'));
    expect(await c.lines(2)).toEqual([`{"error": {"class": "GenericError", "desc": "JSON parse error, stray '\\"guest-pi\\uFFFD'"}}\n`, '{"return": {}, "id": 2}\n']);
    await c.write(bytes('{"execute":"guest-ping", ', ff, '{"execute":"guest-ping","id":3}'));
    expect(await c.lines(2)).toEqual([`{"error": {"class": "GenericError", "desc": "JSON parse error, stray '\\uFFFD'"}}\n`, '{"return": {}, "id": 3}\n']);
  });

  it('pipelining: several requests in one write are answered in order', async () => {
    const c = await fresh();
    await c.write('{"execute":"guest-ping","id":1}{"execute":"guest-sync","arguments":{"id":99}}{"execute":"guest-get-time","id":3}{"execute":"guest-ping","id":4}');
    const [a, b, t, d] = await c.lines(4);
    expect([a, b, d]).toEqual(['{"return": {}, "id": 1}\n', '{"return": 99}\n', '{"return": {}, "id": 4}\n']);
    // guest-get-time: nanoseconds since the epoch, above 2^53: compare exactly as a bigint with the host clock
    const ns = BigInt(/^\{"return": (\d+), "id": 3\}\n$/.exec(t!)![1]!);
    expect(ns > 2n ** 53n).toBe(true);
    const host = BigInt(Date.now()) * 1_000_000n;
    expect(ns > host - 60_000_000_000n && ns < host + 60_000_000_000n).toBe(true);
  });

  it('a message of 1 MiB is accepted (the id is echoed whole)', async () => {
    const c = await fresh();
    const big = 'b'.repeat(1 << 20);
    await c.write(`{"execute":"guest-ping","id":"${big}"}`);
    expect(await c.lines(1)).toEqual([`{"return": {}, "id": "${big}"}\n`]);
  });

  it('one client at a time: a second connection is accepted by the kernel but served only when the first closes, then its queued bytes are answered', async () => {
    const c = await fresh();
    const second = await RawSocket.open(ga.path);
    try {
      await second.write('{"execute":"guest-ping","id":"second"}');
      await c.write('{"execute":"guest-ping","id":"first"}');
      expect(await c.lines(1)).toEqual(['{"return": {}, "id": "first"}\n']);
      expect(second.bytes.length).toBe(0); // the agent answered the first client after the second had written
      await c.close();
      expect(await second.lines(1)).toEqual(['{"return": {}, "id": "second"}\n']);
    } finally {
      await second.close();
    }
  });

  it('the parser state survives a client: a partial message left by one client corrupts the next one, 0xFF cleans it', async () => {
    const c = await fresh();
    await c.write('{"execute":"guest-pi');
    await c.close();
    s = await RawSocket.open(ga.path);
    await s.write('{"execute":"guest-ping","id":"next"}');
    // the next client's request is read as the rest of the stale one: a parse error instead of its reply
    expect(await s.lines(1)).toEqual([`{"error": {"class": "GenericError", "desc": "JSON parse error, stray '-p'"}}\n`]);
    const before = await resync(s);
    expect(before.every((l) => l.startsWith('{"error": {"class": "GenericError"'))).toBe(true);
    await s.write('{"execute":"guest-ping","id":"clean"}');
    expect(await s.lines(1)).toEqual(['{"return": {}, "id": "clean"}\n']);
  });
});
