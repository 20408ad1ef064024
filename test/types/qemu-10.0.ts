/**
 * Type tests for the generated QEMU 10.0 target: real call sites that must compile, and
 * `@ts-expect-error` lines that must not (checked by test/generate/types.test.ts with tsc).
 * Nothing here runs.
 */
import {
  QmpClient,
  launchQemu,
  loadValidators,
  type BlockdevOptions,
  type CommandArguments,
  type CommandReturn,
  type EventData,
  type QmpAnyEvent,
  type QmpEventName,
  eventNames,
  type QmpCommandName,
  type RunState,
  type StatusInfo,
} from '../../generated/qemu-10.0-x86_64/index.js';
import { validateArguments } from '../../generated/qemu-10.0-x86_64/validators.js';

export async function callSites(qmp: QmpClient): Promise<void> {
  // no-argument commands take none
  const status = await qmp.execute('query-status');
  const s: StatusInfo = status;
  const running: boolean = s.running;
  // a reply enum is open: known values autocomplete, unknown ones must be handled
  const state: RunState | (string & {}) = status.status;
  if (status.status === 'running') void state;
  const viaMethod: StatusInfo = await qmp.commands.queryStatus();
  void running;
  void viaMethod;

  // required arguments
  const out: string = await qmp.execute('human-monitor-command', { 'command-line': 'info status' });
  await qmp.commands.humanMonitorCommand({ 'command-line': 'info status', 'cpu-index': 0 }, { timeoutMs: 1000 });
  void out;

  // discriminated union arguments
  const file: BlockdevOptions = { driver: 'file', 'node-name': 'f0', filename: '/tmp/disk.img' };
  await qmp.commands.blockdevAdd(file);
  await qmp.execute('blockdev-add', { driver: 'qcow2', 'node-name': 'q0', file: 'f0' });

  const blocks = await qmp.execute('query-block');
  for (const b of blocks) void b.device;

  // events
  qmp.on('SHUTDOWN', (ev) => {
    const guest: boolean = ev.data.guest;
    void guest;
  });
  qmp.on('STOP', (ev) => {
    const none: undefined = ev.data;
    void none;
  });
  const done = await qmp.waitForEvent('BLOCK_JOB_COMPLETED');
  const len: number | bigint = done.data.len; // int64: a QapiInt
  void len;
  for await (const ev of qmp.events({ names: ['SHUTDOWN', 'STOP'] })) {
    if (ev.event === 'SHUTDOWN') {
      const guest: boolean = ev.data.guest;
      void guest;
    } else {
      const none: undefined = ev.data;
      void none;
    }
  }
  for await (const ev of qmp.events()) void ev.event.toUpperCase(); // every event, known or not
  // every event without `names` is the target's union plus an open branch: narrowing types `data`, no cast
  for await (const ev of qmp.events()) {
    if (ev.event === 'BLOCK_JOB_COMPLETED') {
      const device: string = ev.data.device;
      const offset: number | bigint = ev.data.offset;
      void [device, offset];
    } else if (ev.event === 'STOP') {
      const none: undefined = ev.data;
      void none;
    } else {
      const unknownData: unknown = ev.data;
      const anyName: string = String(ev.event);
      void [unknownData, anyName];
    }
  }
  qmp.onAny((ev) => {
    switch (ev.event) {
      case 'BLOCK_JOB_COMPLETED':
        void ev.data.len.toString();
        break;
      case 'SHUTDOWN':
        void ev.data.reason;
        break;
    }
  });
  const anyEvent: QmpAnyEvent = { event: 'RESUME', data: undefined, timestamp: { seconds: 0, microseconds: 0 } };
  void anyEvent;
  // eventNames is typed by its literals
  const firstName: QmpEventName | undefined = eventNames[0];
  void firstName;

  // helper types
  const args: CommandArguments<'human-monitor-command'> = { 'command-line': 'x' };
  const ret: CommandReturn<'query-status'> = status;
  const data: EventData<'STOP'> = undefined;
  const name: QmpCommandName = 'query-version';
  void [args, ret, data, name];
}

export async function mustNotCompile(qmp: QmpClient): Promise<void> {
  // @ts-expect-error unknown command
  await qmp.execute('query-nothing');
  // @ts-expect-error unknown command method
  await qmp.commands.queryNothing();
  // @ts-expect-error missing required argument
  await qmp.execute('human-monitor-command', {});
  // @ts-expect-error missing arguments altogether
  await qmp.execute('human-monitor-command');
  // @ts-expect-error wrong argument type
  await qmp.execute('human-monitor-command', { 'command-line': 42 });
  // @ts-expect-error unknown argument member (arguments are closed)
  await qmp.commands.humanMonitorCommand({ 'command-line': 'x', bogus: true });
  // @ts-expect-error arguments to a command that takes none
  await qmp.execute('query-status', { verbose: true });
  // @ts-expect-error arguments to a command method that takes none
  await qmp.commands.queryStatus({});
  const status = await qmp.execute('query-status');
  // @ts-expect-error reading a field that is not in the reply
  void status.singlestepping;
  // @ts-expect-error wrong tag in a discriminated union argument
  await qmp.commands.blockdevAdd({ driver: 'no-such-driver', 'node-name': 'x' });
  // @ts-expect-error a closed enum in arguments refuses unknown values
  const r: RunState = 'hibernating';
  void r;
  qmp.on('SHUTDOWN', (ev) => {
    // @ts-expect-error wrong event data type
    const guest: string = ev.data.guest;
    void guest;
  });
  qmp.on('STOP', (ev) => {
    // @ts-expect-error STOP carries no data
    void ev.data.reason;
  });
  for await (const ev of qmp.events()) {
    // @ts-expect-error narrowed to BLOCK_JOB_COMPLETED, `len` is a number or bigint (the open branch is gone)
    if (ev.event === 'BLOCK_JOB_COMPLETED') void ev.data.len.toUpperCase();
    // @ts-expect-error not narrowed: the data of an event not yet told apart is unknown
    void ev.data.device;
  }
  // @ts-expect-error eventNames holds the target's event names only
  const notAnEvent: readonly 'NOT_AN_EVENT'[] = eventNames;
  void notAnEvent;
  for await (const ev of qmp.events({ names: ['SHUTDOWN'] })) {
    // @ts-expect-error the iterator is typed by the names asked for
    const reason: number = ev.data.reason;
    void reason;
  }
}

export async function launcher(binary: string): Promise<void> {
  const q = await launchQemu({ binary, args: ['-machine', 'none'] });
  const v = await q.qmp.commands.queryVersion();
  const major: number | bigint = v.qemu.major; // QAPI int: 64-bit
  void major;
  await q.close();
  // validators: synchronously from the validators entry, or loaded on demand from the index
  const r = validateArguments('query-status', undefined);
  if (!r.ok) for (const e of r.errors) void e.path;
  const lazy = await loadValidators();
  void lazy.validateReturn('query-status', {});
}
