/**
 * Type tests for the generated QEMU 7.2 target: real call sites that must compile, and
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
  type QmpCommandName,
  type RunState,
  type StatusInfo,
} from '../../generated/qemu-7.2-x86_64/index.js';
import { validateArguments } from '../../generated/qemu-7.2-x86_64/validators.js';

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
