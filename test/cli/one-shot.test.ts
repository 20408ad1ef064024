/**
 * `qmp` one-shot against real QEMU: every exit code (0 success, 1 QEMU error, 2 usage/connection,
 * 3 validation), key=value typed by the live schema, --args (text and stdin), --json, --hmp,
 * --tcp, --launch, events and --wait.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findQemu } from '../../scripts/qemus.js';
import { qmpCommand, runQmp, startQemu } from './helpers.js';
import type { TestQemu } from './helpers.js';

describe('qmp one-shot against QEMU 10.0', () => {
  let q: TestQemu;
  beforeAll(async () => {
    q = await startQemu('10.0');
  });
  afterAll(async () => {
    await q?.close();
  });

  it('0: prints the result, pretty by default and one JSON line with --json', async () => {
    const pretty = await runQmp(['-s', q.socket, 'query-status']);
    expect(pretty).toMatchObject({ code: 0, stderr: '' });
    expect(pretty.stdout).toBe('{\n  "status": "prelaunch",\n  "running": false\n}\n');
    const json = await runQmp(['-s', q.socket, '--json', 'query-status']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ status: 'prelaunch', running: false });
  });

  it('0: key=value words typed by the live schema reach QEMU (dotted paths, booleans, integers)', async () => {
    const r = await runQmp(['-s', q.socket, 'blockdev-add', 'driver=null-co', 'node-name=kv0', 'size=1048576', 'read-zeroes=true', 'cache.direct=false']);
    expect(r).toMatchObject({ code: 0, stdout: '{}\n' });
    const nodes = (await q.vm.qmp.execute('query-named-block-nodes', { flat: true })) as Array<{ 'node-name': string; image: { 'virtual-size': number } }>;
    expect(nodes.find((n) => n['node-name'] === 'kv0')?.image['virtual-size']).toBe(1048576);
    // "4" is a string for a str member (name) and a number for an int one (granularity).
    const bitmap = await runQmp(['-s', q.socket, 'block-dirty-bitmap-add', 'node=kv0', 'name=4', 'granularity=65536']);
    expect(bitmap.code, bitmap.stderr).toBe(0);
    const after = (await q.vm.qmp.execute('query-named-block-nodes', { flat: true })) as Array<{ 'node-name': string; 'dirty-bitmaps'?: Array<{ name: string; granularity: number }> }>;
    expect(after.find((n) => n['node-name'] === 'kv0')?.['dirty-bitmaps']).toEqual([expect.objectContaining({ name: '4', granularity: 65536 })]);
  });

  it('0: --args as JSON text and from stdin', async () => {
    const text = await runQmp(['-s', q.socket, 'blockdev-add', '--args', '{"driver": "null-co", "node-name": "js0"}']);
    expect(text.code).toBe(0);
    const stdin = await runQmp(['-s', q.socket, 'blockdev-add', '--args', '-'], { input: '{"driver": "null-co", "node-name": "js1"}' });
    expect(stdin.code).toBe(0);
    const nodes = (await q.vm.qmp.execute('query-named-block-nodes', { flat: true })) as Array<{ 'node-name': string }>;
    expect(nodes.map((n) => n['node-name'])).toEqual(expect.arrayContaining(['js0', 'js1']));
  });

  it('0: --hmp runs a human monitor command and prints its text', async () => {
    const r = await runQmp(['-s', q.socket, '--hmp', 'info version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^10\.0\.\d/);
  });

  it('1: a QMP error prints the class and description on stderr', async () => {
    const r = await runQmp(['-s', q.socket, 'blockdev-del', 'node-name=no-such-node']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^GenericError: .*no-such-node/);
    const unknown = await runQmp(['-s', q.socket, 'no-such-command', 'x=1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^CommandNotFound: /);
    const json = await runQmp(['-s', q.socket, '--json', 'blockdev-del', 'node-name=no-such-node']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { class: 'GenericError' } });
  });

  it('3: arguments that do not fit the live schema name the path, and nothing is sent', async () => {
    const unknownMember = await runQmp(['-s', q.socket, 'query-status', 'verbose=true']);
    expect(unknownMember.code).toBe(3);
    expect(unknownMember.stderr).toContain('invalid argument /arguments/verbose: is not a known member');
    const missing = await runQmp(['-s', q.socket, 'blockdev-add', 'driver=file', 'node-name=f0']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('/arguments/filename: is required');
    const wrongType = await runQmp(['-s', q.socket, 'blockdev-add', 'driver=null-co', 'node-name=t0', 'cache.direct=maybe']);
    expect(wrongType.code).toBe(3);
    expect(wrongType.stderr).toContain('cache.direct: expected boolean, got maybe');
    const nodes = (await q.vm.qmp.execute('query-named-block-nodes', { flat: true })) as Array<{ 'node-name': string }>;
    expect(nodes.map((n) => n['node-name'])).not.toContain('t0');
  });

  it('2: usage errors (no connection, unknown option, bad words, --qga) and a socket nobody listens on', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['query-status'], /no connection: give -s\/--socket PATH/],
      [['-s', q.socket, '--frobnicate', 'query-status'], /Unknown option '--frobnicate'/],
      [['-s', q.socket], /no command/],
      [['-s', q.socket, '--tcp', 'x:1', 'query-status'], /give one connection, not --socket and --tcp/],
      [['--tcp', 'nohost', 'query-status'], /--tcp wants HOST:PORT/],
      [['-s', q.socket, 'blockdev-add', 'driver'], /driver: expected key=value/],
      [['-s', q.socket, 'blockdev-add', '--args', '{nope'], /--args is not valid JSON/],
      [['--qga', join(q.dir, 'nobody-qga.sock'), 'guest-ping'], /ENOENT/],
      [['--qga', '/tmp/x', '-s', q.socket, 'guest-ping'], /give one connection, not --socket and --qga/],
      [['--qga', '/tmp/x', '--hmp', 'info block'], /--hmp needs QMP: the guest agent has no human monitor/],
      [['--qga', '/tmp/x', 'events'], /events needs QMP: the guest agent sends no events/],
      [['-s', join(q.dir, 'nobody.sock'), 'query-status'], /ENOENT/],
    ];
    for (const [args, message] of cases) {
      const r = await runQmp(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('--wait follows a backup job to its end', async () => {
    await q.vm.qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'src', size: 64 << 20 });
    await q.vm.qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'dst', size: 64 << 20 });
    const r = await runQmp(['-s', q.socket, '--wait', 'blockdev-backup', 'job-id=j0', 'device=src', 'target=dst', 'sync=full']);
    expect(r).toMatchObject({ code: 0, stdout: '{}\n' });
    expect(r.stderr).toContain('job j0: completed');
    expect(await q.vm.qmp.execute('query-jobs')).toEqual([]);
  });

  it('1: --wait reports a job that does not complete (cancelled while it runs)', async () => {
    // A slow source: every read takes 1 s, so the job is still running when it is cancelled.
    await q.vm.qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'slow', size: 1 << 30, 'latency-ns': 1_000_000_000 });
    await q.vm.qmp.execute('blockdev-add', { driver: 'null-co', 'node-name': 'dst2', size: 1 << 30 });
    const waiting = runQmp(['-s', q.socket, '--wait', 'blockdev-backup', 'job-id=j1', 'device=slow', 'target=dst2', 'sync=full']);
    let jobs: Array<{ id: string }> = [];
    for (let i = 0; i < 400 && !jobs.some((j) => j.id === 'j1'); i++) {
      jobs = (await q.vm.qmp.execute('query-jobs')) as Array<{ id: string }>;
      if (!jobs.some((j) => j.id === 'j1')) await new Promise((r) => setTimeout(r, 50));
    }
    await q.vm.qmp.execute('block-job-cancel', { device: 'j1', force: true });
    const r = await waiting;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('{}\n');
    expect(r.stderr).toContain('job j1 cancelled');
  });

  it('events: prints the named events as they arrive, one JSON per line, and exits 0 when interrupted', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'tsx-cache-'));
    const [cmd, argv] = qmpCommand(['-s', q.socket, '--json', 'events', 'STOP']);
    const child = spawn(cmd, argv, { env: { ...process.env, TMPDIR: cache }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // The CLI subscribes some time after it starts: stop/cont until a STOP shows (bounded).
      for (let i = 0; i < 200 && !out.includes('STOP'); i++) {
        await q.vm.qmp.execute('cont');
        await q.vm.qmp.execute('stop');
        await new Promise((r) => setTimeout(r, 100));
      }
      const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { event: string; timestamp: unknown });
      expect(lines.length).toBeGreaterThan(0);
      expect(new Set(lines.map((l) => l.event))).toEqual(new Set(['STOP']));
      expect(lines[0]!.timestamp).toMatchObject({ seconds: expect.any(Number) });
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await exited;
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('2: events names an event this QEMU does not have', async () => {
    const r = await runQmp(['-s', q.socket, 'events', 'NO_SUCH_EVENT']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no event NO_SUCH_EVENT');
  });
});

describe('qmp one-shot: other connections, QEMU 7.2', () => {
  it('--launch starts the QEMU, runs the command and stops it', async () => {
    const q = findQemu('7.2');
    const r = await runQmp(['query-version', '--json', '--launch', '--', q.binary, '-machine', 'none', '-nodefaults', '-display', 'none', '-S']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ qemu: { major: 7, minor: 2 } });
  });

  it('--tcp HOST:PORT; key=value typed by the 7.2 schema; validation exit code 3', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const q = await startQemu('7.2', ['-qmp', `tcp:127.0.0.1:${port},server=on,wait=off`]);
    try {
      const ok = await runQmp(['--tcp', `127.0.0.1:${port}`, '--json', 'query-status']);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'prelaunch' });
      const bad = await runQmp(['--tcp', `127.0.0.1:${port}`, 'blockdev-add', 'driver=null-co', 'node-name=n', 'size=big']);
      expect(bad.code).toBe(3);
      expect(bad.stderr).toContain('size: expected integer, got big');
    } finally {
      await q.close();
    }
  });
});
