/**
 * How much one `guest-file-read`/`guest-file-write` moves: 64 KiB by default, at most 8 MiB.
 * - Default, measured (`bench/qga.ts`, qemu-ga 10.0 on this host, 16 MiB file): reads with chunks of 16–64 KiB
 *   ran at about 45–55 MiB/s, with 96 KiB to 8 MiB at 12–38 MiB/s (a reply above about 90 KB of base64 is
 *   slower per byte; the cause, client framing or the agent's writer, is not pinned down); writes were flat
 *   at 30–43 MiB/s. 64 KiB is also small enough that the single-threaded agent answers other commands
 *   between chunks, and a 1 GiB file is 16 Ki commands.
 * - Maximum: the agent reads at most 48 MB per `guest-file-read` (`QGA_READ_COUNT_MAX`, qga/qapi-schema.json)
 *   and refuses a request token above 64 MiB (QEMU's JSON parser, `MAX_TOKEN_SIZE`); base64 makes 4/3 of the
 *   bytes, so 8 MiB is a reply of about 10.7 MiB, under the client's default `maxMessageBytes` (16 MiB).
 */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
