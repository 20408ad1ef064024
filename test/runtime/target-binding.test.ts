/**
 * A client class bound to a target (a hand-written TargetBinding here, over a scripted peer):
 * validators loaded during connect, arguments validated before sending, replies and events
 * validated when asked, `commands` methods built from the table.
 */
import { describe, expect, it } from 'vitest';
import {
  QmpClient,
  isQmpValidationError,
  type ClientErrorSource,
  type TargetBinding,
  type TargetValidators,
  type ValidationResult,
} from '../../runtime/index.js';
import { scriptedPeer } from './helpers/peer.js';

const ts = { seconds: 1, microseconds: 0 };
const ok: ValidationResult = { ok: true, value: undefined };

const validators: TargetValidators = {
  validateArguments(command, args) {
    if (command === 'query-status' || command === 'query-yank') {
      const keys = Object.keys(args as object);
      return keys.length === 0 ? ok : { ok: false, errors: [{ path: `/arguments/${keys[0]}`, message: 'is not a known member' }] };
    }
    if (command === 'qom-list') {
      const path = (args as { path?: unknown }).path;
      if (path === undefined) return { ok: false, errors: [{ path: '/arguments/path', message: 'is required' }] };
      return typeof path === 'string' ? ok : { ok: false, errors: [{ path: '/arguments/path', message: 'must be string' }] };
    }
    return { ok: false, errors: [{ path: '/execute', message: `unknown command "${command}"` }] };
  },
  validateReturn(command, value) {
    if (command === 'query-status') {
      return typeof (value as { status?: unknown }).status === 'string' ? ok : { ok: false, errors: [{ path: '/return/status', message: 'is required' }] };
    }
    return ok;
  },
  validateEvent(event, data) {
    if (event === 'SHUTDOWN') {
      return typeof (data as { guest?: unknown } | undefined)?.guest === 'boolean'
        ? ok
        : { ok: false, errors: [{ path: '/data/guest', message: 'must be boolean' }] };
    }
    return ok;
  },
  validateGreeting: () => ok,
  validateMessage: () => ok,
};

let loads = 0;
const target: TargetBinding = {
  name: 'hand-made',
  commands: {
    'qom-list': { method: 'qomList', noArguments: false, allowOob: false },
    'query-status': { method: 'queryStatus', noArguments: true, allowOob: false },
    'query-yank': { method: 'queryYank', noArguments: true, allowOob: true },
  },
  events: ['SHUTDOWN', 'STOP'],
  loadValidators: async () => {
    loads++;
    await new Promise((r) => setTimeout(r, 5));
    return validators;
  },
};

interface Map {
  'qom-list': { args: { path: string }; returns: Array<{ name: string; type: string }> };
  'query-status': { args: undefined; returns: { status: string; running: boolean } };
  'query-yank': { args: undefined; returns: unknown[] };
}
interface Events {
  SHUTDOWN: { guest: boolean };
  STOP: undefined;
}
interface Methods {
  qomList(args: { path: string }, options?: import('../../runtime/index.js').ExecuteOptions): Promise<Array<{ name: string; type: string }>>;
  queryStatus(args?: undefined, options?: import('../../runtime/index.js').ExecuteOptions): Promise<{ status: string; running: boolean }>;
  queryYank(args?: undefined, options?: import('../../runtime/index.js').ExecuteOptions): Promise<unknown[]>;
}

class Bound extends QmpClient<Map, Events, Methods> {
  static override readonly target = target;
}

async function connected(options: { validateReturns?: boolean; validateEvents?: boolean; validateArguments?: boolean } = {}) {
  const { stream, peer } = scriptedPeer();
  peer.greet();
  const before = loads;
  const p = Bound.connect({ stream, ...options });
  await peer.acceptNegotiation();
  const qmp = await p;
  expect(loads).toBe(before + 1); // connect awaited the validators
  const errors: Array<[unknown, ClientErrorSource]> = [];
  qmp.onError((e, s) => errors.push([e, s]));
  return { qmp, peer, errors };
}

describe('a client bound to a target', () => {
  it('connect() returns the subclass with its target and commands table', async () => {
    const { qmp } = await connected();
    expect(qmp).toBeInstanceOf(Bound);
    expect(qmp.target?.name).toBe('hand-made');
    expect(Object.keys(qmp.commands).sort()).toEqual(['qomList', 'queryStatus', 'queryYank']);
    await qmp.close();
  });

  it('commands.* delegate to execute with the wire name', async () => {
    const { qmp, peer } = await connected();
    const p = qmp.commands.qomList({ path: '/machine' });
    const [, cmd] = await peer.waitFor(2);
    expect(cmd).toEqual({ execute: 'qom-list', arguments: { path: '/machine' }, id: cmd!['id'] });
    peer.send({ return: [{ name: 'type', type: 'string' }], id: cmd!['id'] });
    expect(await p).toEqual([{ name: 'type', type: 'string' }]);
    await qmp.close();
  });

  it('invalid arguments: QmpValidationError naming path and rule, nothing sent; per-call override sends', async () => {
    const { qmp, peer } = await connected();
    const err = await qmp.execute('qom-list', { path: 42 as unknown as string }).catch((e: unknown) => e);
    expect(isQmpValidationError(err)).toBe(true);
    expect(err).toMatchObject({ side: 'arguments', subject: 'qom-list', path: '/arguments/path', rule: 'must be string' });
    expect((err as Error).message).toBe('qom-list: invalid arguments at /arguments/path: must be string');
    const unknown = await (qmp as QmpClient).execute('frobnicate').catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'validation', path: '/execute' });
    await new Promise((r) => setImmediate(r));
    expect(peer.received).toHaveLength(1);
    const forced = qmp.execute('qom-list', { path: 42 as unknown as string }, { validateArguments: false });
    const [, cmd] = await peer.waitFor(2);
    expect(cmd!['arguments']).toEqual({ path: 42 });
    peer.send({ id: cmd!['id'], error: { class: 'GenericError', desc: "Invalid parameter type for 'path', expected: string" } });
    expect(await forced.catch((e: unknown) => e)).toMatchObject({ code: 'command' });
    await qmp.close();
  });

  it('validateArguments: false on the client turns it off', async () => {
    const { qmp, peer } = await connected({ validateArguments: false });
    void qmp.execute('qom-list', { path: 1 as unknown as string }).catch(() => {});
    await peer.waitFor(2);
    await qmp.close();
  });

  it('validateReturns: a bad reply rejects its call with side "return"; good ones pass', async () => {
    const { qmp, peer } = await connected({ validateReturns: true });
    const bad = qmp.execute('query-status').catch((e: unknown) => e);
    const good = qmp.execute('query-status');
    const sent = await peer.waitFor(3);
    peer.send({ return: { running: false }, id: sent[1]!['id'] }, { return: { status: 'paused', running: false, newMember: 1 }, id: sent[2]!['id'] });
    expect(await bad).toMatchObject({ code: 'validation', side: 'return', subject: 'query-status', path: '/return/status' });
    expect(await good).toEqual({ status: 'paused', running: false, newMember: 1 });
    expect(qmp.stats.invalidReturns).toBe(1);
    await qmp.close();
  });

  it('replies are not validated by default', async () => {
    const { qmp, peer } = await connected();
    const p = qmp.execute('query-status');
    const [, cmd] = await peer.waitFor(2);
    peer.send({ return: { running: false }, id: cmd!['id'] });
    expect(await p).toEqual({ running: false });
    await qmp.close();
  });

  it('validateEvents: a bad known event is reported and not delivered; unknown names are delivered', async () => {
    const { qmp, peer, errors } = await connected({ validateEvents: true });
    const got: string[] = [];
    qmp.on('SHUTDOWN', (e) => got.push(`SHUTDOWN guest=${e.data.guest}`));
    qmp.on('BRAND_NEW', (e) => got.push(`BRAND_NEW ${JSON.stringify(e.data)}`));
    const end = qmp.waitForEvent('STOP');
    peer.send(
      { event: 'SHUTDOWN', data: { guest: 'yes' }, timestamp: ts },
      { event: 'SHUTDOWN', data: { guest: true }, timestamp: ts },
      { event: 'BRAND_NEW', data: { x: 1 }, timestamp: ts },
      { event: 'STOP', timestamp: ts },
    );
    await end;
    expect(got).toEqual(['SHUTDOWN guest=true', 'BRAND_NEW {"x":1}']);
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toBe('validation');
    expect(errors[0]![0]).toMatchObject({ code: 'validation', side: 'event', subject: 'SHUTDOWN', path: '/data/guest' });
    expect(qmp.stats.invalidEvents).toBe(1);
    await qmp.close();
  });

  it('oob with a target: only commands with allowOob', async () => {
    const { stream, peer } = scriptedPeer();
    peer.greet(['oob']);
    const p = Bound.connect({ stream, capabilities: { enable: ['oob'] } });
    await peer.acceptNegotiation();
    const qmp = await p;
    expect(await qmp.execute('query-status', undefined, { oob: true }).catch((e: unknown) => e)).toMatchObject({ code: 'usage' });
    const y = qmp.execute('query-yank', undefined, { oob: true });
    const [, cmd] = await peer.waitFor(2);
    expect(cmd).toEqual({ 'exec-oob': 'query-yank', id: cmd!['id'] });
    peer.send({ return: [], id: cmd!['id'] });
    expect(await y).toEqual([]);
    await qmp.close();
  });

  it('a target whose validators fail to load: connect rejects clearly, the stream is closed', async () => {
    class Broken extends QmpClient {
      static override readonly target: TargetBinding = { ...target, loadValidators: () => Promise.reject(new Error('module missing')) };
    }
    const { stream, peer } = scriptedPeer();
    peer.greet();
    const p = Broken.connect({ stream }).catch((e: unknown) => e);
    await peer.acceptNegotiation();
    const err = await p;
    expect((err as Error).message).toContain('module missing');
    await peer.waitEnd();
  });
});
