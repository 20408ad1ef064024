/**
 * How much one `guest-file-read`/`guest-file-write` moves. Default 1 MiB per command, at most 8 MiB:
 * - the agent reads at most 48 MB per `guest-file-read` (`QGA_READ_COUNT_MAX`, qga/qapi-schema.json) and
 *   refuses a request token above 64 MiB (QEMU's JSON parser, `MAX_TOKEN_SIZE`);
 * - base64 makes 4/3 of the bytes, so an 8 MiB chunk is a reply of about 10.7 MiB, under the client's default
 *   `maxMessageBytes` (16 MiB); larger chunks would need a larger limit on every client;
 * - the agent is single-threaded: while it encodes one chunk nothing else is served, so chunks stay small enough
 *   to keep other commands answered promptly, and 1 MiB already makes the per-command round trip a small part of
 *   the transfer (measured in `bench/qga.ts`).
 */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
export const MAX_CHUNK_BYTES = 8 * 1024 * 1024;
