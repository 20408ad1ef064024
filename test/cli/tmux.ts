/**
 * Driving a program in a real terminal: tmux on a private server socket (`-L`), `send-keys`,
 * `capture-pane`, and bounded polling of the screen (no fixed sleeps). A missing tmux fails with
 * the install hint.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const tmuxBinary = '/usr/bin/tmux';

/** One tmux server with one session running `command` (a shell command line). */
export class TmuxSession {
  readonly #server: string;

  private constructor(server: string) {
    this.#server = server;
  }

  /** Starts `command` in a new detached session of a private tmux server (200×50). */
  static start(command: string): TmuxSession {
    if (!existsSync(tmuxBinary)) {
      throw new Error(`tmux not found at ${tmuxBinary}: install it with: apt-get install -y tmux (scripts/setup.sh does)`);
    }
    const server = `qmp-cli-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const s = new TmuxSession(server);
    s.#tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', '200', '-y', '50', command);
    return s;
  }

  #tmux(...args: string[]): string {
    return execFileSync(tmuxBinary, ['-L', this.#server, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Types `text` literally. */
  type(text: string): void {
    this.#tmux('send-keys', '-t', 'main', '-l', text);
  }

  /** Presses keys by tmux name (`Tab`, `Enter`, `Up`, `C-u`). */
  press(...keys: string[]): void {
    this.#tmux('send-keys', '-t', 'main', ...keys);
  }

  /** The visible screen, trailing blank lines removed. */
  screen(): string {
    return this.#tmux('capture-pane', '-p', '-t', 'main').replace(/\s+$/, '');
  }

  /** The last non-empty line of the screen (where the prompt is). */
  lastLine(): string {
    const lines = this.screen().split('\n');
    return lines[lines.length - 1] ?? '';
  }

  /** Whether the session (the program) is still running. */
  alive(): boolean {
    try {
      this.#tmux('has-session', '-t', 'main');
      return true;
    } catch {
      return false;
    }
  }

  /** Polls (every 50 ms, at most `timeoutMs`) until `ok(screen)`; throws with the screen otherwise. */
  async waitFor(what: string, ok: (screen: string) => boolean, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.alive() ? this.screen() : '';
      if (ok(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Presses `key` until `ok(screen)` (a key that arrives in the same read as earlier input is taken
   * as pasted text by readline, which then does not complete: press again). Bounded.
   */
  async pressUntil(key: string, what: string, ok: (screen: string) => boolean, tries = 10): Promise<string> {
    for (let i = 0; i < tries; i++) {
      this.press(key);
      try {
        return await this.waitFor(what, ok, 1500);
      } catch {
        // press again
      }
    }
    return this.waitFor(what, ok, 1);
  }

  /** Waits (bounded) until the program has ended. */
  async waitForExit(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.alive()) {
      if (Date.now() > deadline) throw new Error(`the program in tmux did not end; the screen:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the server and everything in it (idempotent). */
  kill(): void {
    try {
      this.#tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
