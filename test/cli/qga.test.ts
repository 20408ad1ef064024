/**
 * `qmp --qga SOCKET` against the real guest agents 7.2 and 10.0 (started on this host by test/support/qemu-ga.ts,
 * host-changing commands blocked): one-shot commands with their exit codes, and the shell in a real terminal
 * (tmux): Tab completes command names and argument members from the agent's own schema, `help` shows the QAPI
 * docs, a command runs, a bad argument shows its path, and nothing else is offered (no hmp, no transaction).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qemuVersions } from '../../scripts/qemus.js';
import { startQemuGa, type RunningQemuGa } from '../support/qemu-ga.js';
import { qgaTools } from '../../cli/qga-tools.js';
import { qmpCommand, runQmp } from './helpers.js';
import { TmuxSession } from './tmux.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe.each(qemuVersions)('qmp --qga, the real qemu-ga %s', (version) => {
  let ga: RunningQemuGa;
  let dir: string;
  const sessions: TmuxSession[] = [];
  beforeAll(async () => {
    ga = await startQemuGa({ version });
    dir = mkdtempSync(join(tmpdir(), `qmp-cli-qga-${version}-`));
  });
  afterAll(async () => {
    for (const s of sessions) s.kill();
    await ga?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('one-shot: 0 with the reply, 1 for the agent\'s error, 3 for an argument the schema refuses', async () => {
    const info = await runQmp(['--qga', ga.path, '--json', 'guest-info']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout).version).toMatch(new RegExp(`^${version.replace('.', '\\.')}\\.`));
    const ping = await runQmp(['--qga', ga.path, 'guest-ping']);
    expect([ping.code, ping.stdout.trim()]).toEqual([0, '{}']);
    // key=value typed by the agent's schema: handle is an int
    const blocked = await runQmp(['--qga', ga.path, 'guest-set-time', 'time=1']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/^CommandNotFound: Command guest-set-time has been disabled/);
    const bad = await runQmp(['--qga', ga.path, 'guest-file-read', 'handle=x']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/invalid argument .*handle/);
  });

  it('the shell in tmux: completion from the agent\'s schema, help with QAPI docs, a command, a bad argument', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'tsx-cache-'));
    try {
      const [node, argv] = qmpCommand(['--qga', ga.path, 'shell', '--history', join(dir, 'history')]);
      const t = TmuxSession.start(`env TMPDIR=${quote(cache)} ${[node, ...argv].map(quote).join(' ')}`);
      sessions.push(t);
      await t.waitFor('the prompt', (s) => s.endsWith('qga>'));
      expect(t.screen()).toMatch(new RegExp(`Connected to the guest agent ${version.replace('.', '\\.')}\\.\\d+ \\(schema qga-${version.replace('.', '\\.')}\\)`));
      // names: guest-get-os → guest-get-osinfo
      t.type('guest-get-os');
      await t.waitFor('typed', (s) => s.endsWith('qga> guest-get-os'));
      await t.pressUntil('Tab', 'guest-get-osinfo completed', (s) => /qga> guest-get-osinfo $/.test(s) || /qga> guest-get-osinfo$/.test(s));
      t.press('Enter');
      await t.waitFor('the osinfo reply', (s) => /"kernel-release": /.test(s) && s.endsWith('qga>'));
      // members: guest-exec p → path=
      t.type('guest-exec p');
      await t.waitFor('typed', (s) => s.endsWith('qga> guest-exec p'));
      await t.pressUntil('Tab', 'path= completed', (s) => s.endsWith('qga> guest-exec path='));
      t.press('C-u');
      // builtins are the shell's own: no hmp, no transaction
      t.type('h');
      await t.waitFor('typed', (s) => s.endsWith('qga> h'));
      await t.pressUntil('Tab', 'help completed', (s) => /qga> help ?$/.test(s));
      t.press('C-u');
      // help with the QAPI docs of this agent's schema
      t.type('help guest-file-read');
      t.press('Enter');
      await t.waitFor('the docs', (s) => /Read from an open file in the guest/.test(s) && s.endsWith('qga>'));
      // a value of the wrong type is refused with the member's name; a missing member with the path
      t.type('guest-file-read handle=abc');
      t.press('Enter');
      await t.waitFor('the bad value', (s) => /\nhandle: expected integer, got abc\nqga>$/.test(s));
      t.type('guest-file-read count=5');
      t.press('Enter');
      await t.waitFor('the missing member', (s) => /\ninvalid argument \/arguments\/handle: is required\nqga>$/.test(s));
      t.type('exit');
      t.press('Enter');
      await t.waitForExit();
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('qmp --qga: which committed agent schema an agent version gets', () => {
  it('its own; else the newest not newer than it; else the oldest — with a note whenever it is not its own', () => {
    const pick = (major: number, minor: number) => {
      const r = qgaTools({ major, minor, micro: 0, text: `${major}.${minor}.0` });
      return [r.tools.schema.target, r.note === undefined ? 'own' : 'note'];
    };
    expect(pick(10, 0)).toEqual(['qga-10.0', 'own']);
    expect(pick(7, 2)).toEqual(['qga-7.2', 'own']);
    expect(pick(9, 2)).toEqual(['qga-7.2', 'note']);
    expect(pick(11, 1)).toEqual(['qga-10.0', 'note']);
    expect(pick(6, 0)).toEqual(['qga-7.2', 'note']);
    const t = qgaTools({ major: 10, minor: 0, micro: 2, text: '10.0.2' }).tools;
    expect(t.schema.commands).toContain('guest-exec');
    expect(t.validate('guest-file-read', { handle: 'x' }).ok).toBe(false);
    expect(t.validate('guest-file-read', { handle: 1 }).ok).toBe(true);
  });
});
