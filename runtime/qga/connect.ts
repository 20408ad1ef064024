/**
 * Connecting a guest agent session: checks the options, opens the transport (within
 * `connectTimeoutMs`), gives the connection the {@link DelimitedFramer}, synchronises (0xFF +
 * `guest-sync-delimited`, within `syncTimeoutMs`: else {@link QgaNoAgentError}), loads the target's
 * validators, opens the request core. Abortable by `signal`. On failure nothing is left open.
 */
import type { Duplex } from 'node:stream';
import { QmpAbortError, QmpConnectionError, QmpError, QmpTimeoutError, QmpUsageError, isQmpConnectionError } from '../errors.js';
import { optionsProblem as shapeProblem, optionRules as r, type OptionShape } from '../options.js';
import { timerDelayProblem } from '../timers.js';
import { preview } from '../preview.js';
import { Connection } from '../core/connection.js';
import { checkFramerLimits } from '../core/json-framer.js';
import { openTransport, describeTransport } from '../core/transport.js';
import type { QgaConnectOptions } from './types.js';
import type { QgaSession } from './session.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens the transport; a unix socket refused with `EAGAIN` (its listen queue is full) is tried again
 * every 20 ms until `failed` settles: `qemu-ga -m unix-listen` serves one client at a time and
 * accepts the next only when the current one is gone, so clients that just left still fill its
 * short queue for a moment (measured: a connect right after two short-lived ones).
 */
async function openWithRetry(options: QgaConnectOptions, signal: AbortSignal | undefined, failed: Promise<never>, gaveUp: () => boolean): Promise<Duplex> {
  for (;;) {
    const opening = openTransport(options, signal);
    opening.then((stream) => {
      if (gaveUp()) stream.destroy(); // connect() failed meanwhile: do not leak the socket
    }, () => {});
    try {
      return await Promise.race([opening, failed]);
    } catch (e) {
      if (!(isQmpConnectionError(e) && e.syscallCode === 'EAGAIN') || gaveUp()) throw e;
    }
    await Promise.race([new Promise((r) => setTimeout(r, 20)), failed]);
  }
}

/** `QgaClient.connect()`'s options: a transport (checked by transport.ts) plus the client options. */
export const qgaConnectOptionsShape: OptionShape = {
  rules: {
    path: r.any,
    host: r.any,
    port: r.any,
    stream: r.any,
    connectTimeoutMs: r.number,
    syncTimeoutMs: r.number,
    signal: r.signal,
    maxMessageBytes: r.number,
    maxMessageDepth: r.number,
    maxMessageTokens: r.number,
    commandTimeoutMs: r.number,
    validateArguments: r.boolean,
    validateReturns: r.boolean,
    trace: r.function,
  },
  hints: {
    timeout: 'connectTimeoutMs, syncTimeoutMs or commandTimeoutMs',
    timeoutMs: 'connectTimeoutMs, syncTimeoutMs or commandTimeoutMs',
    validate: 'validateArguments or validateReturns',
    socket: 'path (a unix socket) or host/port',
  },
};

function optionsProblem(o: QgaConnectOptions): string | undefined {
  if (typeof o !== 'object' || o === null) return `the options must be an object, got ${preview(o, 60)}`;
  return (
    shapeProblem(o, qgaConnectOptionsShape) ??
    timerDelayProblem('connectTimeoutMs', o.connectTimeoutMs) ??
    timerDelayProblem('syncTimeoutMs', o.syncTimeoutMs) ??
    timerDelayProblem('commandTimeoutMs', o.commandTimeoutMs) ??
    checkFramerLimits(o)
  );
}

/** Connects and synchronises `s`; rejects with a typed error (and closes everything) on failure. */
export async function startQgaSession(s: QgaSession, options: QgaConnectOptions): Promise<void> {
  const problem = optionsProblem(options);
  const where = problem === undefined ? describeTransport(options) : 'the given transport';
  s.where = where;
  const signal = problem === undefined ? options.signal : undefined;
  const validators = problem === undefined ? s.target?.loadValidators() : undefined;
  validators?.catch(() => {});
  let fail!: (e: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => fail(new QmpAbortError(`connect ${where}`, signal?.reason));
  signal?.addEventListener('abort', onAbort, { once: true });
  let abandoned = false;
  try {
    if (problem !== undefined) throw new QmpUsageError(`connect: ${problem}`);
    if (signal?.aborted) throw new QmpAbortError(`connect ${where}`, signal.reason);
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    timer = setTimeout(() => fail(new QmpTimeoutError('connect', connectTimeoutMs, `connect ${where}: the transport did not open within ${connectTimeoutMs} ms`)), connectTimeoutMs);
    const streamPromise = openWithRetry(options, signal, failed, () => abandoned);
    streamPromise.then((stream) => {
      if (abandoned) stream.destroy();
    }, () => {});
    const stream = await Promise.race([streamPromise, failed]);
    clearTimeout(timer);
    s.conn = new Connection(stream, s.framer, { onMessage: s.onMessage, onClose: s.onConnectionClose }, 'guest agent');
    await Promise.race([s.synchronise('connecting', true), failed]);
    if (validators) s.validators = await Promise.race([validators, failed]);
    s.open = true;
    s.core.open();
  } catch (e) {
    abandoned = true;
    const error = e instanceof QmpError ? e : new QmpConnectionError('refused', `connect ${where} failed: ${(e as Error)?.message ?? e}`, { cause: e });
    const closeError = error instanceof QmpConnectionError ? error : new QmpConnectionError('closed', `connect failed: ${error.message}`, { cause: error });
    s.teardown(closeError);
    s.conn?.destroy(closeError);
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
