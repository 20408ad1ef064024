/**
 * Debian's Chromium, headless, driven over its DevTools protocol by puppeteer-core (which downloads
 * no browser). A missing browser FAILS the calling test with the install command; it never skips.
 * Each browser gets a private profile and TMPDIR folder, removed when it closes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

const installHint = 'Install Debian\'s Chromium with: apt-get install -y --no-install-recommends chromium (scripts/setup.sh does)';

/** Path of the Chromium binary (`$CHROMIUM`, else Debian's `/usr/bin/chromium`); throws with the install hint. */
export function findChromium(): string {
  const path = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}. ${installHint}`);
  return path;
}

/** A headless Chromium; `close()` ends it and removes its profile and temporary files. */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const executablePath = findChromium();
  const dir = mkdtempSync(join(tmpdir(), 'qmp-sdk-chromium-'));
  try {
    const browser = await puppeteer.launch({
      executablePath,
      headless: true,
      userDataDir: join(dir, 'profile'),
      env: { ...process.env, TMPDIR: dir, HOME: dir },
      // root in CI containers: Chromium's sandbox needs user namespaces the container may not give.
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    });
    return {
      browser,
      close: async () => {
        try {
          await browser.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
