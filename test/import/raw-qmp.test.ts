/**
 * The importer's raw pipelined session (codegen/import/raw-qmp.ts) against faults real QEMU does not
 * produce on demand, through the project's test server: a peer that closes mid-batch (the replies
 * that came are kept, in order, and the batch says it ended), malformed bytes, and silence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isImportError } from '../../codegen/import/errors.js';
import { RawQmpSession } from '../../codegen/import/raw-qmp.js';
import { createQmpServer, type QmpFaults, type QmpTestServer } from '../../testing/index.js';

let dir: string | undefined;
let server: QmpTestServer | undefined;
afterEach(async () => {
  await server?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

async function serve(faults: QmpFaults | undefined): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'qmp-raw-test-'));
  server = createQmpServer({ handlers: { 'query-version': () => ({ n: 1 }), 'query-status': () => ({ status: 'running' }) }, ...(faults !== undefined ? { faults } : {}) });
  const address = await server.listen({ path: join(dir, 'qmp.sock') });
  return (address as { path: string }).path;
}

const batch = [{ execute: 'query-version' }, { execute: 'query-status' }, { execute: 'nope' }, { execute: 'query-version' }];

describe('RawQmpSession', () => {
  it('pipelines a batch: one reply per command, in order, errors as errors', async () => {
    const s = await RawQmpSession.connect(await serve(undefined), 5000);
    const r = await s.batch(batch, 5000);
    s.close();
    expect(r.ended).toBe(false);
    expect(r.replies.map((x) => (x.ok ? x.value : x.class))).toEqual([{ n: 1 }, { status: 'running' }, 'CommandNotFound', { n: 1 }]);
  });

  it('a peer that closes mid-batch: the replies that came, and ended', async () => {
    // closes right after answering the second command of the batch
    const s = await RawQmpSession.connect(await serve({ closeAfterCommands: 2 }), 5000);
    const r = await s.batch(batch, 5000);
    s.close();
    expect(r.ended).toBe(true);
    expect(r.replies.length).toBe(2);
  });

  it('malformed bytes from the peer: an ImportError naming the socket', async () => {
    const path = await serve({ injectBeforeReply: { commands: ['query-status'], bytes: '{bad json}\n' } });
    const s = await RawQmpSession.connect(path, 5000);
    const err: unknown = await s.batch(batch, 5000).catch((e: unknown) => e);
    s.close();
    expect(isImportError(err)).toBe(true);
    expect((err as Error).message).toContain(`QMP socket ${path}`);
    expect((err as Error).message).toMatch(/malformed JSON/);
  });

  it('a peer that stops answering: an ImportError after the time limit, the connection closed', async () => {
    const s = await RawQmpSession.connect(await serve({ neverAnswer: ['query-status'] }), 5000);
    const err: unknown = await s.batch([{ execute: 'query-status' }], 300).catch((e: unknown) => e);
    expect(isImportError(err)).toBe(true);
    expect((err as Error).message).toMatch(/no answer within 300 ms while waiting for the reply to query-status/);
  });
});

describe('RawQmpSession and a peer that answers out of order', () => {
  it('is an ImportError, and the connection is closed (nothing hangs)', async () => {
    const s = await RawQmpSession.connect(await serve({ neverAnswer: ['query-status'] }), 5000);
    const err: unknown = await s.batch(batch, 5000).catch((e: unknown) => e);
    expect(isImportError(err)).toBe(true);
    expect((err as Error).message).toMatch(/reply out of order \(id "2", expected 1\)/);
  });
});
