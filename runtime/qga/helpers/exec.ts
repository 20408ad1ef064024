/**
 * `exec`: run a program in the guest and wait for it, through `guest-exec` and `guest-exec-status`
 * (`qga/qapi-schema.json`, since 2.5; the same wire form on qemu-ga 7.2 and 10.0: `capture-output: true` is the
 * bool of 7.2 and the `flag` branch of 10.0's `GuestExecCaptureOutput` alternate, both meaning stdout and stderr
 * captured separately).
 */
import { QmpUsageError } from '../../errors.js';
import { deadline, pause } from './deadline.js';
import type { QgaExecutor } from './executor.js';
import { checkIntegerOption, checkOptions, execOptionsShape } from './option-shapes.js';
import { replyBase64, replyBoolean, replyInteger, replyObject } from './reply-shapes.js';

/** Options of `exec` (`QgaClient.exec`). */
export interface QgaExecOptions {
  /** Bytes for the program's stdin (a string is sent as UTF-8); the agent closes stdin after them. Without it, stdin is empty. */
  input?: string | Uint8Array;
  /**
   * The program's whole environment, `{ NAME: value }`. The agent passes it as the environment itself (not
   * added to its own); without it the program inherits the agent's environment.
   */
  env?: Readonly<Record<string, string>>;
  /** Give up after this many milliseconds (start and every poll included): rejects with `QmpTimeoutError`. */
  timeoutMs?: number;
  /** Give up when aborted: rejects with `QmpAbortError`. */
  signal?: AbortSignal;
  /** Longest pause between two `guest-exec-status` polls, in ms (default 100); pauses start at 1 ms and double up to it. */
  pollIntervalMs?: number;
}

/** How the program ended and what it wrote. */
export interface QgaExecResult {
  /** Its exit status when it exited normally; `null` when a signal ended it. */
  exitCode: number | null;
  /** The signal number that ended it (Linux; on Windows guests the unhandled exception code); absent otherwise. */
  signal?: number;
  /** Its stdout, as captured by the agent. */
  stdout: Buffer;
  /** Its stderr, as captured by the agent. */
  stderr: Buffer;
  /**
   * Present when the agent kept only the start of an output: it captures at most 16 MiB per stream
   * (`GUEST_EXEC_MAX_OUTPUT` in `qga/commands.c`) and reports `out-truncated`/`err-truncated`.
   */
  truncated?: { stdout: boolean; stderr: boolean };
}

const FIRST_PAUSE_MS = 1;
const DEFAULT_MAX_PAUSE_MS = 100;

function checkCall(path: unknown, args: unknown, options: QgaExecOptions | undefined): void {
  if (typeof path !== 'string' || path === '') throw new QmpUsageError(`exec: path must be a non-empty string (a path or a program name in the guest), got ${typeof path === 'string' ? 'an empty string' : typeof path}`);
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) throw new QmpUsageError('exec: args must be an array of strings');
  checkOptions('exec', options, execOptionsShape, ['timeoutMs']);
  checkIntegerOption('exec', 'pollIntervalMs', options?.pollIntervalMs, 1, 60_000);
  for (const name of Object.keys(options?.env ?? {})) {
    if (name === '' || name.includes('=')) throw new QmpUsageError(`exec: env name ${JSON.stringify(name)} must be non-empty and contain no '='`);
  }
}

/**
 * Runs `path` with `args` in the guest, feeds it `options.input`, waits until it exits and returns its exit
 * status and captured output (base64-decoded). A non-zero exit is a result, not an error.
 *
 * How: `guest-exec {path, arg, env?, input-data?, capture-output: true}` → `{pid}`, then `guest-exec-status
 * {pid}` until `exited` (the agent reaps the process and drops its record on that reply).
 *
 * Rejects with: `QmpUsageError` for bad arguments (nothing sent); the client's `QmpCommandError` when the agent
 * refuses (e.g. no such program: `GenericError` "Failed to execute child process …"); `QmpTimeoutError`
 * after `timeoutMs`; `QmpAbortError` when `signal` aborts; `QmpProtocolError` for a reply of another shape;
 * connection errors as the client gives them.
 *
 * On a timeout or an abort polling stops, but **the guest process keeps running**: the agent has no command to
 * stop a process it started (neither qemu-ga 7.2 nor 10.0 has one; `guest-exec-status` only reports), and its
 * record stays in the agent until something asks `guest-exec-status` for that pid after it exited. The error's
 * message gives the pid (to end it, run e.g. `kill <pid>` with another `exec`).
 */
export async function exec(agent: QgaExecutor, path: string, args: readonly string[] = [], options?: QgaExecOptions): Promise<QgaExecResult> {
  checkCall(path, args, options);
  const limit = deadline(options?.signal, options?.timeoutMs);
  let pid: number | bigint | undefined;
  try {
    const request: Record<string, unknown> = { path, arg: [...args], 'capture-output': true };
    if (options?.env !== undefined) request['env'] = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
    if (options?.input !== undefined) request['input-data'] = Buffer.from(options.input).toString('base64');
    const started = replyObject('guest-exec', await agent.execute('guest-exec', request, { signal: limit.signal }));
    pid = replyInteger('guest-exec', started['pid'], 'pid');
    const maxPause = options?.pollIntervalMs ?? DEFAULT_MAX_PAUSE_MS;
    let wait = Math.min(FIRST_PAUSE_MS, maxPause);
    for (;;) {
      await pause(wait, limit.signal, 'guest-exec');
      wait = Math.min(wait * 2, maxPause);
      const status = replyObject('guest-exec-status', await agent.execute('guest-exec-status', { pid }, { signal: limit.signal }));
      if (!replyBoolean('guest-exec-status', status['exited'], 'exited')) continue;
      return result(status);
    }
  } catch (e) {
    const running = pid === undefined ? 'the process may have started in the guest' : `the guest process (pid ${String(pid)}) keeps running: the agent cannot stop it`;
    throw limit.explain(e, 'guest-exec', running);
  } finally {
    limit.dispose();
  }
}

function result(status: Record<string, unknown>): QgaExecResult {
  const c = 'guest-exec-status';
  const code = status['exitcode'];
  const sig = status['signal'];
  const out: QgaExecResult = {
    exitCode: code === undefined ? null : Number(replyInteger(c, code, 'exitcode')),
    stdout: replyBase64(c, status['out-data'], 'out-data'),
    stderr: replyBase64(c, status['err-data'], 'err-data'),
  };
  if (sig !== undefined) out.signal = Number(replyInteger(c, sig, 'signal'));
  const outCut = replyBoolean(c, status['out-truncated'], 'out-truncated', false);
  const errCut = replyBoolean(c, status['err-truncated'], 'err-truncated', false);
  if (outCut || errCut) out.truncated = { stdout: outCut, stderr: errCut };
  return out;
}
