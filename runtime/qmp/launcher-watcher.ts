/**
 * The watcher: a small Node process between this process and QEMU, so that a launched QEMU never
 * outlives its Node parent, whatever ends the parent (a normal exit, SIGINT, SIGTERM, SIGHUP, or
 * SIGKILL, which no handler in the parent can see).
 *
 * Why a process: neither QEMU 7.2 nor 10.0 has an "exit with parent" option (`-help`: 10.0's
 * `-run-with` knows only `async-teardown`, `chroot` and `user`; 7.2 has no `-run-with`), and
 * Linux's `prctl(PR_SET_PDEATHSIG)` needs a native call in the child before `exec`, which Node's
 * `spawn` cannot make. A process that holds one end of a socket pair whose other end only this
 * process holds sees end-of-file the moment this process dies, by any cause; that is portable.
 *
 * The watcher is QEMU's parent, so QEMU's pid cannot be reused while the watcher lives: it can
 * never signal a process it did not start. It spawns QEMU with stdin from /dev/null and QEMU's
 * stdout and stderr straight on the pipes this process reads (no copy in between), as the leader of a
 * process group of its own: when QEMU exits, whatever is left in that group (processes QEMU or a wrapper
 * script given as the binary started) is killed, so nothing we started outlives it. It ends when
 * QEMU has exited and the folder is removed; it does not outlive QEMU, and once this process is
 * gone it stops QEMU (SIGTERM, then SIGKILL after {@link ORPHAN_GRACE_MS}) and then ends.
 *
 * Control channel (fd 3, a socket pair, one JSON object per line). Parent → watcher: first the
 * start request `{binary, args, env}` (the folder is the watcher's first argument, so that it
 * is removed even when this process dies before the request is read), then `"term"` (send QEMU SIGTERM) or `"kill"` (SIGKILL).
 * Watcher → parent: `{pid}` once QEMU runs, `{error: {message, code}}` when it could not start,
 * `{exit: {code, signal}}` when it ended (the folder is removed before this is sent).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import type { Readable, Duplex } from 'node:stream';

/** How long QEMU's output pipes may stay open after the watcher exited (held by a process that left QEMU's group), in ms. */
export const OUTPUT_DRAIN_MS = 1000;

/**
 * A running process's start time (field 22 of `/proc/<pid>/stat`), or undefined when it is gone,
 * a zombie (dead, waiting for a parent to reap it), or there is no /proc.
 */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/**
 * The watcher itself was killed (SIGKILL: it could not stop QEMU) while QEMU ran: QEMU, reparented,
 * would run on. Kill it here, only if it is still the process the watcher started (same pid and
 * start time, so a reused pid is never hit), and wait until it is gone (at most 2 s).
 */
async function killOrphan(pid: number, started: string | undefined): Promise<void> {
  if (started === undefined || startTimeOf(pid) !== started) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  for (let i = 0; i < 200 && startTimeOf(pid) === started; i++) await new Promise((r) => setTimeout(r, 10));
}

/** How long an orphaned QEMU gets between SIGTERM and SIGKILL, in ms. */
export const ORPHAN_GRACE_MS = 500;

/** The watcher's program (plain CommonJS for `node -e`: it must run without this package's loader or build). */
const WATCHER_SOURCE = String.raw`'use strict';
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const net = require('node:net');
const GRACE = ${ORPHAN_GRACE_MS};
const ctl = new net.Socket({ fd: 3, readable: true, writable: true, allowHalfOpen: false });
const dir = process.argv[1];
let child, exited = false, stopping = false, finished = false, buf = '';
const send = (m) => { if (!ctl.destroyed && ctl.writable) ctl.write(JSON.stringify(m) + '\n', () => {}); };
const finish = () => {
  if (finished) return;
  finished = true;
  rmSync(dir, { recursive: true, force: true });
  ctl.end();
  setTimeout(() => process.exit(0), 200).unref();
};
const signal = (s) => { if (child && child.pid !== undefined && !exited) { try { child.kill(s); } catch {} } };
const stop = () => {
  if (stopping) return;
  stopping = true;
  if (!child || exited) { finish(); return; }
  signal('SIGTERM');
  setTimeout(() => signal('SIGKILL'), GRACE);
};
const start = (req) => {
  // detached: QEMU leads a process group of its own, so whatever it (or a wrapper script given as the
  // binary) left running can be killed with it, and nothing keeps the output pipes open afterwards.
  child = spawn(req.binary, req.args, { env: req.env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  child.once('error', (e) => {
    if (child.pid === undefined) { exited = true; send({ error: { message: e.message, code: e.code ?? null } }); finish(); }
  });
  child.once('exit', (code, sig) => {
    exited = true;
    try { process.kill(-child.pid, 'SIGKILL'); } catch {}
    rmSync(dir, { recursive: true, force: true });
    send({ exit: { code, signal: sig } });
    finish();
  });
  if (child.pid !== undefined) send({ pid: child.pid });
};
ctl.setEncoding('utf8');
ctl.on('data', (s) => {
  buf += s;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    const m = JSON.parse(line);
    if (!child && !stopping && typeof m === 'object') start(m);
    else if (typeof m === 'string' && /^SIG[A-Z0-9]+$/.test(m)) signal(m);
  }
});
ctl.on('end', stop);
ctl.on('close', stop);
ctl.on('error', stop);
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, stop);
process.on('uncaughtException', () => {
  signal('SIGKILL');
  try { rmSync(dir, { recursive: true, force: true }); } catch {}
  process.exit(70);
});
`;

/** How a QEMU process ended. */
export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A QEMU started through a watcher (see the file comment). */
export interface WatchedQemu {
  /** The watcher process (QEMU's parent). */
  readonly watcher: ChildProcess;
  /** QEMU's stdout and stderr (the watcher passes its own pipes to QEMU). */
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** QEMU's pid once it runs; rejects with the spawn error when it could not be started. */
  readonly pid: Promise<number>;
  /** Resolves when QEMU has exited, its folder is removed and its output pipes are closed. */
  readonly exited: Promise<QemuExit>;
  /** Asks the watcher to send QEMU a signal; false (and nothing sent) once QEMU is known to have exited. */
  signal(s: NodeJS.Signals): boolean;
}

/** Watchers alive in this process, with their folders: removed synchronously on `exit`. */
const live = new Map<ChildProcess, string>();
let exitHookInstalled = false;

/** The watcher's environment: ours without what would make `node` load this process's loaders or debugger. */
function watcherEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NODE_OPTIONS' && k !== 'NODE_INSPECT') env[k] = v;
  return env;
}

/** Starts `binary args` in `dir`'s care under a watcher; `dir` is removed when QEMU has exited. */
export function startWatched(binary: string, args: readonly string[], env: Record<string, string>, dir: string): WatchedQemu {
  const watcher = spawn(process.execPath, ['-e', WATCHER_SOURCE, dir], { env: watcherEnv(), stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const ctl = watcher.stdio[3] as Duplex;
  live.set(watcher, dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A normal exit (or process.exit()): the watchers see end-of-file and stop their QEMUs; the
    // folders go now, so that nothing of ours is on disk once this process is gone.
    process.once('exit', () => {
      for (const d of live.values()) {
        try {
          rmSync(d, { recursive: true, force: true });
        } catch {
          // nothing more can be done at exit
        }
      }
    });
  }
  let exitInfo: QemuExit | undefined;
  let qemuPid: number | undefined;
  let qemuStarted: string | undefined;
  let resolvePid!: (pid: number) => void;
  let rejectPid!: (e: Error) => void;
  const pid = new Promise<number>((res, rej) => {
    resolvePid = res;
    rejectPid = rej;
  });
  pid.catch(() => {});
  let buf = '';
  ctl.setEncoding('utf8');
  ctl.on('data', (s: string) => {
    buf += s;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const m = JSON.parse(buf.slice(0, i)) as { pid?: number; error?: { message: string; code: string | null }; exit?: QemuExit };
      buf = buf.slice(i + 1);
      if (typeof m.pid === 'number') {
        qemuPid = m.pid;
        qemuStarted = startTimeOf(m.pid);
        resolvePid(m.pid);
      }
      else if (m.error) rejectPid(Object.assign(new Error(m.error.message), { code: m.error.code ?? undefined }));
      else if (m.exit) exitInfo = m.exit;
    }
  });
  ctl.on('error', () => {});
  // Something that left QEMU's process group may still hold the output pipes: once the watcher has
  // exited, wait for them at most OUTPUT_DRAIN_MS, then close our ends, so that `exited` always settles.
  watcher.once('exit', () => {
    setTimeout(() => {
      watcher.stdout?.destroy();
      watcher.stderr?.destroy();
      ctl.destroy();
    }, OUTPUT_DRAIN_MS).unref();
  });
  const exited = new Promise<QemuExit>((resolve) => {
    watcher.once('error', (e) => rejectPid(e));
    watcher.once('close', (code, sig) => {
      live.delete(watcher);
      rejectPid(new Error(`the launcher's watcher process ended (${sig ?? `code ${code}`}) before QEMU started`));
      resolve(exitInfo ?? { code: null, signal: null });
    });
    // The watcher died without reporting QEMU's exit (it was SIGKILLed): do its job. (Its 'close'
    // comes only once QEMU, which shares its output pipes, is gone too.)
    watcher.once('exit', () => {
      if (exitInfo !== undefined || qemuPid === undefined) return;
      void killOrphan(qemuPid, qemuStarted).then(() => {
        exitInfo ??= { code: null, signal: 'SIGKILL' };
        rmSync(dir, { recursive: true, force: true });
      });
    });
  });
  ctl.write(`${JSON.stringify({ binary, args, env })}\n`);
  return {
    watcher,
    stdout: watcher.stdout!,
    stderr: watcher.stderr!,
    pid,
    exited,
    signal(s) {
      if (exitInfo !== undefined || ctl.destroyed || !ctl.writable) return false;
      ctl.write(`${JSON.stringify(s)}\n`);
      return true;
    },
  };
}
