/**
 * `qmp` given hostile input by its user, against real QEMU 10.0: dotted keys deeper than QEMU reads,
 * a history file that is a folder, a FIFO or a device, and a history that cannot be saved. Each is
 * a typed message with exit code 2 (no stack trace, no hang), and nothing is left on disk.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxPathSegments } from '../../cli/key-value.js';
import { loadHistory, saveHistory } from '../../cli/history.js';
import { runQmp, startQemu } from './helpers.js';
import type { TestQemu } from './helpers.js';

/** A stack trace line (`    at f (file:…)`): never shown for a user's mistake. */
const stackLine = /^\s+at /m;

describe('qmp hostile input against QEMU 10.0', () => {
  let q: TestQemu;
  beforeAll(async () => {
    q = await startQemu('10.0');
  });
  afterAll(async () => {
    await q?.close();
  });

  it('2: a dotted key of 10,000 segments is a usage error naming the limit, not a stack overflow', async () => {
    const deep = `${Array.from({ length: 10_000 }, () => 'a').join('.')}=1`;
    const r = await runQmp(['-s', q.socket, 'qom-list', 'path=/', deep]);
    expect(r.stderr).not.toMatch(stackLine);
    expect(r.stderr).toMatch(/the path has more than 1023 segments \(QEMU reads JSON nested at most 1024 deep\)/);
    expect(r.code).toBe(2);
  });

  it('the limit is QEMU\'s own: 1023 segments reach QEMU (its error, code 1), 1024 are refused before sending (code 2)', async () => {
    const key = (n: number) => ['value', ...Array.from({ length: n - 1 }, () => 'a')].join('.');
    const atLimit = await runQmp(['-s', q.socket, 'qom-set', 'path=/machine', 'property=type', `${key(maxPathSegments)}=1`]);
    expect(atLimit.stderr).toMatch(/^GenericError: Property '[^']+\.type' is not writable/);
    expect(atLimit.code).toBe(1);
    const beyond = await runQmp(['-s', q.socket, 'qom-set', 'path=/machine', 'property=type', `${key(maxPathSegments + 1)}=1`]);
    expect(beyond.stderr).toMatch(/more than 1023 segments/);
    expect(beyond.code).toBe(2);
  });

  it('2: a history file that is a folder, a FIFO or a device is named, without a hang or a stack trace', async () => {
    const folder = join(q.dir, 'history-folder');
    mkdirSync(folder);
    const fifo = join(q.dir, 'history-fifo');
    execFileSync('mkfifo', [fifo]);
    for (const file of [folder, fifo, '/dev/zero']) {
      const r = await runQmp(['-s', q.socket, 'shell', '--history', file], { input: 'exit\n' });
      expect(r.stderr, file).not.toMatch(stackLine);
      expect(r.stderr, file).toContain(`qmp: history file ${file}: is not a regular file (give another with --history FILE)`);
      expect(r.code, file).toBe(2);
    }
  }, 60_000);

  it('a --schema folder whose target.json is a FIFO is passed over with a note (the shell hung opening it)', async () => {
    const folder = join(q.dir, 'schema-fifo');
    mkdirSync(folder);
    execFileSync('mkfifo', [join(folder, 'target.json')]);
    const r = await runQmp(['-s', q.socket, 'shell', '--schema', folder, '--history', join(q.dir, 'history')], { input: 'exit\n' });
    expect(r.stdout).toContain(`--schema not used: ${join(folder, 'target.json')} is missing or not a JSON object in a regular file`);
    expect(r.code).toBe(0);
  }, 60_000);
});

describe('history file (cli/history.ts)', () => {
  it('reads only the tail of a huge file, and keeps the last 1000 entries whole', () => {
    const dir = join(process.env['TMPDIR'] ?? '/tmp', `history-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'history');
    // 5 MiB of history, more than the tail that is read: the first line read is cut and dropped.
    writeFileSync(file, Array.from({ length: 200_000 }, (_, i) => `query-status ${'x'.repeat(10)} ${i}\n`).join(''));
    const entries = loadHistory(file);
    expect(entries).toHaveLength(1000);
    expect(entries[0]).toBe(`query-status ${'x'.repeat(10)} 199999`);
    expect(entries[999]).toBe(`query-status ${'x'.repeat(10)} 199000`);
    execFileSync('rm', ['-r', dir]);
  });

  it('a history that cannot be saved throws and leaves nothing beside it; what it did not write stays', () => {
    const dir = join(process.env['TMPDIR'] ?? '/tmp', `history-save-${process.pid}`);
    const file = join(dir, 'history');
    mkdirSync(file, { recursive: true }); // the history "file" is a folder: never renamed over
    expect(() => saveHistory(file, ['query-status'])).toThrow(`${file} is not a regular file`);
    expect(readdirSync(dir)).toEqual(['history']);
    const other = join(dir, 'other');
    mkdirSync(`${other}.${process.pid}.tmp`); // the temporary name is taken: the save fails, nothing is removed
    expect(() => saveHistory(other, ['query-status'])).toThrow(/EEXIST/);
    expect(readdirSync(dir).sort()).toEqual(['history', `other.${process.pid}.tmp`]);
    execFileSync('rm', ['-r', dir]);
  });

  it('/dev/null keeps no history: read as empty, never written (a save used to rename a file over it)', () => {
    expect(loadHistory('/dev/null')).toEqual([]);
    saveHistory('/dev/null', ['query-status']);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});
