/**
 * The launcher keeps QEMU's output (issue 18 part 3) and refuses what would detach QEMU or hide
 * why a start failed (issue 10 item 7), against real QEMU 7.2 and 10.0.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { findQemu, type QemuVersion } from '../../scripts/qemus.js';
import { isQmpLaunchError, isQmpUsageError, launchQemu } from '../../runtime/index.js';

/** Reads `stream` until `text` appeared (the test's timeout bounds it). */
function waitFor(stream: NodeJS.ReadableStream, text: string): Promise<string> {
  let seen = '';
  return new Promise((resolve) => {
    stream.on('data', (s: string) => {
      seen += s;
      if (seen.includes(text)) resolve(seen);
    });
  });
}

/** A private TMPDIR for one test, so that "nothing left behind" can be checked exactly. */
function privateTmp(): string {
  const own = mkdtempSync(join(tmpdir(), 'qmp-launcher-test-'));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = own;
  onTestFinished(() => {
    process.env.TMPDIR = saved;
    rmSync(own, { recursive: true, force: true });
  });
  return own;
}

describe('launcher: QEMU output as streams', () => {
  for (const version of ['7.2', '10.0'] as QemuVersion[]) {
    for (const stream of ['stdout', 'stderr'] as const) {
      it(`QEMU ${version}: output QEMU writes on ${stream} while running arrives on output.${stream} and in ${stream}()`, async () => {
        const q = findQemu(version);
        // stdout: SeaBIOS prints its log to the debug console (port 0x402) once the machine runs, here a
        // chardev on QEMU's stdout. stderr: `-d cpu_reset` logs each CPU reset there (a socket pair:
        // /dev/stderr cannot be opened as a file chardev), and `system_reset` makes one.
        const extra =
          stream === 'stdout'
            ? ['-chardev', 'stdio,id=dbg', '-device', 'isa-debugcon,chardev=dbg,iobase=0x402']
            : ['-d', 'cpu_reset'];
        const text = stream === 'stdout' ? 'SeaBIOS (version' : 'CPU Reset (CPU 0)';
        const vm = await launchQemu({ binary: q.binary, env: q.env, args: ['-machine', 'pc', '-nodefaults', '-display', 'none', '-S', ...extra] });
        try {
          const before = vm[stream]().split(text).length;
          const arrived = waitFor(vm.output[stream], text);
          await vm.qmp.execute(stream === 'stdout' ? 'cont' : 'system_reset');
          expect(await arrived).toContain(text);
          expect(vm[stream]().split(text).length).toBeGreaterThan(before);
        } finally {
          await vm.close();
        }
        expect(vm.output[stream].readableEnded || vm.output[stream].destroyed).toBe(true);
      });
    }
  }
});

describe('launcher: arguments that would detach QEMU, peers that never greet', () => {
  it('-daemonize (and -run-with daemonize=…) is a QmpUsageError naming it; no process or folder is created', async () => {
    const own = privateTmp();
    const q = findQemu('10.0');
    for (const args of [['-daemonize'], ['-S', '--daemonize'], ['-run-with', 'daemonize=on']]) {
      const err = await launchQemu({ binary: q.binary, env: q.env, args }).catch((e: unknown) => e);
      expect(isQmpUsageError(err)).toBe(true);
      expect((err as Error).message).toContain(args.at(-1)!.replace(/=on$/, ''));
      expect(readdirSync(own)).toEqual([]);
    }
  });

  it('a peer that accepts on the socket but never greets: QmpLaunchError carrying its stderr; nothing left', async () => {
    const own = privateTmp();
    const bin = mkdtempSync(join(own, '..', 'fake-qemu-'));
    onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
    const script = join(bin, 'fake-qemu');
    // Listens where `-qmp unix:PATH,…` says, accepts, says something on stderr, never greets.
    const listener = `const p = process.argv[2].replace(/^unix:/, '').replace(/,server=on,wait=off$/, '');
require('node:net').createServer(() => {}).listen(p, () => process.stderr.write('fake-qemu: listening, will never greet\\n'));`;
    writeFileSync(script, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} -e ${JSON.stringify(listener).replaceAll('$', '\\$')} "$2"\n`);
    chmodSync(script, 0o755);
    const err = await launchQemu({ binary: script, args: [], startTimeoutMs: 1500 }).catch((e: unknown) => e);
    expect(isQmpLaunchError(err)).toBe(true);
    expect((err as Error).message).toContain('fake-qemu: listening, will never greet');
    expect((err as { stderr: string }).stderr).toContain('fake-qemu: listening');
    expect(readdirSync(own).filter((f) => existsSync(join(own, f)))).toEqual([]);
  });
  it('a binary that leaves a process behind holding its output (a wrapper script): the launch fails and settles, and that process is killed too', async () => {
    const own = privateTmp();
    const bin = mkdtempSync(join(own, '..', 'fake-qemu-'));
    onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
    const script = join(bin, 'fake-qemu');
    const pidFile = join(bin, 'straggler.pid');
    // Starts a long sleep that inherits stdout/stderr, then exits: before, the launcher waited for those pipes forever.
    writeFileSync(script, `#!/bin/sh\nsleep 1000 &\necho $! > ${JSON.stringify(pidFile)}\necho 'fake-qemu: exiting' >&2\nexit 3\n`);
    chmodSync(script, 0o755);
    const err = await launchQemu({ binary: script, args: [], startTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(isQmpLaunchError(err)).toBe(true);
    expect((err as Error).message).toContain('fake-qemu: exiting');
    const straggler = Number(readFileSync(pidFile, 'utf8').trim());
    expect(straggler).toBeGreaterThan(0);
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      try {
        process.kill(straggler, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
    expect(readdirSync(own).filter((f) => existsSync(join(own, f)))).toEqual([]);
  });
});
