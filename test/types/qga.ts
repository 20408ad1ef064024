/**
 * Type tests for the generated guest agent targets (`qmp-sdk/qga`, `qmp-sdk/qga-7.2`): real call sites
 * that must compile, and `@ts-expect-error` lines that must not (checked by test/generate/types.test.ts).
 * Nothing here runs.
 */
import { QgaClient, isQgaNoAgentError, target, type GuestAgentInfo, type QgaCommandName, type CommandReturn, type QgaTargetBinding } from '../../generated/qga-10.0/index.js';
import { QgaClient as Qga72 } from '../../generated/qga-7.2/index.js';
import { validateArguments } from '../../generated/qga-10.0/validators.js';

export async function callSites(path: string): Promise<void> {
  const qga = await QgaClient.connect({ path, syncTimeoutMs: 1000, validateReturns: true });
  const info: GuestAgentInfo = await qga.commands.guestInfo();
  const viaExecute: GuestAgentInfo = await qga.execute('guest-info');
  const time: number | bigint = await qga.commands.guestGetTime(); // QapiInt: a bigint beyond 2^53 at run time (README)
  const exec = await qga.commands.guestExec({ path: '/bin/true', 'capture-output': true });
  const pid: number | bigint = exec.pid;
  // commands that answer nothing on success resolve with undefined
  const down: undefined = await qga.commands.guestShutdown({ mode: 'powerdown' });
  const name: QgaCommandName = 'guest-ping';
  const ret: CommandReturn<'guest-ping'> = {};
  const binding: QgaTargetBinding = target;
  const untyped: unknown = await qga.executeUntyped('guest-vendor-thing', { x: 1 });
  await qga.resync();
  void info, viaExecute, time, pid, down, name, ret, binding, untyped;
  void validateArguments('guest-exec', { path: '/bin/true' });
  void isQgaNoAgentError(undefined);

  // @ts-expect-error TS2345: not a command of the agent
  await qga.execute('query-status');
  // @ts-expect-error TS2353: an argument the command does not take
  await qga.commands.guestExec({ path: '/bin/true', shell: true });
  // @ts-expect-error TS2554: guest-exec needs its arguments
  await qga.commands.guestExec();
  // @ts-expect-error TS2339: no QMP events on the guest agent client
  qga.on('STOP', () => undefined);

  const old = await Qga72.connect({ path });
  // @ts-expect-error TS2339: guest-get-load is new in 10.0
  await old.commands.guestGetLoad();
  await old.close();
  await qga.close();
}
