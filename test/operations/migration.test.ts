/**
 * `qmp.migration.run` against real QEMU 7.2 and 10.0 (`-machine pc -m 64`, TCG, `-S`, no guest),
 * migrating to `exec:cat > file` (and, on 10.0, to a `file` channel). The guest never ran, so its
 * RAM is zero pages and the migration is quick: `pause-before-switchover` holds it in
 * `pre-switchover` (a real QEMU state, reached after RAM was sent), where the test looks at the
 * progress and then continues or cancels it — event-driven, no timing.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  isQmpAbortError,
  isQmpCommandError,
  isQmpMigrationError,
  isQmpUsageError,
  type LaunchedQemu,
  type MigrationProgress,
  type QmpClient,
} from '../../runtime/index.js';
import { qemuVersions } from '../../scripts/qemus.js';
import { leftNothing } from '../runtime/helpers/qemu.js';
import { imageFolder, type ImageFolder } from './helpers/images.js';
import { vm } from './helpers/vm.js';

const MiB = 1024 * 1024;

describe.each(qemuVersions)('QEMU %s: qmp.migration', (version) => {
  let machine: LaunchedQemu<QmpClient>;
  let qmp: QmpClient;
  let folder: ImageFolder;

  // A fresh VM per test: after a migration ended, QEMU refuses the next one ("paused due to previous migration").
  beforeAll(async () => {
    folder = await imageFolder();
  });
  beforeEach(async () => {
    machine = await vm(version, 'pc');
    qmp = machine.qmp;
  });
  afterEach(async () => {
    await machine?.close();
    expect(leftNothing(machine)).toBe(true);
  });
  afterAll(async () => {
    await folder?.remove();
  });

  it('a cancelled migration rejects with the abort; QEMU says cancelled', async () => {
    const ac = new AbortController();
    const reason = new Error('maintenance window over');
    const seen: string[] = [];
    const err = await qmp.migration
      .run(`exec:cat > ${join(folder.dir, 'cancelled.state')}`, {
        capabilities: { 'pause-before-switchover': true },
        onProgress: (p) => {
          seen.push(p.status);
          if (p.status === 'pre-switchover') ac.abort(reason);
        },
        signal: ac.signal,
      })
      .catch((e: unknown) => e);
    expect(isQmpAbortError(err)).toBe(true);
    expect((err as Error).cause).toBe(reason);
    expect(seen).toContain('pre-switchover');
    expect(await qmp.execute('query-migrate')).toMatchObject({ status: 'cancelled' });
  });

  it("a migration that fails rejects with QmpMigrationError and QEMU's text", async () => {
    // The exec command exits at once without reading: QEMU's write fails.
    const err = await qmp.migration.run('exec:exit 0').catch((e: unknown) => e);
    expect(isQmpMigrationError(err), String(err)).toBe(true);
    expect(err).toMatchObject({ code: 'operation', status: 'failed' });
    expect((err as { qemuError?: string }).qemuError).toBeTruthy();
  });

  it('migrates to exec:cat > file: progress (RAM sent, RAM total) then completed', async () => {
    const file = join(folder.dir, 'vm.state');
    const reports: MigrationProgress[] = [];
    let continued = false;
    let continuing: Promise<unknown> = Promise.resolve();
    const result = await qmp.migration.run(`exec:cat > ${file}`, {
      capabilities: { 'pause-before-switchover': true },
      progressIntervalMs: 20,
      onProgress: (p) => {
        reports.push(p);
        if (p.status === 'pre-switchover' && !continued) {
          continued = true;
          continuing = qmp.execute('migrate-continue', { state: 'pre-switchover' });
        }
      },
    });
    await continuing;
    const paused = reports.find((p) => p.status === 'pre-switchover');
    expect(paused).toBeDefined();
    expect(paused!.transferred).toBeGreaterThan(0);
    expect(paused!.total).toBeGreaterThanOrEqual(64 * MiB);
    expect(paused!.passes).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.transferred).toBeGreaterThanOrEqual(reports[i - 1]!.transferred);
    expect(result.progress.status).toBe('completed');
    expect(result.progress.transferred).toBeGreaterThanOrEqual(paused!.transferred);
    expect(typeof result.totalTimeMs).toBe('number');
    expect(statSync(file).size).toBeGreaterThan(0);
    expect(await qmp.execute('query-migrate')).toMatchObject({ status: 'completed' });
  });

  it('a refused migrate: its QmpCommandError; bad input: QmpUsageError, nothing sent', async () => {
    const refused = await qmp.migration.run('nonsense-transport:x').catch((e: unknown) => e);
    expect(isQmpCommandError(refused)).toBe(true);
    expect(refused).toMatchObject({ command: 'migrate' });
    const sent = qmp.stats.sent;
    for (const p of [qmp.migration.run(''), qmp.migration.run([] as never), qmp.migration.run('exec:true', { progressIntervalMs: 1 })]) {
      expect(isQmpUsageError(await p.catch((e: unknown) => e))).toBe(true);
    }
    expect(qmp.stats.sent).toBe(sent);
  });
});

describe('QEMU 10.0: qmp.migration to a file channel', () => {
  it('migrates through channels: [{ channel-type: main, addr: { transport: file } }]', async () => {
    const folder = await imageFolder();
    const machine = await vm('10.0', 'pc');
    try {
      const path = join(folder.dir, 'channel.state');
      const result = await machine.qmp.migration.run([{ 'channel-type': 'main', addr: { transport: 'file', filename: path, offset: 0 } }]);
      expect(result.progress).toMatchObject({ status: 'completed' });
      expect(result.progress.total).toBeGreaterThanOrEqual(64 * MiB);
      expect(statSync(path).size).toBeGreaterThan(0);
    } finally {
      await machine.close();
      await folder.remove();
    }
    expect(leftNothing(machine)).toBe(true);
  });
});
