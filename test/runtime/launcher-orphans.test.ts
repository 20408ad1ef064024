/**
 * Issue 10 item 1: a launched QEMU never outlives its Node parent. A child Node process launches
 * a real QEMU (7.2 and 10.0) and is then ended by each signal, SIGKILL included; QEMU, its watcher
 * and its temporary folder must all be gone (polled with a generous bound, not timed).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectRoot } from '../../scripts/qemus.js';
import { alive, launch } from './helpers/qemu.js';

interface Launched {
  pid: number;
  tempDir: string;
  watcher: number;
}

/** Polls `done` every 20 ms; false when it did not come true within `boundMs` (a bound for a loaded machine, not a timing). */
async function eventually(done: () => boolean, boundMs = 15_000): Promise<boolean> {
  const end = Date.now() + boundMs;
  while (Date.now() < end) {
    if (done()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return done();
}

/** Starts the child, waits for its launch report. */
async function startChild(version: string, tmp: string): Promise<{ child: ReturnType<typeof spawn>; launched: Launched }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/runtime/helpers/launch-child.ts', version, join(tmp, 'qemu.pid')], {
    cwd: projectRoot,
    env: { ...process.env, TMPDIR: tmp }, // tsx's cache and the launcher's folder, removed below
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  child.stdout!.setEncoding('utf8');
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (s: string) => {
      out += s;
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`launch child exited (${code}) before reporting: ${err}`)));
  });
  return { child, launched: JSON.parse(line) as Launched };
}

/** The parent pid of a live process (from /proc), or undefined when it is gone. */
function parentOf(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
  } catch {
    return undefined;
  }
}

describe('launcher: QEMU does not outlive its Node parent', () => {
  for (const version of ['7.2', '10.0']) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL'] as const) {
      it(`QEMU ${version}: parent ended by ${signal} → QEMU stopped in order, watcher and folder gone`, async () => {
        const tmp = mkdtempSync(join(tmpdir(), 'orphan-'));
        onTestFinished(() => rmSync(tmp, { recursive: true, force: true }));
        const { child, launched } = await startChild(version, tmp);
        expect(launched.tempDir.startsWith(tmp)).toBe(true);
        expect(alive(launched.pid)).toBe(true);
        expect(existsSync(launched.tempDir)).toBe(true);
        expect(existsSync(join(tmp, 'qemu.pid'))).toBe(true);
        // QEMU is the watcher's child, the watcher the parent's: the watcher can only signal its own child.
        expect(parentOf(launched.pid)).toBe(launched.watcher);
        expect(parentOf(launched.watcher)).toBe(child.pid);
        const ended = once(child, 'exit');
        child.kill(signal);
        const [, how] = (await ended) as [number | null, string | null];
        expect(how).toBe(signal);
        expect(await eventually(() => !alive(launched.pid) && !alive(launched.watcher) && !existsSync(launched.tempDir))).toBe(true);
        // QEMU was stopped in order (SIGTERM: it removes its pidfile), not SIGKILLed, whatever killed the parent
        expect(existsSync(join(tmp, 'qemu.pid'))).toBe(false);
      });
    }
  }

  it('the watcher ends with QEMU: QEMU killed from outside → exit reported, watcher and folder gone', async () => {
    const vm = await launch('7.2');
    const watcher = vm.watcher.pid!;
    process.kill(vm.pid, 'SIGKILL');
    expect(await vm.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(alive(watcher)).toBe(false);
    expect(existsSync(vm.tempDir)).toBe(false);
    await vm.close();
  });

  it('vm.kill(signal) signals QEMU itself, not the watcher; false once QEMU has exited', async () => {
    const vm = await launch('10.0');
    const watcher = vm.watcher.pid!;
    expect(vm.kill('SIGKILL')).toBe(true);
    expect(await vm.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(alive(vm.pid)).toBe(false);
    expect(alive(watcher)).toBe(false);
    expect(existsSync(vm.tempDir)).toBe(false);
    expect(vm.kill('SIGKILL')).toBe(false);
    await vm.close();
  });

  it('QEMU does not hold the watcher control channel (so only the parent end closing counts)', async () => {
    const vm = await launch('10.0');
    try {
      const links = (pid: number): string[] => readdirSync(`/proc/${pid}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      });
      const control = readlinkSync(`/proc/${vm.watcher.pid}/fd/3`);
      expect(control).toMatch(/^socket:/);
      expect(links(vm.pid)).not.toContain(control);
    } finally {
      await vm.close();
    }
  });
});
