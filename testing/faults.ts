/**
 * Fault injection options of the test server. Every option is off by default; they can be given
 * for the whole server, per accepted connection, or changed on a live connection (`setFaults`).
 * "Commands" counts the commands a connection received after capabilities negotiation.
 */

/** Commands a fault applies to: `true` for every command after negotiation, or a list of wire names. */
export type CommandSelector = boolean | readonly string[];

/** Fault injection options; see the README's "fault → guaranteed behaviour" table. */
export interface QmpFaults {
  /** Write every message in chunks of at most this many bytes, each chunk a separate write (1 = byte by byte). */
  chunkSize?: number;
  /** Hold outgoing messages and write up to this many in one write (held ones go out when the server is idle). */
  coalesce?: number;
  /** Wait this many milliseconds before writing each reply. */
  replyDelayMs?: number;
  /** Hold replies until this many are ready (or the server is idle), then send them in shuffled order. */
  shuffleWindow?: number;
  /** Seed of the shuffle (deterministic; default 1). */
  shuffleSeed?: number;
  /** Close the connection at once, before sending the greeting. */
  closeBeforeGreeting?: boolean;
  /** Close the connection when `qmp_capabilities` arrives, without answering it. */
  closeDuringNegotiation?: boolean;
  /** Write half of the greeting (`'greeting'`) or of the reply to the K-th command (1-based), then close. */
  closeMidMessage?: 'greeting' | number;
  /** Close the connection right after answering the K-th command. */
  closeAfterCommands?: number;
  /** Never answer these commands (the handler still runs; its reply is dropped). */
  neverAnswer?: CommandSelector;
  /** Answer these commands with an `id` the client never sent. */
  replyWithUnknownId?: CommandSelector;
  /** Answer these commands without any `id` member. */
  replyWithoutId?: CommandSelector;
  /** Write these raw bytes just before the reply to each selected command. */
  injectBeforeReply?: { readonly commands?: CommandSelector; readonly bytes: string | Uint8Array };
  /** Write these raw bytes before the greeting (real QEMU 10.0 was seen sending an event there). */
  injectBeforeGreeting?: string | Uint8Array;
  /** Write these raw bytes right after the greeting. */
  injectAfterGreeting?: string | Uint8Array;
}

/** True when `selector` picks the command `name`. */
export function selects(selector: CommandSelector | undefined, name: string): boolean {
  if (selector === undefined || selector === false) return false;
  if (selector === true) return name !== 'qmp_capabilities';
  return selector.includes(name);
}

/** A small deterministic PRNG (mulberry32) for shuffles. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Ready-made raw payloads for `sendRaw` / `injectBeforeReply`. */
export const rawPayloads = {
  /** Text that is not JSON at all. */
  garbage: 'this is not JSON\r\n',
  /** An object cut in the middle, followed by a new message start. */
  truncatedObject: '{"return": {"status": "runn',
  /** A message whose string holds bytes that are not UTF-8. */
  invalidUtf8: Buffer.from([
    ...Buffer.from('{"event": "X", "data": {"s": "'),
    0xff,
    0xfe,
    0xc3,
    ...Buffer.from('"}, "timestamp": {"seconds": 1, "microseconds": 2}}\r\n'),
  ]),
  /** A syntactically valid message of about `bytes` bytes (an event carrying one long string). */
  huge(bytes: number): Buffer {
    const head = '{"event": "HUGE", "data": {"s": "';
    const tail = '"}, "timestamp": {"seconds": 1, "microseconds": 2}}\r\n';
    const n = Math.max(0, bytes - head.length - tail.length);
    return Buffer.concat([Buffer.from(head), Buffer.alloc(n, 0x61), Buffer.from(tail)]);
  },
} as const;
