/**
 * Connecting a QMP session: checks the options, opens the transport, gives the connection its
 * framer, waits for the greeting and `qmp_capabilities` (the session answers them), loads the
 * target's validators, opens the request core, sets up the reconnector, reports a version
 * mismatch. The whole within `connectTimeoutMs`, abortable by `signal`.
 */
import type { TargetBinding } from '../target.js';
import { QmpAbortError, QmpConnectionError, QmpError, QmpNegotiationError, QmpTimeoutError, QmpUsageError } from '../errors.js';
import { optionsProblem as shapeProblem } from '../options.js';
import { connectOptionsShape } from '../option-shapes.js';
import { timerDelayProblem } from '../timers.js';
import { preview } from '../preview.js';
import { Connection } from '../core/connection.js';
import { JsonFramer, checkFramerLimits } from '../core/json-framer.js';
import { openTransport, describeTransport } from '../core/transport.js';
import { Reconnector, reconnectOptionsProblem } from './reconnect.js';
import type { ClientOptions, ConnectOptions } from './client-types.js';
import type { QmpSession } from './session.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Why the client options are unusable (they would otherwise hang or misbehave later), if they are. */
function optionsProblem(o: ClientOptions): string | undefined {
  if (typeof o !== 'object' || o === null) return `the options must be an object, got ${preview(o, 60)}`;
  const shape = shapeProblem(o, connectOptionsShape);
  if (shape !== undefined) return shape;
  const timerProblem = timerDelayProblem('connectTimeoutMs', o.connectTimeoutMs) ?? timerDelayProblem('commandTimeoutMs', o.commandTimeoutMs);
  if (timerProblem !== undefined) return timerProblem;
  const reconnectProblem = reconnectOptionsProblem(o.reconnect);
  if (reconnectProblem !== undefined) return reconnectProblem;
  const limitProblem = checkFramerLimits(o);
  if (limitProblem !== undefined) return limitProblem;
  const v = o.maxInBandInFlight;
  if (v !== undefined && !(Number.isInteger(v) && v >= 1)) return `maxInBandInFlight must be a positive integer, got ${preview(v, 60)}`;
  return undefined;
}

/** Connects and negotiates; `again` for a reconnect attempt (then a failure leaves the session to the reconnector). */
export async function startSession(s: QmpSession, options: ConnectOptions, target: TargetBinding | undefined, again = false): Promise<void> {
  const problem = optionsProblem(options);
  const timeoutMs = problem === undefined ? (options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS) : 0;
  const where = problem === undefined ? describeTransport(options) : 'the given transport';
  const signal = problem === undefined && !again ? options.signal : undefined;
  const validators = target && !again ? target.loadValidators() : undefined;
  validators?.catch(() => {}); // awaited below; must not be unhandled if connect fails first

  let failConnect!: (e: unknown) => void;
  const failed = new Promise<never>((_, reject) => (failConnect = reject));
  failed.catch(() => {});
  let phaseName = 'connecting';
  const timer = setTimeout(() => {
    failConnect(new QmpTimeoutError('connect', timeoutMs, `connect ${where}: ${phaseName} did not finish within ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = (): void => failConnect(new QmpAbortError(`connect ${where}`, signal?.reason));
  signal?.addEventListener('abort', onAbort, { once: true });
  let abandoned = false;
  const stillWanted = (): void => {
    if (again && !s.reconnecting) throw new QmpConnectionError('closed', 'the QMP connection was closed by the client');
  };
  try {
    if (problem !== undefined) throw new QmpUsageError(`connect: ${problem}`);
    if (signal?.aborted) throw new QmpAbortError(`connect ${where}`, signal.reason);
    const streamPromise = openTransport(options, signal);
    streamPromise.then(
      (stream) => {
        // connect() already failed (timeout): do not leak the socket.
        if (abandoned || (s.phase === 'closed' && !s.conn)) stream.destroy();
      },
      () => {},
    );
    const stream = await Promise.race([streamPromise, failed]);
    if (again && !s.reconnecting) stream.destroy();
    stillWanted();
    phaseName = 'waiting for the greeting';
    const negotiated = new Promise<void>((resolve, reject) => {
      s.negotiation = { id: -1, resolve, reject };
    });
    negotiated.catch(() => {});
    const { maxMessageBytes, maxMessageDepth, maxMessageTokens } = options;
    s.skippedThisConnection = 0;
    s.conn = new Connection(stream, new JsonFramer({ maxMessageBytes, maxMessageDepth, maxMessageTokens }), {
      onMessage: s.onMessage,
      onClose: s.onConnectionClose,
    }, 'QMP');
    await Promise.race([negotiated, failed]);
    stillWanted();
    phaseName = 'loading the validators';
    s.phase = 'negotiated';
    if (validators) s.validators = await Promise.race([validators, failed]);
    s.phase = 'ready';
    s.core.open(s.maxInBand);
    s.closeReason = undefined;
    s.reconnecting = false;
    if (options.reconnect && !s.reconnector) {
      s.reconnector = new Reconnector(options.reconnect, {
        attempt: () => startSession(s, options, target, true),
        giveUp: (error) => {
          s.reconnecting = false;
          s.teardown(error, false);
          s.resolveClosed(error);
        },
        report: (error) => s.report(error, 'handler'),
      });
    }
    const mismatch = s.versionMismatch;
    if (mismatch && (options.versionMismatch ?? 'warn') === 'warn' && mismatch.summary !== s.reportedMismatch) {
      // After connect() resolved, so that listeners added right after `await connect()` get it. Once per
      // mismatch: a reconnect reports again only when it found another server (QEMU replaced meanwhile).
      s.reportedMismatch = mismatch.summary;
      setImmediate(() => {
        if (s.errorListeners.length > 0) s.report(mismatch, 'version');
        else process.emitWarning(mismatch.message, { type: 'QmpVersionMismatchWarning' });
      });
    }
  } catch (e) {
    abandoned = true;
    const error = e instanceof QmpError ? e : new QmpNegotiationError(`connect ${where} failed: ${(e as Error)?.message ?? e}`, { cause: e });
    const closeError =
      error instanceof QmpConnectionError ? error : new QmpConnectionError('closed', `connect failed: ${error.message}`, { cause: error });
    if (again) {
      // A failed reconnect attempt: drop its socket, stay down; the reconnector decides what follows.
      s.negotiation = undefined;
      s.conn?.destroy(closeError);
      s.conn = undefined;
      if (s.phase !== 'closed') s.phase = 'greeting';
      throw error;
    }
    s.teardown(closeError, true);
    s.conn?.destroy(closeError);
    s.resolveClosed(closeError);
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
