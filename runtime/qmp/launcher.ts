/**
 * Starts a QEMU with a QMP unix socket in a fresh temporary folder, connects to it, and stops
 * exactly that process (and removes the folder) on close.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ClientClass, ClientOptions, ConnectOptions } from './client-types.js';
import { QmpLaunchError, QmpUsageError, isQmpConnectionError, isQmpProtocolError, isQmpTimeoutError } from '../errors.js';
import { timerDelayProblem } from '../timers.js';
import { startWatched, type QemuExit } from './launcher-watcher.js';
import { optionsProblem } from '../options.js';
import { launchOptionsShape } from '../option-shapes.js';
import { archOfBinary, serverArchHint } from './version.js';

export type { QemuExit } from './launcher-watcher.js';

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

/**
 * The launcher's seam to the client layer, given by it (so that this module imports no client):
 * connects an instance of `Client` (the launch's class, or the runtime's `QmpClient` when
 * `undefined`) whose `close()` becomes `stop`, and returns it with the controls `close()` needs.
 */
export type LaunchConnector<T> = (Client: ClientClass<T>, options: ConnectOptions, stop: () => Promise<void>) => Promise<LaunchedClient<T>>;

/** A client connected by a {@link LaunchConnector}, with what the launcher's `close()` needs of it. */
export interface LaunchedClient<T> {
  readonly client: T;
  /** True while the connection is open. */
  isOpen(): boolean;
  /** The end of the connection that follows `quit` is the client's own close (no reconnection). */
  expectClose(): void;
  /** Sends `quit` (arguments not validated) with time limit `timeoutMs`. */
  quit(timeoutMs: number): Promise<unknown>;
  /** Closes only the connection. */
  closeConnection(): Promise<void>;
}

/** A running QEMU and its negotiated client. */
export interface LaunchedQemu<T> {
  /** The connected client; its `close()` stops the process too. */
  readonly qmp: T;
  /** QEMU's pid. */
  readonly pid: number;
  /**
   * The watcher process that started QEMU and stops it when this Node process ends (QEMU's parent;
   * see "Launching QEMU" in the README). Not QEMU: signal QEMU with {@link kill} or stop it with
   * {@link close}. (Named `watcher`, not `process`, so that code written when this was QEMU's own
   * process fails to compile instead of signalling the watcher.)
   */
  readonly watcher: ChildProcess;
  /**
   * Sends `signal` (default `SIGTERM`) to QEMU itself, e.g. `SIGKILL` to test a crash; false when
   * QEMU has already exited. The watcher then removes the folder as usual.
   */
  kill(signal?: NodeJS.Signals): boolean;
  /** The QMP socket, inside {@link tempDir}. */
  readonly socketPath: string;
  /** The temporary folder (removed when QEMU exits, by `close()`, or when this process ends). */
  readonly tempDir: string;
  /** Resolves when the process has exited (its folder removed, its output closed). */
  readonly exited: Promise<QemuExit>;
  /**
   * QEMU's stdout and stderr as streams (for `-serial stdio`, `-monitor stdio`, logs). They flow from
   * the start, so QEMU never blocks on a full pipe: add a `'data'` listener (or `pipe()` them, which
   * lets the destination slow QEMU down) to see output from then on; the last 64 KiB of each is kept
   * in {@link stdout} / {@link stderr}. Both end when QEMU exits.
   */
  readonly output: { readonly stdout: Readable; readonly stderr: Readable };
  /** What QEMU wrote on stdout so far (the last 64 KiB). */
  stdout(): string;
  /** What QEMU wrote on stderr so far (the last 64 KiB). */
  stderr(): string;
  /** Sends `quit`, then SIGTERM, then SIGKILL (each after the grace period); closes the client; removes the folder. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;
const RETRY_MS = 15;
/** How long a failed connect waits for QEMU's exit to be reported (the watcher relays it) before blaming the session. */
const EXIT_REPORT_MS = 250;

/** Keeps the last {@link OUTPUT_LIMIT} characters of a stream (which then flows). */
function keepTail(stream: Readable): () => string {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (s: string) => {
    text += s;
    if (text.length > OUTPUT_LIMIT * 2) text = text.slice(-OUTPUT_LIMIT);
  });
  stream.on('error', () => {});
  return () => (text.length > OUTPUT_LIMIT ? text.slice(-OUTPUT_LIMIT) : text);
}

/**
 * Arguments refused in `args`: each would leave a QEMU the launcher does not track or take over the
 * process it watches. `-daemonize` forks and lets the started process exit (an untracked QEMU
 * runs on); `-run-with daemonize=…` in case a QEMU adds that form.
 */
function refusedArg(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-daemonize' || a === '--daemonize') return `${a} (it detaches QEMU from the launcher, which could then neither watch nor stop it)`;
    if ((a === '-run-with' || a === '--run-with') && /(^|,)daemonize(=|,|$)/.test(args[i + 1] ?? '')) return `${a} ${args[i + 1]} (it detaches QEMU from the launcher)`;
  }
  return undefined;
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
  const refused = args === undefined ? undefined : refusedArg(args as string[]);
  if (refused !== undefined) return `args must not hold ${refused}`;
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
 * `connect` is the client layer's seam ({@link LaunchConnector}); `DefaultClient` the class used
 * when `options.client` is not set. The public entry is `launchQemu` (`launch.ts`).
 */
export async function launchWith<T>(options: LaunchOptions<T>, connect: LaunchConnector<T>, DefaultClient?: ClientClass<T>): Promise<LaunchedQemu<T>> {
  const problem = launchOptionsProblem(options);
  if (problem !== undefined) throw new QmpUsageError(`launchQemu: ${problem}`);
  const Client = (options.client ?? DefaultClient) as ClientClass<T>;
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const grace = options.closeGraceMs ?? 3000;
  const tempDir = await mkdtemp(join(tmpdir(), 'qmp-sdk-'));
  const socketPath = join(tempDir, 'qmp.sock');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...(options.inheritEnv === false ? {} : process.env), ...(options.env ?? {}) })) {
    if (v !== undefined) env[k] = v;
  }
  const argv = ['-qmp', `unix:${qemuOptValue(socketPath)},server=on,wait=off`, ...(options.args ?? [])];
  const watched = startWatched(options.binary, argv, env, tempDir);
  const child = watched.watcher;
  const getStdout = keepTail(watched.stdout);
  const getStderr = keepTail(watched.stderr);
  let exitInfo: QemuExit | undefined;
  let spawnError: Error | undefined;
  let qemuPid: number | undefined;
  let dirRemoved: Promise<void> | undefined;
  const removeDir = (): Promise<void> => (dirRemoved ??= rm(tempDir, { recursive: true, force: true }).catch(() => {}));
  const exited = watched.exited.then((info) => {
    exitInfo = info;
    void removeDir();
    return info;
  });
  watched.pid.then(
    (pid) => (qemuPid = pid),
    (e: Error) => (spawnError = e),
  );
  try {
    qemuPid = await watched.pid;
  } catch {
    // reported below with the exit
  }

  const kill = async (): Promise<void> => {
    if (!exitInfo) {
      watched.signal('SIGKILL');
      await exited;
    }
    await removeDir();
  };
  const launchError = (message: string, cause: unknown): QmpLaunchError => {
    const err = getStderr().trim();
    return new QmpLaunchError(`QEMU ${options.binary} ${message}${err ? `:\n${err}` : ''}`, {
      stderr: getStderr(),
      exitCode: exitInfo?.code ?? null,
      signal: exitInfo?.signal ?? null,
      cause,
    });
  };

  const deadline = Date.now() + startTimeoutMs;
  let launched: LaunchedClient<T> | undefined;
  let lastError: unknown;
  let close!: () => Promise<void>;
  while (!launched) {
    if (exitInfo || spawnError) {
      await kill();
      const how = spawnError
        ? `could not be started: ${spawnError.message}`
        : `exited during start-up (${exitInfo?.signal ? `signal ${exitInfo.signal}` : `code ${exitInfo?.code}`})`;
      throw launchError(how, spawnError);
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      await kill();
      throw launchError(`did not accept QMP connections on ${socketPath} within ${startTimeoutMs} ms`, lastError);
    }
    try {
      const connectOptions = {
        ...options.qmp,
        path: socketPath,
        connectTimeoutMs: Math.min(remaining, options.qmp?.connectTimeoutMs ?? remaining),
        [serverArchHint]: archOfBinary(options.binary), // free: the binary's name says it
      };
      launched = await connect(Client, connectOptions, () => close());
    } catch (e) {
      lastError = e;
      const refused = isQmpConnectionError(e) && e.reason === 'refused' && (e.syscallCode === 'ECONNREFUSED' || e.syscallCode === 'ENOENT');
      if (!refused && !exitInfo) {
        // A real failure (negotiation, timeout…): do not leave the process behind.
        await Promise.race([exited, sleep(EXIT_REPORT_MS)]); // a dying QEMU: report its exit, with its stderr
        if (!exitInfo) {
          await kill();
          // A peer that accepts but never greets, or drops the connection, or sends bytes that are not
          // QMP: a QmpLaunchError with QEMU's stderr (the cause is the client's error). A refused
          // negotiation (e.g. a required capability) or a caller mistake keeps its own class.
          if (isQmpTimeoutError(e) || isQmpConnectionError(e) || isQmpProtocolError(e)) {
            throw launchError(`accepted on ${socketPath} but the QMP session failed: ${e instanceof Error ? e.message : String(e)}`, e);
          }
          throw e;
        }
      }
      if (refused) await sleep(RETRY_MS);
    }
  }

  let closing: Promise<void> | undefined;
  const client = launched;
  close = (): Promise<void> =>
    (closing ??= (async () => {
      const polite = !exitInfo && client.isOpen();
      if (polite) {
        client.expectClose(); // QEMU ends the connection after `quit`: that is this close, not a drop to reconnect from
        try {
          await client.quit(grace);
        } catch {
          // QEMU may close the socket before answering; the process is watched below.
        }
      }
      for (const signal of [...(polite ? [null] : []), 'SIGTERM', 'SIGKILL'] as const) {
        if (exitInfo) break;
        if (signal) watched.signal(signal);
        if (signal === 'SIGKILL') await exited;
        else await Promise.race([exited, sleep(grace)]);
      }
      await client.closeConnection();
      await removeDir();
    })());
  return {
    qmp: client.client,
    pid: qemuPid!,
    watcher: child,
    kill: (signal: NodeJS.Signals = 'SIGTERM') => watched.signal(signal),
    socketPath,
    tempDir,
    exited,
    output: { stdout: watched.stdout, stderr: watched.stderr },
    stdout: getStdout,
    stderr: getStderr,
    close,
    [Symbol.asyncDispose]: close,
  };
}
