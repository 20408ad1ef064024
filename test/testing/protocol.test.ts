/**
 * The test server speaks QMP as QEMU 7.2/10.0 do: every expected message below was measured on
 * real QEMU (see the report of issue 6); the raw client sends bytes, not SDK calls.
 */
import { describe, expect, it } from 'vitest';
import { createQmpServer, QmpServerError } from '../../testing/index.js';
import { miniTarget, type MiniCommandMap } from './helpers/mini-target.js';
import { RawClient } from './helpers/raw-client.js';

function setup() {
  const server = createQmpServer<MiniCommandMap>({
    target: miniTarget,
    greeting: { qemu: { major: 10, minor: 0, micro: 2 }, package: 'Debian 1:10.0.2+ds-2+deb13u1~bpo12+1' },
    handlers: {
      'query-status': () => ({ status: 'running', running: true }),
      'query-name': () => ({}),
      'human-monitor-command': (args) => `echo ${args['command-line']}`,
      device_del: (args) => {
        throw new QmpServerError('DeviceNotFound', `Device '${args.id}' not found`);
      },
      'migrate-pause': () => {
        throw new QmpServerError('GenericError', 'migrate-pause is currently only supported during postcopy-active or postcopy-recover state');
      },
      stop: (_a, ctx) => {
        ctx.emitEvent('STOP');
        return {};
      },
    },
  });
  const client = new RawClient(server.connectStream());
  return { server, client };
}

const err = (cls: string, desc: string, id?: unknown) =>
  id === undefined ? { error: { class: cls, desc } } : { id, error: { class: cls, desc } };

describe('greeting and negotiation mode', () => {
  it('greets first with the version and the offered capabilities', async () => {
    const { server, client } = setup();
    const [greeting] = await client.waitFor(1);
    expect(greeting).toEqual({
      QMP: {
        version: { qemu: { major: 10, minor: 0, micro: 2 }, package: 'Debian 1:10.0.2+ds-2+deb13u1~bpo12+1' },
        capabilities: ['oob'],
      },
    });
    await server.close();
  });

  it('takes the version from the target when no greeting is given', async () => {
    const server = createQmpServer({ target: miniTarget });
    const client = new RawClient(server.connectStream());
    const [g] = await client.waitFor(1);
    expect((g as { QMP: { version: { qemu: unknown } } }).QMP.version.qemu).toEqual({ major: 10, minor: 0, micro: 0 });
    await server.close();
  });

  it('answers every command but qmp_capabilities with CommandNotFound before negotiation, as QEMU does', async () => {
    const { server, client } = setup();
    await client.waitFor(1);
    expect(await client.request('{"execute":"query-status","id":1}\n')).toEqual(
      err('CommandNotFound', "Expecting capabilities negotiation with 'qmp_capabilities'", 1),
    );
    expect(await client.request('{"execute":"nope","id":2}\n')).toEqual(
      err('CommandNotFound', "Expecting capabilities negotiation with 'qmp_capabilities'", 2),
    );
    // arguments are not looked at for a command that cannot run
    expect(await client.request('{"execute":"query-status","arguments":{"a":1},"id":3}\n')).toEqual(
      err('CommandNotFound', "Expecting capabilities negotiation with 'qmp_capabilities'", 3),
    );
    expect(server.connections[0]!.state).toBe('negotiation');
    await server.close();
  });

  it('delivers no event before negotiation, and events after it', async () => {
    const { server, client } = setup();
    await client.waitFor(1);
    expect(await server.emitEvent('RESUME')).toBe(0);
    expect(await client.request('{"execute":"qmp_capabilities","id":1}\n')).toEqual({ return: {}, id: 1 });
    expect(await server.emitEvent('RESUME')).toBe(1);
    const [, , ev] = await client.waitFor(3);
    expect(ev).toMatchObject({ event: 'RESUME' });
    expect(ev).not.toHaveProperty('data');
    const ts = (ev as { timestamp: { seconds: number; microseconds: number } }).timestamp;
    expect(Number.isInteger(ts.seconds) && ts.seconds > 1_600_000_000).toBe(true);
    expect(ts.microseconds >= 0 && ts.microseconds < 1_000_000).toBe(true);
    await server.close();
  });

  it('refuses capabilities it did not offer, with QEMU messages', async () => {
    const server = createQmpServer({ target: miniTarget, capabilities: [] });
    const client = new RawClient(server.connectStream());
    const [g] = await client.waitFor(1);
    expect((g as { QMP: { capabilities: unknown } }).QMP.capabilities).toEqual([]);
    expect(await client.request('{"execute":"qmp_capabilities","arguments":{"enable":["oob"]},"id":1}\n')).toEqual(
      err('GenericError', 'Capability oob not available', 1),
    );
    expect(await client.request('{"execute":"qmp_capabilities","arguments":{"enable":["foo"]},"id":2}\n')).toEqual(
      err('GenericError', "Parameter 'null' does not accept value 'foo'", 2),
    );
    expect(await client.request('{"execute":"qmp_capabilities","arguments":{"enable":"oob"},"id":3}\n')).toEqual(
      err('GenericError', "Invalid parameter type for 'enable', expected: array", 3),
    );
    expect(await client.request('{"execute":"qmp_capabilities","arguments":{"bogus":1},"id":4}\n')).toEqual(
      err('GenericError', "Parameter 'bogus' is unexpected", 4),
    );
    expect(server.connections[0]!.state).toBe('negotiation');
    expect(await client.request('{"execute":"qmp_capabilities","arguments":{"enable":[]},"id":5}\n')).toEqual({ return: {}, id: 5 });
    await server.close();
  });

  it('refuses a second qmp_capabilities', async () => {
    const { server, client } = setup();
    await client.waitFor(1);
    await client.request('{"execute":"qmp_capabilities","arguments":{"enable":["oob"]},"id":1}\n');
    expect(server.connections[0]!.capabilities).toEqual(['oob']);
    expect(await client.request('{"execute":"qmp_capabilities","id":6}\n')).toEqual(
      err('CommandNotFound', 'Capabilities negotiation is already complete, command ignored', 6),
    );
    expect(await client.request('{"exec-oob":"qmp_capabilities","id":12}\n')).toEqual(
      err('GenericError', 'The command qmp_capabilities does not support OOB', 12),
    );
    await server.close();
  });

  it('keeps a separate negotiation state per client', async () => {
    const { server, client: a } = setup();
    const b = new RawClient(server.connectStream());
    await a.waitFor(1);
    await b.waitFor(1);
    await a.request('{"execute":"qmp_capabilities","id":1}\n');
    expect(await b.request('{"execute":"query-status","id":1}\n')).toMatchObject({ error: { class: 'CommandNotFound' } });
    expect(await a.request('{"execute":"query-status","id":2}\n')).toEqual({ return: { status: 'running', running: true }, id: 2 });
    expect(server.connections.map((c) => c.state)).toEqual(['command', 'negotiation']);
    expect(await server.emitEvent('STOP')).toBe(1);
    await server.close();
  });
});

describe('envelope checks (QEMU messages)', () => {
  async function negotiated() {
    const s = setup();
    await s.client.waitFor(1);
    await s.client.request('{"execute":"qmp_capabilities","id":0}\n');
    return s;
  }

  it.each([
    ['{"execute":"query-status","x":1,"id":8}\n', err('GenericError', "QMP input member 'x' is unexpected", 8)],
    ['{"execute":"query-status","arguments":[1],"id":10}\n', err('GenericError', "QMP input member 'arguments' must be an object", 10)],
    ['{"execute":"query-status","arguments":null,"id":13}\n', err('GenericError', "QMP input member 'arguments' must be an object", 13)],
    ['{"execute":1,"id":11}\n', err('GenericError', "QMP input member 'execute' must be a string", 11)],
    ['{"id":12}\n', err('GenericError', "QMP input lacks member 'execute'", 12)],
    ['{"exec-oob":"query-status","id":14}\n', err('GenericError', "QMP input member 'exec-oob' is unexpected", 14)],
    ['[1,2]\n', err('GenericError', 'QMP input must be a JSON object')],
    ['"str"\n', err('GenericError', 'QMP input must be a JSON object')],
    ['123\n', err('GenericError', 'QMP input must be a JSON object')],
    ['{bad json}\n', err('GenericError', "JSON parse error, invalid keyword 'bad'")],
    [']\n', err('GenericError', 'JSON parse error, expecting value')],
    ['\xff\xfe\n', err('GenericError', "JSON parse error, stray '\uFFFD'")],
    ['{"execute":"nope","id":7}\n', err('CommandNotFound', 'The command nope has not been found', 7)],
  ])('%s', async (input, expected) => {
    const { server, client } = await negotiated();
    const bytes = input.startsWith('\xff') ? Buffer.from([0xff, 0x0a]) : input; // one stray byte, one error
    client.stream.write(bytes);
    const msgs = await client.waitFor(3);
    expect(msgs[2]).toEqual(expected);
    // the connection goes on after bad input
    expect(await client.request('{"execute":"query-name","id":"next"}\n')).toEqual({ return: {}, id: 'next' });
    await server.close();
  });

  it('echoes any JSON value as id', async () => {
    const { server, client } = await negotiated();
    for (const id of [null, 1.5, 'é', { a: [1, 2] }, [1], true, -7]) {
      expect(await client.request({ execute: 'query-name', id })).toEqual({ return: {}, id });
    }
    expect(await client.request('{"execute":"query-name"}\n')).toEqual({ return: {} });
    await server.close();
  });

  it('reads messages with no separator, split anywhere, or several in one write', async () => {
    const { server, client } = await negotiated();
    client.send('{"execute":"query-name"}{"execute":"query-name","id":6}  \n\n');
    const text = '{"execute": "query-name", "id": 18}';
    for (const ch of text) client.send(ch);
    const msgs = await client.waitFor(5);
    expect(msgs.slice(2)).toEqual([{ return: {} }, { return: {}, id: 6 }, { return: {}, id: 18 }]);
    await server.close();
  });
});

describe('commands, arguments and handlers', () => {
  async function negotiated(oob = false) {
    const s = setup();
    await s.client.waitFor(1);
    await s.client.request(oob ? '{"execute":"qmp_capabilities","arguments":{"enable":["oob"]}}\n' : '{"execute":"qmp_capabilities"}\n');
    return s;
  }

  it('checks arguments against the target schema with QEMU-like GenericErrors', async () => {
    const { server, client } = await negotiated();
    const cases: [object, string][] = [
      [{ execute: 'human-monitor-command', arguments: {}, id: 16 }, "Parameter 'command-line' is missing"],
      [{ execute: 'human-monitor-command', arguments: { 'command-line': 5 }, id: 17 }, "Invalid parameter type for 'command-line', expected: string"],
      [{ execute: 'device_del', arguments: { id: 'x', extra: 1 }, id: 18 }, "Parameter 'extra' is unexpected"],
      [{ execute: 'query-status', arguments: { a: 1 }, id: 9 }, "Parameter 'a' is unexpected"],
      [{ execute: 'set_link', arguments: { name: 'a', up: 1 }, id: 22 }, "Invalid parameter type for 'up', expected: boolean"],
    ];
    for (const [msg, desc] of cases) {
      expect(await client.request(msg)).toEqual(err('GenericError', desc, (msg as { id: number }).id));
    }
    await server.close();
  });

  it('answers CommandNotFound for a target command without handler and for an unknown one', async () => {
    const { server, client } = await negotiated();
    expect(await client.request({ execute: 'cont', id: 1 })).toEqual(err('CommandNotFound', 'The command cont has not been found', 1));
    expect(await client.request({ execute: 'x-nope', id: 2 })).toEqual(err('CommandNotFound', 'The command x-nope has not been found', 2));
    await server.close();
  });

  it('answers a thrown QmpServerError with its class and desc', async () => {
    const { server, client } = await negotiated();
    expect(await client.request({ execute: 'device_del', arguments: { id: 'disk0' }, id: 3 })).toEqual(
      err('DeviceNotFound', "Device 'disk0' not found", 3),
    );
    await server.close();
  });

  it('sends an event a handler emits before its reply', async () => {
    const { server, client } = await negotiated();
    client.send({ execute: 'stop', id: 'x' });
    const msgs = await client.waitFor(4);
    expect(msgs[2]).toMatchObject({ event: 'STOP' });
    expect(msgs[3]).toEqual({ return: {}, id: 'x' });
    await server.close();
  });

  it('runs exec-oob only with oob negotiated and for commands that allow it', async () => {
    const { server, client } = await negotiated(true);
    expect(await client.request({ 'exec-oob': 'query-status', id: 2 })).toEqual(
      err('GenericError', 'The command query-status does not support OOB', 2),
    );
    expect(await client.request({ 'exec-oob': 'migrate-pause', id: 3 })).toEqual(
      err('GenericError', 'migrate-pause is currently only supported during postcopy-active or postcopy-recover state', 3),
    );
    expect(await client.request({ execute: 'query-status', 'exec-oob': 'query-status', id: 9 })).toEqual(
      err('GenericError', "QMP input member 'execute' clashes with 'exec-oob'", 9),
    );
    expect(server.connections[0]!.commands.map((c) => [c.name, c.oob])).toEqual([
      ['qmp_capabilities', false],
      ['query-status', true],
      ['migrate-pause', true],
    ]);
    await server.close();
  });

  it('logs every command with its arguments and id, per connection and for the server', async () => {
    const { server, client } = await negotiated();
    await client.request({ execute: 'human-monitor-command', arguments: { 'command-line': 'info version' }, id: 'a' });
    await client.request('{"execute":"query-status"}\n');
    const conn = server.connections[0]!;
    expect(conn.commands.map((c) => c.name)).toEqual(['qmp_capabilities', 'human-monitor-command', 'query-status']);
    expect(conn.commands[1]).toMatchObject({ arguments: { 'command-line': 'info version' }, id: 'a', hasId: true, negotiated: true });
    expect(conn.commands[2]).toMatchObject({ arguments: undefined, hasId: false });
    expect(server.received).toEqual(conn.commands);
    await server.close();
  });
});
