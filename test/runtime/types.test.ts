/**
 * Type tests of the runtime's public API (checked by `tsc --noEmit` over test/; the runtime part
 * only asserts that the file ran). Lines marked `@ts-expect-error` must not compile.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  QmpClient,
  launchQemu,
  isQmpCommandError,
  type ExecuteOptions,
  type LaunchedQemu,
  type QmpCommandError,
  type QmpEvent,
  type TargetBinding,
} from '../../runtime/index.js';

type Commands = {
  'query-status': { args: undefined; returns: { status: string; running: boolean } };
  'qom-list': { args: { path: string }; returns: Array<{ name: string }> };
  'query-stats-schemas': { args: { provider?: string }; returns: unknown[] };
};
type Events = { STOP: undefined; SHUTDOWN: { guest: boolean; reason: string } };
interface Methods {
  queryStatus(args?: undefined, options?: ExecuteOptions): Promise<{ status: string; running: boolean }>;
}
const target = { name: 't', commands: {}, events: [], loadValidators: () => Promise.reject(new Error('unused')) } satisfies TargetBinding;
class Typed extends QmpClient<Commands, Events, Methods> {
  static override readonly target = target;
}

/** Never called: only compiled. */
async function typeChecks(): Promise<void> {
  // Loose client: any name, any args, unknown result.
  const loose = await QmpClient.connect({ path: '/x' });
  loose satisfies QmpClient;
  expectTypeOf(await loose.execute('anything')).toBeUnknown();
  await loose.execute('human-monitor-command', { 'command-line': 'info version' });
  await loose.execute('stop', undefined, { timeoutMs: 2000, signal: new AbortController().signal, oob: false });
  loose.on('STOP', (ev) => expectTypeOf(ev.timestamp.seconds).toBeNumber());

  // Typed subclass: connect() gives the subclass.
  const qmp = await Typed.connect({ path: '/x' });
  qmp satisfies Typed;
  qmp.commands.queryStatus satisfies Methods['queryStatus'];
  expectTypeOf(await qmp.execute('query-status')).toEqualTypeOf<{ status: string; running: boolean }>();
  expectTypeOf(await qmp.execute('qom-list', { path: '/' })).toEqualTypeOf<Array<{ name: string }>>();
  await qmp.execute('query-stats-schemas');
  await qmp.execute('query-stats-schemas', { provider: 'kvm' }, { timeoutMs: 1 });
  expectTypeOf(await qmp.commands.queryStatus()).toEqualTypeOf<{ status: string; running: boolean }>();
  // @ts-expect-error TS2554: qom-list needs its arguments
  await qmp.execute('qom-list');
  // @ts-expect-error TS2322: wrong argument type
  await qmp.execute('qom-list', { path: 1 });
  // @ts-expect-error TS2345: unknown command on a typed client
  await qmp.execute('no-such-command');
  // @ts-expect-error TS2345: query-status takes no arguments
  await qmp.execute('query-status', { x: 1 });

  // Events: typed data for known names, unknown names still accepted with unknown data.
  qmp.on('SHUTDOWN', (ev) => expectTypeOf(ev.data).toEqualTypeOf<{ guest: boolean; reason: string }>());
  qmp.on('STOP', (ev) => expectTypeOf(ev).toEqualTypeOf<QmpEvent<'STOP', undefined>>());
  qmp.on('SOME_NEW_EVENT', (ev) => expectTypeOf(ev.data).toBeUnknown());
  const shutdown = await qmp.waitForEvent('SHUTDOWN', { filter: (e) => e.data.guest, timeoutMs: 5 });
  expectTypeOf(shutdown.data.reason).toBeString();
  // Every event without `names`, and onAny: the target's union plus an open branch; narrowing on the name types `data`.
  for await (const ev of qmp.events({ bufferSize: 10 })) {
    expectTypeOf(String(ev.event)).toBeString();
    if (ev.event === 'SHUTDOWN') expectTypeOf(ev.data).toEqualTypeOf<{ guest: boolean; reason: string }>();
    else if (ev.event === 'STOP') expectTypeOf(ev.data).toEqualTypeOf<undefined>();
    else expectTypeOf(ev.data).toBeUnknown();
  }
  qmp.onAny((ev) => {
    if (ev.event === 'SHUTDOWN') expectTypeOf(ev.data.reason).toBeString();
  });
  // @ts-expect-error TS2367: narrowed to SHUTDOWN, `guest` is a boolean (the open branch did not survive the narrowing)
  qmp.onAny((ev) => ev.event === 'SHUTDOWN' && ev.data.guest === 'yes');
  loose.onAny((ev) => expectTypeOf(ev.data).toBeUnknown());
  // A typed client is still a client: assignable where the loose one is expected.
  qmp satisfies QmpClient;

  // The launcher is typed by the class it is given.
  const vm = await launchQemu({ binary: 'qemu', client: Typed });
  vm satisfies LaunchedQemu<Typed>;
  vm.qmp satisfies Typed;
  const viaStatic = await Typed.launch({ binary: 'qemu', args: ['-S'] });
  viaStatic.qmp satisfies Typed;
  const plain = await launchQemu({ binary: 'qemu' });
  plain.qmp satisfies QmpClient;
  // @ts-expect-error TS2741: the plain launcher's client has no typed commands
  plain.qmp.commands.queryStatus;

  // Guards narrow.
  const e: unknown = new Error();
  if (isQmpCommandError(e)) expectTypeOf(e).toEqualTypeOf<QmpCommandError>();
  if (isQmpCommandError(e)) expectTypeOf(e.errorClass).toMatchTypeOf<string>();

  // The constructor is not for users.
  // @ts-expect-error TS2345: needs the opaque ClientInit
  new QmpClient({});
}

describe('runtime types', () => {
  it('compile (see tsc)', () => {
    expect(typeof typeChecks).toBe('function');
  });
});
