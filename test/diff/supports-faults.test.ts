/**
 * `supports()` against faults real QEMU does not produce, through the project's test server: a
 * `query-qmp-schema` that fails (not cached: the next call asks again) and a reply that is not
 * introspection (a typed protocol error).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { QmpClient, isQmpCommandError, isQmpProtocolError } from '../../runtime/index.js';
import { QmpServerError, createQmpServer, type QmpTestServer } from '../../testing/index.js';

let qmp: QmpClient | undefined;
let server: QmpTestServer | undefined;
afterEach(async () => {
  await qmp?.close();
  await server?.close();
  qmp = undefined;
  server = undefined;
});

const intro = [
  { name: 'query-status', 'meta-type': 'command', 'arg-type': '0', 'ret-type': '0' },
  { name: '0', 'meta-type': 'object', members: [] },
];

describe('supports() and a misbehaving peer', () => {
  it('a failed query-qmp-schema is not cached: the next call fetches again', async () => {
    let calls = 0;
    server = createQmpServer({
      handlers: {
        'query-qmp-schema': () => {
          calls++;
          if (calls === 1) throw new QmpServerError('GenericError', 'not now');
          return intro;
        },
      },
    });
    qmp = await QmpClient.connect({ stream: server.connectStream() });
    const err = await qmp.supports('query-status').catch((e: unknown) => e);
    expect(isQmpCommandError(err)).toBe(true);
    expect(await qmp.supports('query-status')).toBe(true);
    expect(await qmp.supports('query-status/arg-type/x')).toBe(false);
    expect(calls).toBe(2);
  });

  it('a reply that is not introspection is a QmpProtocolError; an inconsistent one fails only the queries that read it', async () => {
    let reply: unknown = { not: 'a list' };
    server = createQmpServer({ handlers: { 'query-qmp-schema': () => reply } });
    qmp = await QmpClient.connect({ stream: server.connectStream() });
    const err = await qmp.supports('query-status').catch((e: unknown) => e);
    expect(isQmpProtocolError(err)).toBe(true);
    expect((err as Error).message).toContain('query-qmp-schema: introspection is not an array');
    reply = [{ name: 'query-status', 'meta-type': 'command', 'arg-type': 'missing', 'ret-type': 'missing' }];
    expect(await qmp.supports('query-status')).toBe(true);
    const err2 = await qmp.supports('query-status/arg-type').catch((e: unknown) => e);
    expect(isQmpProtocolError(err2)).toBe(true);
    expect((err2 as Error).message).toContain('entry "query-status": refers to undefined type "missing"');
  });
});
