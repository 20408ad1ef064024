/**
 * Starts a real guest agent (`qemu-ga`) ON THIS HOST for tests: `qemu-ga -m unix-listen -p SOCK -t STATEDIR
 * -f PIDFILE -b <blocklist>` in a fresh temporary folder. The agent runs with this process's rights (root in CI)
 * and acts on this machine, so every command that changes the host by itself is blocked by default
 * ({@link defaultQgaBlocklist}); `guest-exec` and `guest-file-*` stay enabled (the tests need them): they do what
 * the caller asks, so callers only run harmless programs and only touch files in their own temporary folder.
 *
 * Nothing is left behind: `stop()` ends the agent and removes the folder (test/global-setup.ts checks that
 * no `qemu-ga` with the run's marker survives and that the temporary folder is empty).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findQemuGa } from '../../scripts/qemus.js';
import type { QemuVersion } from '../../scripts/qemus.js';

/**
 * Commands of qemu-ga 7.2 and 10.0 (qga/qapi-schema.json) that act on the host by themselves: power state
 * (`guest-shutdown`, `guest-suspend-*`), the clock (`guest-set-time`), file systems (`guest-fsfreeze-freeze*`,
 * `guest-fsfreeze-thaw`, `guest-fstrim`), accounts and keys (`guest-set-user-password`,
 * `guest-ssh-add/remove-authorized-keys`), CPUs and memory (`guest-set-vcpus`, `guest-set-memory-blocks`).
 * QGA 7.2/10.0 have no network setter (`guest-network-*` only read). Names unknown to an agent are accepted
 * by `-b` (it logs "disabling command" and goes on), so one list serves both versions.
 */
export const defaultQgaBlocklist: readonly string[] = [
  'guest-shutdown',
  'guest-suspend-disk',
  'guest-suspend-ram',
  'guest-suspend-hybrid',
  'guest-set-time',
  'guest-fsfreeze-freeze',
  'guest-fsfreeze-freeze-list',
  'guest-fsfreeze-thaw',
  'guest-fstrim',
  'guest-set-user-password',
  'guest-set-vcpus',
  'guest-set-memory-blocks',
  'guest-ssh-add-authorized-keys',
  'guest-ssh-remove-authorized-keys',
];

export interface StartQemuGaOptions {
  /** Agent version (default `'10.0'`), located with `findQemuGa` (throws with the install hint when missing). */
  version?: QemuVersion;
  /** Commands to block; default {@link defaultQgaBlocklist}. Extra names are added to it, never replace it: see `alsoBlock`. */
  alsoBlock?: readonly string[];
  /** How long to wait for the socket to accept, in ms (default 10000). */
  startTimeoutMs?: number;
  /**
   * Start in this folder (made if missing) instead of a fresh temporary one: an agent restarted on the same
   * socket path as one that was killed and stopped. `stop()` removes it as usual.
   */
  dir?: string;
}

/** A running agent. */
export interface RunningQemuGa {
  version: QemuVersion;
  /** Path of its unix socket (one client at a time). */
  path: string;
  pid: number;
  /** The folder holding socket, state and pid file. */
  dir: string;
  /** The commands it was started with `-b`. */
  blocked: readonly string[];
  /** What it wrote to stderr so far (its log). */
  log(): string;
  /** Ends the agent (SIGTERM, then SIGKILL after 5 s) and removes its folder. Idempotent. */
  stop(): Promise<void>;
  /** Sends a signal; resolves when it has exited (`SIGKILL` and `SIGTERM` end it). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Settles when the process has exited, with its exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function tryConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts an agent and waits until its socket accepts a connection. */
export async function startQemuGa(options: StartQemuGaOptions = {}): Promise<RunningQemuGa> {
  const version = options.version ?? '10.0';
  const ga = findQemuGa(version);
  const blocked = [...defaultQgaBlocklist, ...(options.alsoBlock ?? [])];
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), `qmp-sdk-qga-${version}-`));
  if (options.dir !== undefined) mkdirSync(dir, { recursive: true });
  const path = join(dir, 'qga.sock');
  rmSync(path, { force: true }); // a killed agent's socket file (only in a reused folder)
  // An empty configuration file of our own: the host's /etc/qemu/qemu-ga.conf (read by default, or the file
  // QGA_CONF names) could otherwise change the method, the paths or the RPC lists (qemu-ga.rst, --config).
  const conf = join(dir, 'qga.conf');
  writeFileSync(conf, '');
  const args = ['-m', 'unix-listen', '-p', path, '-t', dir, '-f', join(dir, 'qga.pid'), '-b', blocked.join(',')];
  const child = spawn(ga.binary, args, { env: { ...process.env, ...ga.env, QGA_CONF: conf }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  let gone = false;
  void exited.then(() => (gone = true));
  const kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (!gone) child.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await exited;
  };
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (!gone) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })());

  const deadline = Date.now() + (options.startTimeoutMs ?? 10000);
  for (;;) {
    if (gone) {
      await stop();
      throw new Error(`qemu-ga ${version} exited before its socket accepted: ${stderr.trim() || '(no output)'}`);
    }
    if (await tryConnect(path)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`qemu-ga ${version} did not accept on ${path} within ${options.startTimeoutMs ?? 10000} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { version, path, pid: child.pid ?? -1, dir, blocked, log: () => stderr, stop, kill, exited };
}
