/**
 * `qmp shell` in a real terminal (tmux) against real QEMU 10.0 and 7.2: completion of command
 * names, members and the block drivers of that QEMU, a command's result, a bad argument's path, an
 * event printed while a line is being typed, and history across a restart.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot as root } from '../../scripts/qemus.js';
import type { QemuVersion } from '../../scripts/qemus.js';
import { qmpCommand, startQemu } from './helpers.js';
import type { TestQemu } from './helpers.js';
import { TmuxSession } from './tmux.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The values of the BlockdevDriver enum of a committed target (what `driver=` must list). */
function blockDrivers(version: QemuVersion): string[] {
  const types = JSON.parse(readFileSync(join(root, `schema/qemu-${version}-x86_64/types.json`), 'utf8')) as {
    definitions: Record<string, { enum?: string[] }>;
  };
  return types.definitions['BlockdevDriver']!.enum!;
}

describe.each(['10.0', '7.2'] as const)('qmp shell in tmux, QEMU %s', (version) => {
  let q: TestQemu;
  let cache: string;
  const sessions: TmuxSession[] = [];
  const history = () => join(q.dir, 'state', 'history');

  function startShell(): TmuxSession {
    const [node, argv] = qmpCommand(['-s', q.socket, 'shell', '--history', history()]);
    const s = TmuxSession.start(`env TMPDIR=${quote(cache)} ${[node, ...argv].map(quote).join(' ')}`);
    sessions.push(s);
    return s;
  }

  beforeAll(async () => {
    q = await startQemu(version);
    cache = mkdtempSync(join(tmpdir(), 'tsx-cache-'));
  });
  afterAll(async () => {
    for (const s of sessions) s.kill();
    await q?.close();
    if (cache !== undefined) rmSync(cache, { recursive: true, force: true });
  });

  it('completes, runs, validates, keeps the typed line when an event arrives, and keeps history', async () => {
    const t = startShell();
    await t.waitFor('the prompt', (s) => s.endsWith('qmp>'));

    // Command names: query-st → common prefix query-stat → the list → query-status.
    t.type('query-st');
    await t.waitFor('query-st typed', (s) => s.endsWith('qmp> query-st'));
    await t.pressUntil('Tab', 'the common prefix', (s) => s.endsWith('qmp> query-stat'));
    await t.pressUntil('Tab', 'the candidates', (s) => /query-stats\s+query-stats-schemas\s+query-status/.test(s));
    t.type('u');
    await t.waitFor('query-statu typed', (s) => s.endsWith('qmp> query-statu'));
    await t.pressUntil('Tab', 'query-status completed', (s) => /qmp> query-status$/.test(s));
    t.press('Enter');
    await t.waitFor('the result', (s) => /"status": "prelaunch",\n[\s\S]*"running": false\n\}\nqmp>$/.test(s));

    // driver= lists the block drivers of this QEMU.
    t.type('blockdev-add driver=');
    await t.waitFor('driver= typed', (s) => s.endsWith('qmp> blockdev-add driver='));
    const listed = await t.pressUntil('Tab', 'the block drivers', (s) => /\bnull-co\b/.test(s) && /\bqcow2\b/.test(s));
    const shown = new Set(listed.split(/\s+/));
    for (const d of blockDrivers(version)) expect(shown, d).toContain(d);
    // Members of the chosen driver, by dotted path.
    t.type('null-co node-name=n0 cache.');
    await t.waitFor('cache. typed', (s) => s.endsWith('cache.'));
    await t.pressUntil('Tab', 'cache members', (s) => /cache\.direct=\s+cache\.no-flush=/.test(s));
    // Members of this QEMU: `active` is new in 10.0, so `a` completes at once on 7.2 only.
    t.press('C-u');
    t.type('blockdev-add driver=null-co node-name=n0 a');
    await t.waitFor('a typed', (s) => s.endsWith('node-name=n0 a'));
    if (version === '10.0') await t.pressUntil('Tab', 'active and auto-read-only', (s) => /\nactive=\s+auto-read-only=\n/.test(s));
    else await t.pressUntil('Tab', 'auto-read-only', (s) => s.endsWith('node-name=n0 auto-read-only='));
    t.press('C-u');
    await t.waitFor('an empty line', (s) => s.endsWith('qmp>'));

    // A bad argument shows its path: typed by the live schema, and checked by its validator.
    t.type('blockdev-add driver=null-co node-name=b0 cache.direct=maybe');
    t.press('Enter');
    await t.waitFor('the type error', (s) => s.includes('cache.direct: expected boolean, got maybe'));
    t.type('blockdev-add driver=file node-name=f0');
    t.press('Enter');
    await t.waitFor('the validation error', (s) => s.includes('invalid argument /arguments/filename: is required'));

    // An event printed while typing leaves the typed line intact (on screen and in the editor).
    t.type('query-ver');
    await t.waitFor('query-ver typed', (s) => s.endsWith('qmp> query-ver'));
    await q.vm.qmp.execute('cont');
    await q.vm.qmp.execute('stop');
    const withEvents = await t.waitFor('the events', (s) => /\bRESUME\b[\s\S]*\bSTOP\b/.test(s));
    expect(withEvents.split('\n').at(-1)).toBe('qmp> query-ver');
    t.type('sion');
    t.press('Enter');
    await t.waitFor('query-version result', (s) => new RegExp(`"major": ${version.split(".")[0]}\\b`).test(s));

    // History survives a restart.
    t.type('exit');
    t.press('Enter');
    await t.waitForExit();
    expect(readFileSync(history(), 'utf8').split('\n').slice(-3)).toEqual(['query-version', 'exit', '']);
    const again = startShell();
    await again.waitFor('the prompt', (s) => s.endsWith('qmp>'));
    await again.pressUntil('Up', 'the last line', (s) => s.endsWith('qmp> exit'));
    await again.pressUntil('Up', 'the line before', (s) => s.endsWith('qmp> query-version'));
    again.press('Enter');
    await again.waitFor('query-version result again', (s) => new RegExp(`"major": ${version.split(".")[0]}\\b`).test(s));
  });
});
