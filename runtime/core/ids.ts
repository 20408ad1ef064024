/**
 * Command ids, unique among all the connections of this process.
 *
 * Why: when a client closes with commands in flight, QEMU 10.0 may deliver their late replies to
 * the next client of the same monitor (before or after its greeting). With ids restarting at 1 on
 * every connection, such a reply could settle a call of the later connection with the answer to
 * another command. With ids unique in the process it can only be an unknown id (dropped, reported).
 *
 * They start at a random point below 2^30, so that two processes talking to one QEMU one after the
 * other (a command-line tool run twice) are unlikely to reuse each other's ids either, and they stay
 * small integers (V8 Smis, the cheapest map keys and JSON numbers) for at least 2^30 commands; after
 * that they are still exact integers (up to 2^53).
 */
let last = Math.floor(Math.random() * 2 ** 30);

/** The next id: a positive integer never returned before in this process. */
export function nextCommandId(): number {
  return ++last;
}
