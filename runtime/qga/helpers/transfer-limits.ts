/**
 * How much one `guest-file-read`/`guest-file-write` moves: 64 KiB by default, at most 8 MiB.
 * - Default, measured (`bench/qga.ts` and by hand, qemu-ga 10.0 on this host, a 16 MiB file, 5 runs): reads in
 *   chunks of 32–64 KiB ran at 48–58 MiB/s every time; chunks of 96 KiB and more ranged from 12 to 61 MiB/s,
 *   often about half of that (replies above about 90 KB of base64; the cause, client framing or the agent's
 *   writer, is not pinned down). Writes were flat at 30–44 MiB/s from 16 KiB to 1 MiB. 64 KiB is also small enough that the single-threaded agent answers other commands
 *   between chunks, and a 1 GiB file is 16 Ki commands.
 * - Maximum: the agent reads at most 48 MB per `guest-file-read` (`QGA_READ_COUNT_MAX`, qga/qapi-schema.json)
 *   and refuses a request token above 64 MiB (QEMU's JSON parser, `MAX_TOKEN_SIZE`); base64 makes 4/3 of the
 *   bytes, so 8 MiB is a reply of about 10.7 MiB, under the client's default `maxMessageBytes` (16 MiB).
 */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
