/** The TCP transport, and the runtime's layering rule (only `node:*` and its own modules). */
import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { QmpClient } from '../../runtime/index.js';
import { projectRoot } from '../../scripts/qemus.js';
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

describe('layering', () => {
  it('runtime/ (outside runtime/testing) imports only node:* and its own modules', () => {
    const dir = join(projectRoot, 'runtime');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('index.ts');
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
      for (const s of specifiers) {
        const ok = s.startsWith('node:') || (/^\.\/[\w-]+\.js$/.test(s));
        expect(ok, `${f} imports ${s}`).toBe(true);
      }
    }
  });
});
