// The benchmarks' instant C peer (bench/peer/instant-peer.c) frames its input by JSON structure, as
// QEMU does: commands back to back with no newline, in any chunking, strings holding braces,
// brackets, escaped quotes and backslashes, whitespace between messages, each answered once with
// its id copied. (It needs a C compiler `cc`: apt-get install gcc.)
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstantPeer, type InstantPeer } from '../../bench/baseline.js';

const commands = [
  '{"execute":"qmp_capabilities"}',
  '{"execute":"x","arguments":{"s":"}{\\"\\\\","a":[1,{"b":"]"}]},"id":1}',
  ' \n\t{"execute":"query-status","id":"a}b\\"c\\\\"}',
  '{"execute":"q","id":{"k":[1,"}"]}}\r\n',
  '[1,{"x":"]"}]',
  '{"execute":"q","id":3}',
];
const expected = [
  { return: {} },
  { return: {}, id: 1 },
  { return: {}, id: 'a}b"c\\' },
  { return: {}, id: { k: [1, '}'] } },
  { return: {} },
  { return: {}, id: 3 },
];

/** Connects, sends `text` in pieces of `chunk` bytes (each its own write, awaited), resolves to the replies after the greeting. */
async function exchange(path: string, text: string, chunk: number, replies: number): Promise<unknown[]> {
  const socket: Socket = connect({ path });
  try {
    let buffer = '';
    const lines: unknown[] = [];
    let wake: () => void = () => {};
    socket.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        lines.push(JSON.parse(buffer.slice(0, i)));
        buffer = buffer.slice(i + 2);
      }
      wake();
    });
    const until = (n: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => (lines.length >= n ? resolve() : undefined);
        wake = check;
        socket.once('close', () => reject(new Error(`peer closed after ${lines.length} of ${n} messages`)));
        check();
      });
    await until(1); // greeting
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < bytes.length; i += chunk) {
      await new Promise<void>((resolve, reject) => socket.write(bytes.subarray(i, i + chunk), (e) => (e ? reject(e) : resolve())));
    }
    await until(1 + replies);
    return lines.slice(1);
  } finally {
    socket.destroy();
  }
}

describe('instant C peer framing', () => {
  let peer: InstantPeer;
  beforeAll(async () => {
    peer = await startInstantPeer();
  });
  afterAll(async () => {
    await peer?.close();
  });

  for (const chunk of [1, 2, 7, 1 << 20]) {
    it(`answers back-to-back commands sent in ${chunk}-byte writes, once each, ids copied`, async () => {
      expect(await exchange(peer.path, commands.join(''), chunk, expected.length)).toEqual(expected);
    });
  }

  it('answers the lean client\'s back-to-back query-status stream, 1000 commands in one write', async () => {
    const text = Array.from({ length: 1000 }, (_, i) => `{"execute":"query-status","id":${i}}`).join('');
    const replies = await exchange(peer.path, text, text.length, 1000);
    expect(replies).toEqual(Array.from({ length: 1000 }, (_, i) => ({ return: {}, id: i })));
  });
});
