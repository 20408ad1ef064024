/**
 * `readFile` and `writeFile`: whole guest files through `guest-file-open`, `guest-file-read`/`guest-file-write`
 * in chunks (base64 on the wire, binary-safe) and `guest-file-close` (`qga/qapi-schema.json`, since 0.15;
 * the same on qemu-ga 7.2 and 10.0).
 */
import { QmpUsageError } from '../../errors.js';
import type { QgaExecutor } from './executor.js';
import { withGuestFile } from './file-handle.js';
import { checkIntegerOption, checkOptions, fileOptionsShape } from './option-shapes.js';
import { replyBase64, replyBoolean, replyCount, replyObject } from './reply-shapes.js';
import { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES } from './transfer-limits.js';

/** Options of `readFile` and `writeFile` (`QgaClient.readFile`, `QgaClient.writeFile`). */
export interface QgaFileOptions {
  /** Stop at the next chunk when aborted (the handle is still closed): rejects with `QmpAbortError`. */
  signal?: AbortSignal;
  /** Bytes per `guest-file-read`/`guest-file-write`, from 1 to 8 MiB (default 64 KiB, measured; see `transfer-limits.ts`). */
  chunkBytes?: number;
  /** `readFile` only: refuse a file longer than this many bytes (default: no limit). */
  maxBytes?: number;
}

function check(operation: string, path: unknown, options: QgaFileOptions | undefined): number {
  if (typeof path !== 'string' || path === '') throw new QmpUsageError(`${operation}: path must be a non-empty string (a path in the guest)`);
  checkOptions(operation, options, fileOptionsShape);
  checkIntegerOption(operation, 'chunkBytes', options?.chunkBytes, 1, MAX_CHUNK_BYTES);
  checkIntegerOption(operation, 'maxBytes', options?.maxBytes, 0, Number.MAX_SAFE_INTEGER);
  return options?.chunkBytes ?? DEFAULT_CHUNK_BYTES;
}

/**
 * Reads the whole guest file `path` (opened with fopen() mode `r`) and returns its bytes. Reads chunk after
 * chunk until the agent reports end of file (or a read returns no bytes).
 *
 * Rejects with `QgaFileError` (`path`, `step`: `open` — e.g. no such file, the agent's `GenericError` as
 * `cause` —, `read`, `close`), with `QmpAbortError` when `signal` aborts, and with `QmpUsageError` for bad
 * arguments. The handle is closed on every path once opened.
 */
export async function readFile(agent: QgaExecutor, path: string, options?: QgaFileOptions): Promise<Buffer> {
  const chunk = check('readFile', path, options);
  const max = options?.maxBytes;
  return withGuestFile(agent, path, 'r', options?.signal, async (file) => {
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const reply = await file.run('read', 'guest-file-read', { count: chunk });
      let data: Buffer;
      let eof: boolean;
      let count: number;
      try {
        const r = replyObject('guest-file-read', reply);
        count = replyCount('guest-file-read', r['count'], 'count', chunk);
        data = replyBase64('guest-file-read', r['buf-b64'], 'buf-b64');
        eof = replyBoolean('guest-file-read', r['eof'], 'eof');
      } catch (e) {
        throw file.problem('read', e instanceof Error ? e.message : String(e), e);
      }
      if (data.length !== count) throw file.problem('read', `the agent said count ${count} but sent ${data.length} bytes`);
      total += data.length;
      if (max !== undefined && total > max) throw file.problem('read', `the file is longer than maxBytes (${max})`);
      if (data.length > 0) parts.push(data);
      if (eof || data.length === 0) return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
    }
  });
}

/**
 * Writes `data` (a string is written as UTF-8) to the guest file `path`, created or truncated (fopen() mode `w`,
 * with the agent's rights). An empty `data` leaves an empty file.
 *
 * Rejects with `QgaFileError` (`path`, `step`: `open`, `write`, `close` — the agent's stdio buffers, so a full
 * disk may first show at `close`), `QmpAbortError` when `signal` aborts, `QmpUsageError` for bad arguments.
 * The handle is closed on every path once opened. A transfer that failed after `open` leaves the file with
 * only its first bytes: the agent has no command to remove or rename a file.
 */
export async function writeFile(agent: QgaExecutor, path: string, data: Uint8Array | string, options?: QgaFileOptions): Promise<void> {
  const chunk = check('writeFile', path, options);
  if (options?.maxBytes !== undefined) throw new QmpUsageError('writeFile: maxBytes is an option of readFile only');
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw new QmpUsageError('writeFile: data must be a Buffer, a Uint8Array or a string');
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  await withGuestFile(agent, path, 'w', options?.signal, async (file) => {
    let offset = 0;
    while (offset < bytes.length) {
      const piece = bytes.subarray(offset, offset + chunk);
      const reply = await file.run('write', 'guest-file-write', { 'buf-b64': piece.toString('base64') });
      let written: number;
      try {
        written = replyCount('guest-file-write', replyObject('guest-file-write', reply)['count'], 'count', piece.length);
      } catch (e) {
        throw file.problem('write', e instanceof Error ? e.message : String(e), e);
      }
      // fwrite() may write less than asked; write the rest, but never loop without progress.
      if (written === 0) throw file.problem('write', `the agent wrote 0 of ${piece.length} bytes at offset ${offset}`);
      offset += written;
    }
  });
}
