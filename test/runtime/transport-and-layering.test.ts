/** The TCP transport (the runtime's layering rule is in test/layering.test.ts). */
import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { QmpClient } from '../../runtime/index.js';
import { ScriptedPeer } from './helpers/peer.js';

describe('transports', () => {
  it('{ host, port }: TCP', async () => {
    const sockets: Socket[] = [];
    const server = createServer((s) => {
      sockets.push(s);
      const peer = new ScriptedPeer(s);
      peer.greet([]);
      void (async () => {
        await peer.acceptNegotiation();
        const [, cmd] = await peer.waitFor(2);
        peer.send({ return: { over: 'tcp' }, id: cmd!['id'] });
      })().catch(() => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const qmp = await QmpClient.connect({ host: '127.0.0.1', port });
    expect(await qmp.execute('anything')).toEqual({ over: 'tcp' });
    await qmp.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
});
