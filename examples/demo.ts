/**
 * qmp-sdk demo: start a QEMU 10.0, talk QMP to it, stop it.
 *
 *   QEMU=/usr/bin/qemu-system-x86_64 npx tsx demo.ts
 *
 * In the repository, `npm run demo` runs it with the QEMU 10.0 of `scripts/install-qemu.sh`
 * (`scripts/demo.ts`); tsconfig.json "paths" maps 'qmp-sdk' to the generated source there.
 */
import { launchQemu, isQmpCommandError } from 'qmp-sdk';

/** The QEMU binary; its environment (e.g. QEMU_MODULE_DIR) is inherited from this process. */
const binary = process.env.QEMU ?? 'qemu-system-x86_64';

// 1. Start QEMU with a fresh QMP socket; the launcher connects and negotiates capabilities.
const vm = await launchQemu({
  binary,
  args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'],
  qmp: { capabilities: { enable: ['oob'] } },
});
const qmp = vm.qmp;

try {
  const { qemu: v, package: pkg } = qmp.greeting.QMP.version;
  console.log(`Greeting: QEMU ${v.major}.${v.minor}.${v.micro} (${pkg}), pid ${vm.pid}`);
  console.log(`Capabilities offered: [${qmp.offeredCapabilities.join(', ')}], enabled: [${qmp.capabilities.join(', ')}]`);

  // 2. A few commands, typed: names autocomplete, arguments and results are checked by the compiler.
  const version = await qmp.commands.queryVersion();
  console.log(`query-version  → ${version.qemu.major}.${version.qemu.minor}.${version.qemu.micro}`);
  console.log('query-status   →', await qmp.execute('query-status'));
  const commands = await qmp.commands.queryCommands();
  console.log(`query-commands → ${commands.length} commands`);

  // Arguments are validated before sending: nothing reaches QEMU, the error names the path.
  try {
    // @ts-expect-error -- 'id' must be a string: the compiler says so too
    await qmp.commands.deviceDel({ id: 42 });
  } catch (err) {
    console.log(`deviceDel({ id: 42 }) → ${(err as Error).name}: ${(err as Error).message}`);
  }

  // 3. Errors are typed: the class QEMU sent, its description, the command.
  try {
    await qmp.commands.deviceDel({ id: 'no-such-device' });
  } catch (err) {
    if (!isQmpCommandError(err)) throw err;
    console.log(`device_del → ${err.errorClass}: ${err.desc}`);
  }
  // A command this target does not know is refused before sending, unless you opt out of validation.
  try {
    await qmp.execute('no-such-command' as 'query-status', undefined, { validateArguments: false });
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
