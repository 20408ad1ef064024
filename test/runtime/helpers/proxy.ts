/**
 * A small unix-socket proxy between a client and a real QEMU monitor, for reconnection tests: it
 * forwards bytes both ways, can hold what the client sends (so a command is in flight for sure),
 * cut every connection on cue, and stop accepting (so reconnection attempts are refused).
 */
import { createServer, connect, type Socket } from 'node:net';

export interface Proxy {
  /** Where clients connect. */
  readonly path: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** From now on, hold client → QEMU bytes; resolves when some arrived (a command is in flight, unanswered). */
  holdNextClientBytes(): Promise<void>;
  /** Destroys every open client and upstream socket. */
  cut(): void;
  /** Stops accepting at once (later attempts are refused); resolves once the open connections ended. */
  stop(): Promise<void>;
}

export async function startProxy(path: string, upstream: string): Promise<Proxy> {
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  let holding: (() => void) | undefined;
  const server = createServer((client) => {
    accepted++;
    const qemu = connect({ path: upstream });
    const pair: [Socket, Socket] = [client, qemu];
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      qemu.destroy();
    };
    client.on('error', end).on('close', end);
    qemu.on('error', end).on('close', end);
    qemu.on('data', (b) => client.write(b));
    client.on('data', (b) => {
      if (holding) {
        const h = holding;
        holding = undefined;
        client.pause(); // nothing more is forwarded from this client
        h();
        return;
      }
      qemu.write(b);
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  return {
    path,
    get accepted() {
      return accepted;
    },
    holdNextClientBytes: () => new Promise<void>((resolve) => (holding = resolve)),
    cut() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
