/**
 * Transports: where a QMP connection comes from. A unix socket path, a TCP host/port, or any
 * Node `Duplex` the caller already holds (a test server, an SSH channel, a serial port wrapper…).
 */
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { QmpAbortError, QmpConnectionError, QmpUsageError } from '../errors.js';
import { preview } from '../preview.js';

/** A unix domain socket, e.g. the one given to QEMU with `-qmp unix:/path,server=on,wait=off`. */
export interface UnixTransport {
  path: string;
}
/** A TCP socket, e.g. `-qmp tcp:127.0.0.1:4444,server=on,wait=off`. */
export interface TcpTransport {
  host?: string;
  port: number;
}
/** Any connected duplex byte stream. The client owns it from then on and destroys it on close. */
export interface StreamTransport {
  stream: Duplex;
}
/** Exactly one of `path`, `host`/`port` or `stream`. */
export type TransportOptions = UnixTransport | TcpTransport | StreamTransport;

/** A readable name of the transport, for error messages. */
export function describeTransport(t: TransportOptions): string {
  if ('stream' in t && t.stream) return 'stream';
  if ('path' in t && typeof t.path === 'string') return `unix:${t.path}`;
  const tcp = t as TcpTransport;
  return `tcp:${tcp.host ?? '127.0.0.1'}:${tcp.port}`;
}

/** Why `t` is not exactly one well-formed transport, or `undefined` when it is. */
function transportProblem(t: unknown): string | undefined {
  if (typeof t !== 'object' || t === null) return `the options must be an object, got ${preview(t, 60)}`;
  const o = t as Record<string, unknown>;
  const given = ['path', 'port', 'stream'].filter((k) => o[k] !== undefined);
  if (given.length !== 1) {
    return given.length === 0
      ? 'give one transport: { path } (unix socket), { host, port } (TCP) or { stream } (a Duplex)'
      : `give only one transport, not ${given.join(' and ')}`;
  }
  if (o['path'] !== undefined && (typeof o['path'] !== 'string' || o['path'] === '')) return `path must be a non-empty string, got ${preview(o['path'], 100)}`;
  if (o['port'] !== undefined) {
    const port = o['port'];
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return `port must be an integer from 1 to 65535, got ${preview(port, 60)}`;
    if (o['host'] !== undefined && (typeof o['host'] !== 'string' || o['host'] === '')) return `host must be a non-empty string, got ${preview(o['host'], 100)}`;
  }
  if (o['stream'] !== undefined) {
    const st = o['stream'] as { write?: unknown; on?: unknown } | null;
    if (typeof st !== 'object' || st === null || typeof st.write !== 'function' || typeof st.on !== 'function') return 'stream must be a Node Duplex stream';
  }
  return undefined;
}

/**
 * Opens the transport. Rejects with {@link QmpUsageError} when `t` is not exactly one well-formed
 * transport, and with {@link QmpConnectionError} (`reason: 'refused'`, with the system's
 * `syscallCode` such as `ECONNREFUSED` or `ENOENT`) when the socket cannot be opened.
 */
export function openTransport(t: TransportOptions, signal?: AbortSignal): Promise<Duplex> {
  const problem = transportProblem(t);
  if (problem !== undefined) return Promise.reject(new QmpUsageError(`connect: ${problem}`));
  if ('stream' in t && t.stream) {
    const s = t.stream;
    if (s.destroyed) return Promise.reject(new QmpConnectionError('refused', 'the given stream is already destroyed'));
    return Promise.resolve(s);
  }
  const where = describeTransport(t);
  if (signal?.aborted) return Promise.reject(new QmpAbortError(`connect ${where}`, signal.reason));
  return new Promise<Duplex>((resolve, reject) => {
    const socket =
      'path' in t && typeof t.path === 'string'
        ? netConnect({ path: t.path })
        : netConnect({ host: (t as TcpTransport).host ?? '127.0.0.1', port: (t as TcpTransport).port });
    const cleanup = (): void => {
      socket.off('connect', onConnect);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onConnect = (): void => {
      cleanup();
      resolve(socket);
    };
    const onError = (err: Error): void => {
      cleanup();
      socket.destroy();
      reject(new QmpConnectionError('refused', `cannot connect to ${where}: ${err.message}`, { cause: err }));
    };
    const onAbort = (): void => {
      cleanup();
      socket.destroy();
      reject(new QmpAbortError(`connect ${where}`, signal?.reason));
    };
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
