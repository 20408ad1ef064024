/**
 * A unix socket only its owner can connect to, whatever the process umask (issue 10 item 5: under
 * `umask 000` the test server's socket was 0777, open to every local user).
 *
 * `listen(path)` creates the socket file with the umask's mode, and a `chmod` after it leaves a
 * window in which anyone may connect. So the socket is bound inside a fresh folder of mode 0700
 * (nobody else can reach a file in it), made 0600 there, and only then hard-linked to the path the
 * caller asked for (a link fails with EEXIST instead of replacing an existing file); the first name
 * and the folder are removed at once. The socket is never reachable by others at any moment.
 */
import { chmodSync, linkSync, lstatSync, mkdtempSync, rmdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:net';
import { dirname, join } from 'node:path';

/** A listening private socket; `remove()` unlinks its path (if it is still this socket). */
export interface PrivateSocket {
  remove(): void;
}

/** Makes `server` listen on the unix socket `path`, mode 0600 from the start. */
export async function listenPrivate(server: Server, path: string): Promise<PrivateSocket> {
  const dir = mkdtempSync(join(dirname(path), '.qmp-')); // mode 0700
  const inner = join(dir, 's');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(inner, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chmodSync(inner, 0o600);
    linkSync(inner, path);
  } catch (e) {
    server.close();
    throw e;
  } finally {
    rmSync(inner, { force: true });
    rmdirSync(dir);
  }
  const ino = statSync(path).ino;
  return {
    remove() {
      try {
        if (lstatSync(path).ino === ino) unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
}
