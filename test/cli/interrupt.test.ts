/**
 * Ctrl-C (SIGINT) while `qmp` waits: on a command QEMU never answers (the project's test server, since
 * real QEMU answers) and on a `--wait`ed job of a `--launch`ed real QEMU 7.2. Either way `qmp` closes
 * the connection and exits 130, and a launched QEMU leaves neither a process nor its socket folder.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createQmpServer, type QmpTestServer } from '../../testing/index.js';
import { findQemu } from '../../scripts/qemus.js';
import { qmpCommand } from './helpers.js';

let server: QmpTestServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

/** Starts `qmp …args` with TMPDIR = `tmp`; `interruptWhen` sends SIGINT; resolves with the exit code and output. */
function runInterrupted(args: readonly string[], tmp: string, interruptWhen: (stdout: string) => boolean | Promise<void>): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const [cmd, argv] = qmpCommand(args);
  const child = spawn(cmd, argv, { env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let sent = false;
  const interrupt = () => {
    if (!sent) {
      sent = true;
      child.kill('SIGINT');
    }
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (interruptWhen(stdout) === true) interrupt();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const started = interruptWhen('');
  if (started instanceof Promise) void started.then(interrupt);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('qmp interrupted', () => {
  it('130: Ctrl-C while a command is unanswered closes the connection (a peer that never answers)', async () => {
    let received!: () => void;
    const commandArrived = new Promise<void>((r) => (received = r));
    server = createQmpServer({
      handlers: {
        'query-status': () => {
          received();
          return { status: 'running', running: true };
        },
      },
      faults: { neverAnswer: ['query-status'] },
    });
    dir = mkdtempSync(join(tmpdir(), 'qmp-int-'));
    const sock = join(dir, 'peer.sock');
    await server.listen({ path: sock });
    const r = await runInterrupted(['-s', sock, 'query-status'], dir, () => commandArrived);
    expect(r.stderr).toBe('');
    expect(r.signal).toBe(null);
    expect(r.code).toBe(130);
    expect(server.connections.every((c) => c.state === 'closed')).toBe(true);
  }, 60_000);

  it('130: Ctrl-C during --wait of a --launch\'ed QEMU stops it and removes its socket folder', async () => {
    const q = findQemu('7.2');
    dir = mkdtempSync(join(tmpdir(), 'qmp-int-'));
    const r = await runInterrupted(
      [
        '--launch', '--wait', 'blockdev-backup', 'job-id=j0', 'device=src', 'target=dst', 'sync=full', 'speed=4096',
        '--', q.binary, '-machine', 'none', '-nodefaults', '-display', 'none',
        '-blockdev', 'driver=null-co,node-name=src,size=1073741824', '-blockdev', 'driver=null-co,node-name=dst,size=1073741824',
      ],
      dir,
      (out) => out.includes('{}\n'), // the backup started; --wait follows it (for hours at 4 KiB/s)
    );
    expect(r.stdout).toBe('{}\n');
    expect(r.code).toBe(130);
    // The launcher's folder (qmp-sdk-*, holding the QMP socket) is gone; only tsx's cache may remain.
    expect(readdirSync(dir).filter((f) => f.startsWith('qmp-sdk-'))).toEqual([]);
  }, 60_000);
});
