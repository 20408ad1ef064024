/**
 * Starts a QEMU with a QMP unix socket in a fresh temporary folder, connects to it, and stops
 * exactly that process (and removes the folder) on close.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpClient, closeHook, type ClientClass, type ClientOptions } from './client.js';
import { QmpLaunchError, QmpUsageError, isQmpConnectionError } from './errors.js';
import { timerDelayProblem } from './timers.js';
import { optionsProblem } from './options.js';
import { launchOptionsShape } from './option-shapes.js';
import { archOfBinary, serverArchHint } from './version.js';

/** Options of {@link launchQemu}. */
export interface LaunchOptions<T> {
  /** Path of the QEMU binary, e.g. `/usr/bin/qemu-system-x86_64`. */
  binary: string;
  /** Arguments after the launcher's own `-qmp unix:…,server=on,wait=off`, e.g. `['-machine', 'none', '-nodefaults', '-display', 'none', '-S']`. */
  args?: readonly string[];
  /** Environment variables added to (or, with `inheritEnv: false`, instead of) this process's environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Start from `process.env` (default `true`). */
  inheritEnv?: boolean;
  /** Options of the client (capabilities, validation, trace…). */
  qmp?: ClientOptions;
  /** Client class to connect with (a generated target's `QmpClient`); default the runtime's `QmpClient`. */
  client?: ClientClass<T>;
  /** Limit for starting and connecting (default 20 000 ms). */
  startTimeoutMs?: number;
  /** How long `close()` waits after `quit`, then after SIGTERM, before escalating (default 3000 ms). */
  closeGraceMs?: number;
}

/** How a QEMU process ended. */
export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running QEMU and its negotiated client. */
export interface LaunchedQemu<T> {
  /** The connected client; its `close()` stops the process too. */
  readonly qmp: T;
  readonly pid: number;
  readonly process: ChildProcess;
  /** The QMP socket, inside {@link tempDir}. */
  readonly socketPath: string;
  /** The temporary folder (removed on close or when QEMU exits). */
  readonly tempDir: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<QemuExit>;
  /** What QEMU wrote on stderr so far (the last 64 KiB). */
  stderr(): string;
  /** Sends `quit`, then SIGTERM, then SIGKILL (each after the grace period); closes the client; removes the folder. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;
const RETRY_MS = 15;

/** Processes started here and not yet exited: killed if this Node process exits first. */
const live = new Map<ChildProcess, string>();
let exitHookInstalled = false;
function track(child: ChildProcess, dir: string): void {
  live.set(child, dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [c, d] of live) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
      rmSync(d, { recursive: true, force: true });
    }
  });
}

/** QEMU's option syntax escapes a comma by doubling it. */
function qemuOptValue(s: string): string {
  return s.replaceAll(',', ',,');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Why the launch options are unusable, if they are (checked before anything is created). */
function launchOptionsProblem(o: unknown): string | undefined {
  if (typeof o !== 'object' || o === null) return `the options must be an object, got ${String(o)}`;
  const shape = optionsProblem(o, launchOptionsShape);
  if (shape !== undefined) return shape;
  const { binary, args, env, startTimeoutMs, closeGraceMs } = o as Record<string, unknown>;
  if (typeof binary !== 'string' || binary === '') return `binary must be the path of a QEMU executable, got ${String(binary)}`;
  if (args !== undefined && !(Array.isArray(args) && args.every((a) => typeof a === 'string'))) return 'args must be an array of strings';
  if (env !== undefined && !(typeof env === 'object' && env !== null && Object.values(env).every((v) => typeof v === 'string' || v === undefined))) {
    return 'env must map names to strings';
  }
  return timerDelayProblem('startTimeoutMs', startTimeoutMs) ?? timerDelayProblem('closeGraceMs', closeGraceMs);
}

/**
 * Starts QEMU with `-qmp unix:<fresh temp dir>/qmp.sock,server=on,wait=off` plus `args`, waits until
 * it accepts on the socket (retrying while the socket is missing or refuses), negotiates, and
 * returns the process with its client. Rejects with a {@link QmpLaunchError} carrying QEMU's stderr
 * when it exits during start-up or does not accept in time; nothing is left behind then.
 */
export async function launchQemu<T extends QmpClient<any, any, any> = QmpClient>(options: LaunchOptions<T>): Promise<LaunchedQemu<T>> {
  const problem = launchOptionsProblem(options);
  if (problem !== undefined) throw new QmpUsageError(`launchQemu: ${problem}`);
  const Client = (options.client ?? QmpClient) as unknown as ClientClass<T> & typeof QmpClient;
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const grace = options.closeGraceMs ?? 3000;
  const tempDir = await mkdtemp(join(tmpdir(), 'qmp-sdk-'));
  const socketPath = join(tempDir, 'qmp.sock');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...(options.inheritEnv === false ? {} : process.env), ...(options.env ?? {}) })) {
    if (v !== undefined) env[k] = v;
  }
  const argv = ['-qmp', `unix:${qemuOptValue(socketPath)},server=on,wait=off`, ...(options.args ?? [])];
  let stderr = '';
  const child = spawn(options.binary, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (s: string) => {
    stderr += s;
    if (stderr.length > OUTPUT_LIMIT * 2) stderr = stderr.slice(-OUTPUT_LIMIT);
  });
  const getStderr = (): string => (stderr.length > OUTPUT_LIMIT ? stderr.slice(-OUTPUT_LIMIT) : stderr);
  let exitInfo: QemuExit | undefined;
  let spawnError: Error | undefined;
  let dirRemoved: Promise<void> | undefined;
  const removeDir = (): Promise<void> => (dirRemoved ??= rm(tempDir, { recursive: true, force: true }).catch(() => {}));
  const exited = new Promise<QemuExit>((resolve) => {
    child.once('error', (e) => {
      spawnError = e;
      if (child.pid === undefined) {
        exitInfo = { code: null, signal: null };
        live.delete(child);
        resolve(exitInfo);
      }
    });
    child.once('close', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      void removeDir();
      resolve(exitInfo);
    });
  });
  track(child, tempDir);

  const kill = async (): Promise<void> => {
    if (!exitInfo) {
      child.kill('SIGKILL');
      await exited;
    }
    await removeDir();
  };

  const deadline = Date.now() + startTimeoutMs;
  let qmp: T | undefined;
  let lastError: unknown;
  while (!qmp) {
    if (exitInfo || spawnError) {
      await kill();
      const how = spawnError
        ? `could not be started: ${spawnError.message}`
        : `exited during start-up (${exitInfo?.signal ? `signal ${exitInfo.signal}` : `code ${exitInfo?.code}`})`;
      const err = getStderr().trim();
      throw new QmpLaunchError(`QEMU ${options.binary} ${how}${err ? `:\n${err}` : ''}`, {
        stderr: getStderr(),
        exitCode: exitInfo?.code ?? null,
        signal: exitInfo?.signal ?? null,
        cause: spawnError,
      });
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      await kill();
      const err = getStderr().trim();
      throw new QmpLaunchError(
        `QEMU ${options.binary} did not accept QMP connections on ${socketPath} within ${startTimeoutMs} ms${err ? `:\n${err}` : ''}`,
        { stderr: getStderr(), cause: lastError },
      );
    }
    try {
      const connectOptions = {
        ...options.qmp,
        path: socketPath,
        connectTimeoutMs: Math.min(remaining, options.qmp?.connectTimeoutMs ?? remaining),
        [serverArchHint]: archOfBinary(options.binary), // free: the binary's name says it
      };
      qmp = await Client.connect(connectOptions) as T;
    } catch (e) {
      lastError = e;
      const refused = isQmpConnectionError(e) && e.reason === 'refused' && (e.syscallCode === 'ECONNREFUSED' || e.syscallCode === 'ENOENT');
      if (!refused && !exitInfo) {
        // A real failure (negotiation, timeout…): do not leave the process behind.
        await sleep(RETRY_MS); // let a dying QEMU report its exit so the message carries its stderr
        if (!exitInfo) {
          await kill();
          throw e;
        }
      }
      if (refused) await sleep(RETRY_MS);
    }
  }

  let closing: Promise<void> | undefined;
  const client = qmp as unknown as QmpClient<any, any, any>;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const polite = !exitInfo && client.isOpen;
      if (polite) {
        try {
          await client.execute('quit', undefined, { timeoutMs: grace, validateArguments: false });
        } catch {
          // QEMU may close the socket before answering; the process is watched below.
        }
      }
      for (const signal of [...(polite ? [null] : []), 'SIGTERM', 'SIGKILL'] as const) {
        if (exitInfo) break;
        if (signal) child.kill(signal);
        if (signal === 'SIGKILL') await exited;
        else await Promise.race([exited, sleep(grace)]);
      }
      await client.shutdownConnection();
      await removeDir();
    })());
  client[closeHook] = close;
  return {
    qmp,
    pid: child.pid!,
    process: child,
    socketPath,
    tempDir,
    exited,
    stderr: getStderr,
    close,
    [Symbol.asyncDispose]: close,
  };
}
