/**
 * qmp-sdk demo: start a QEMU 10.0, talk QMP to it, stop it.
 *
 *   npm run demo
 *
 * Needs the project's QEMUs (sudo bash scripts/install-qemu.sh).
 */
import { launchQemu, isQmpCommandError } from '../runtime/index.js';
import { findQemu } from '../scripts/qemus.js';

const qemu = findQemu('10.0');

// 1. Start QEMU with a fresh QMP socket; the launcher connects and negotiates capabilities.
const vm = await launchQemu({
  binary: qemu.binary,
  env: qemu.env, // QEMU 10.0 from the cache needs QEMU_MODULE_DIR
  args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'],
  qmp: { capabilities: { enable: ['oob'] } },
});
const qmp = vm.qmp;

try {
  const { qemu: v, package: pkg } = qmp.greeting.QMP.version;
  console.log(`Greeting: QEMU ${v.major}.${v.minor}.${v.micro} (${pkg}), pid ${vm.pid}`);
  console.log(`Capabilities offered: [${qmp.offeredCapabilities.join(', ')}], enabled: [${qmp.capabilities.join(', ')}]`);

  // 2. A few commands.
  const version = (await qmp.execute('query-version')) as { qemu: { major: number; minor: number; micro: number } };
  console.log(`query-version  → ${version.qemu.major}.${version.qemu.minor}.${version.qemu.micro}`);
  console.log('query-status   →', await qmp.execute('query-status'));
  const commands = (await qmp.execute('query-commands')) as unknown[];
  console.log(`query-commands → ${commands.length} commands`);

  // 3. Errors are typed: the class QEMU sent, its description, the command.
  try {
    await qmp.execute('no-such-command');
  } catch (err) {
    if (!isQmpCommandError(err)) throw err;
    console.log(`no-such-command → ${err.errorClass}: ${err.desc}`);
  }

  // 4. Events. The VM starts paused (-S): `cont` gives RESUME, then `stop` gives STOP.
  qmp.on('RESUME', (ev) => console.log(`event RESUME at ${ev.timestamp.seconds}.${ev.timestamp.microseconds}`));
  const stopped = qmp.waitForEvent('STOP', { timeoutMs: 5000 }); // wait started before the command: never missed
  await qmp.execute('cont');
  await qmp.execute('stop');
  const stop = await stopped;
  console.log(`event STOP   at ${stop.timestamp.seconds}.${stop.timestamp.microseconds}`);
} finally {
  // 5. quit → SIGTERM → SIGKILL if needed; the temporary socket folder is removed.
  await vm.close();
  console.log(`QEMU exited: ${JSON.stringify(await vm.exited)}`);
}
