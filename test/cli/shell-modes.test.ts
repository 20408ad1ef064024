/**
 * The shell's modes with input from a pipe (no terminal) against real QEMU 10.0: transaction mode
 * (actions collected, checked one by one, sent as one `transaction`), HMP mode, `help CMD` with the
 * QAPI docs of the committed target.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot as root } from '../../scripts/qemus.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qmpCommand, runQmp, startQemu } from './helpers.js';
import type { TestQemu } from './helpers.js';

describe('qmp shell modes (piped input), QEMU 10.0', () => {
  let q: TestQemu;
  beforeAll(async () => {
    q = await startQemu('10.0');
    await q.vm.qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'n0' });
  });
  afterAll(async () => {
    await q?.close();
  });

  const shell = (lines: string[]) => runQmp(['-s', q.socket, 'shell', '--history', join(q.dir, 'history')], { input: `${lines.join('\n')}\n` });

  it('transaction: a bad action is refused with its path, the others go out as one transaction on commit', async () => {
    const r = await shell([
      'transaction',
      'block-dirty-bitmap-add node=n0 name=b0',
      'block-dirty-bitmap-add node=n0 name=b1 granularity=lots',
      'block-dirty-bitmap-add node=n0 nmae=b2',
      'block-dirty-bitmap-add node=n0 name=b1 persistent=false',
      'commit',
      'exit',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('granularity: expected integer, got lots');
    expect(r.stdout).toContain('invalid action at /data/name: is required');
    const nodes = (await q.vm.qmp.execute('query-named-block-nodes', { flat: true })) as Array<{ 'node-name': string; 'dirty-bitmaps'?: Array<{ name: string }> }>;
    const n0 = nodes.find((n) => n['node-name'] === 'n0');
    expect(n0?.['dirty-bitmaps']?.map((b) => b.name).sort()).toEqual(['b0', 'b1']);
  });

  it('transaction: abort drops the collected actions', async () => {
    const r = await shell(['transaction', 'block-dirty-bitmap-add node=n0 name=dropped', 'abort', 'exit']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dropped 1 action(s)');
    const nodes = (await q.vm.qmp.execute('query-named-block-nodes', { flat: true })) as Array<{ 'node-name': string; 'dirty-bitmaps'?: Array<{ name: string }> }>;
    expect(nodes.find((n) => n['node-name'] === 'n0')?.['dirty-bitmaps']?.map((b) => b.name)).not.toContain('dropped');
  });

  it('hmp: one line, or a mode until "qmp"; a QMP error shows its class', async () => {
    const r = await shell(['hmp info version', 'hmp', 'info status', 'qmp', 'blockdev-del node-name=nope', 'exit']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/10\.0\.\d/);
    expect(r.stdout).toContain('VM status: paused (prelaunch)');
    expect(r.stdout).toMatch(/GenericError: .*nope/);
  });

  it('help CMD shows the QAPI docs of the matching committed target; help CMD tag=VALUE one union variant', async () => {
    const r = await shell(['help query-status', 'help blockdev-add driver=null-co', 'exit']);
    expect(r.stdout).toContain('Query the run status of the VM');
    expect(r.stdout).toContain('Since: 0.14');
    expect(r.stdout).toMatch(/read-zeroes\?: boolean {2}if true, reads from the device produce zeroes/);
  });

  it('help CMD prefers a schema folder the user imported (--schema DIR) when it matches the QEMU', async () => {
    const copy = (from: string, to: string, text: string) => {
      cpSync(join(root, 'schema', from), to, { recursive: true });
      const commands = JSON.parse(readFileSync(join(to, 'commands.json'), 'utf8')) as { definitions: Record<string, { description?: string }> };
      commands.definitions['query-status']!.description = text;
      writeFileSync(join(to, 'commands.json'), JSON.stringify(commands));
      return to;
    };
    const help = (dir: string) => runQmp(['-s', q.socket, 'shell', '--history', join(q.dir, 'history'), '--schema', dir], { input: 'help query-status\nexit\n' });
    const mine = await help(copy('qemu-10.0-x86_64', join(q.dir, 'mine'), 'Docs from my own import.'));
    expect(mine.stdout).toContain('Docs from my own import.');
    // A folder of another QEMU version is not used: the committed 10.0 docs are.
    const other = await help(copy('qemu-7.2-x86_64', join(q.dir, 'other'), 'Docs of another version.'));
    expect(other.stdout).not.toContain('Docs of another version.');
    expect(other.stdout).toContain(`--schema not used: ${join(q.dir, 'other')} is qemu-7.2-x86_64, not qemu-10.0-x86_64`);
    expect(other.stdout).toContain('Query the run status of the VM');
  });
});

describe('qmp shell when QEMU goes away, QEMU 7.2', () => {
  it('a QEMU that dies ends the shell with exit code 2 and says so', async () => {
    const q = await startQemu('7.2');
    const cache = mkdtempSync(join(tmpdir(), 'tsx-cache-'));
    const [cmd, argv] = qmpCommand(['-s', q.socket, 'shell', '--history', join(q.dir, 'history')]);
    const child = spawn(cmd, argv, { env: { ...process.env, TMPDIR: cache, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      for (let i = 0; i < 400 && !out.includes('qmp> '); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain('qmp> ');
      process.kill(q.vm.pid, 'SIGKILL'); // QEMU itself (vm.process is the launcher's watcher)
      expect(await exited).toBe(2);
      expect(out).toMatch(/connection ended: /);
    } finally {
      child.kill('SIGKILL');
      await exited;
      await q.close();
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

