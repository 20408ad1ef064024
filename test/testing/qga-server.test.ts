/**
 * The test server's guest agent dialect (`createQgaServer`, testing/qga-server.ts) answers like the
 * real agent: the same raw inputs go to qemu-ga 10.0 and to the test server (both on a unix
 * socket), and the answers are compared message by message (0xFF delimiter, id, return value or
 * error class, and the exact desc where the agent's wording is part of the protocol).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQemuGa, type RunningQemuGa } from '../support/qemu-ga.js';
import { RawSocket } from '../support/raw-socket.js';
import { target } from '../../generated/qga-10.0/index.js';
import { createQgaServer, type QgaTestServer } from '../../testing/index.js';
import { parseJson } from '../../runtime/json-parse.js';

const FF = Buffer.from([0xff]);

/** Sends `input`, reads `n` lines; each as { ff, message } (latin1 → utf8 for the JSON). */
async function exchange(path: string, input: Buffer, n: number): Promise<{ ff: boolean; message: unknown }[]> {
  const s = await RawSocket.open(path);
  try {
    await s.write(input);
    const lines = await s.lines(n);
    return lines.map((l) => {
      const bytes = Buffer.from(l, 'latin1');
      const ff = bytes[0] === 0xff;
      return { ff, message: parseJson((ff ? bytes.subarray(1) : bytes).toString('utf8')) };
    });
  } finally {
    await s.close();
  }
}

/** What is compared: delimiter, id, return, error class, and the desc unless told otherwise. */
function shape(lines: { ff: boolean; message: unknown }[], withDesc: boolean[]): unknown[] {
  return lines.map(({ ff, message }, i) => {
    const m = message as Record<string, unknown>;
    const err = m['error'] as Record<string, unknown> | undefined;
    return { ff, id: m['id'], return: m['return'], error: err === undefined ? undefined : withDesc[i] ? err : err['class'] };
  });
}

describe('createQgaServer answers like qemu-ga 10.0', () => {
  let ga: RunningQemuGa;
  let server: QgaTestServer;
  let dir: string;
  let fakePath: string;
  beforeAll(async () => {
    ga = await startQemuGa({ version: '10.0' });
    dir = mkdtempSync(join(tmpdir(), 'qmp-sdk-qga-fake-'));
    server = createQgaServer({ target, handlers: { 'guest-get-time': () => 1795979482353939000n } });
    const address = await server.listen({ path: join(dir, 'qga.sock') });
    fakePath = 'path' in address ? address.path : '';
  });
  afterAll(async () => {
    await server?.close();
    await ga?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: { name: string; input: Buffer; lines: number; desc: boolean[] }[] = [
    {
      name: '0xFF then guest-sync-delimited (an int64 beyond 2^53, with and without a request id)',
      input: Buffer.concat([FF, Buffer.from('{"execute":"guest-sync-delimited","arguments":{"id":1152921504606846977}}{"execute":"guest-sync-delimited","arguments":{"id":5},"id":"x"}')]),
      lines: 3,
      desc: [true, false, false],
    },
    {
      name: 'guest-sync, an unknown command, a wrong sync id type, garbage',
      input: Buffer.from('{"execute":"guest-sync","arguments":{"id":7},"id":[1]}\n{"execute":"nope","id":2}\n{"execute":"guest-sync","arguments":{"id":"s"},"id":3}\nfoo\n'),
      lines: 4,
      desc: [false, true, true, true],
    },
    {
      name: 'a request split by newlines between tokens, not a JSON object, no execute',
      input: Buffer.from('{"execute":\n"guest-ping",\n"id": 9}\n{"id": 10}\n'),
      lines: 2,
      desc: [false, true],
    },
  ];

  it.each(cases)('$name', async ({ input, lines, desc }) => {
    const real = await exchange(ga.path, input, lines);
    const fake = await exchange(fakePath, input, lines);
    expect(shape(fake, desc)).toEqual(shape(real, desc));
  });

  it('guest-get-time: a handler\'s bigint goes on the wire exactly', async () => {
    const [reply] = await exchange(fakePath, Buffer.from('{"execute":"guest-get-time","id":1}'), 1);
    expect(reply!.message).toEqual({ return: 1795979482353939000n, id: 1 });
  });
});
