/**
 * `qmp-codegen diff` and `diffSchemas()` on the two committed targets and on the two real binaries
 * (imported on the fly), a running QEMU's socket, and bad input. The whole 7.2 → 10.0 report is a
 * committed snapshot: after a deliberate change to the diff, rewrite it with
 *   npx tsx codegen/cli.ts diff schema/qemu-7.2-x86_64 schema/qemu-10.0-x86_64 --format json > test/diff/fixtures/qemu-7.2-to-10.0.json
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchQemu, type LaunchedQemu, type QmpClient } from '../../runtime/index.js';
import { diffBreakingExitCode, diffSchemas, diffToMarkdown, isDiffError, loadSchemaFolder, schemaFromDocuments, schemaSupports, type DiffReport } from '../../codegen/index.js';
import { findQemu, projectRoot } from '../../scripts/qemus.js';
import { runTsx } from '../support/tsx.js';

const folder = (v: '7.2' | '10.0') => join(projectRoot, 'schema', `qemu-${v}-x86_64`);
const snapshotFile = join(projectRoot, 'test/diff/fixtures/qemu-7.2-to-10.0.json');
const snapshot = readFileSync(snapshotFile, 'utf8');
const json = (r: DiffReport) => `${JSON.stringify(r, null, 2)}\n`;

/** What the issue names, each breaking. */
const mustBreak: [string, string][] = [
  ['x-query-profile', 'command-removed'],
  ['x-query-rdma', 'command-removed'],
  ['MEM_UNPLUG_ERROR', 'event-removed'],
  ['RDMA_GID_STATUS_CHANGED', 'event-removed'],
  ['migrate/arguments/blk', 'argument-removed'],
  ['migrate/arguments/inc', 'argument-removed'],
  ['query-status/returns/singlestep', 'member-removed'],
];

describe('7.2 → 10.0 over the committed schema folders', () => {
  let report: DiffReport;
  beforeAll(async () => {
    report = await diffSchemas(folder('7.2'), folder('10.0'));
  });

  it('classifies what the issue names as breaking', () => {
    for (const [path, change] of mustBreak) expect(report.breaking, path).toContainEqual({ path, change });
    for (const [path] of mustBreak) {
      for (const list of [report.deprecations, report.additions, report.compatible]) expect(list.map((e) => e.path)).not.toContain(path);
    }
  });

  it('classifies deprecations, additions and compatible changes', () => {
    expect(report.deprecations).toContainEqual({ path: 'blockdev-add/arguments/+gluster', change: 'deprecated' });
    expect(report.deprecations).toContainEqual({ path: 'chardev-add/arguments/backend/+socket/data/reconnect', change: 'deprecated' });
    expect(report.additions).toContainEqual({ path: 'blockdev-set-active', change: 'command-added' });
    expect(report.additions).toContainEqual({ path: 'GUEST_PVSHUTDOWN', change: 'event-added' });
    expect(report.additions).toContainEqual({ path: 'migrate/arguments/channels', change: 'argument-added' });
    expect(report.additions).toContainEqual({ path: 'chardev-add/arguments/backend/+hub', change: 'variant-added' });
    expect(report.additions).toContainEqual({ path: 'dump-guest-memory/arguments/format/^kdump-raw-zlib', change: 'enum-value-added' });
    expect(report.additions).toContainEqual({ path: 'query-block/returns/inserted/active', change: 'member-added' });
    expect(report.compatible).toContainEqual({ path: 'migrate/arguments/uri', change: 'argument-now-optional' });
    expect(report.compatible).toContainEqual({ path: 'query-target/returns/arch/^nios2', change: 'enum-value-removed' });
    expect(report.breaking).toContainEqual({ path: 'migrate-set-capabilities/arguments/capabilities/capability/^block', change: 'enum-value-removed' });
  });

  it('matches the committed snapshot (sorted, stable)', () => {
    expect(json(report)).toBe(snapshot);
    for (const list of [report.breaking, report.deprecations, report.additions, report.compatible]) {
      const keys = list.map((e) => `${e.path}\u0000${e.change}\u0000${e.detail ?? ''}`);
      expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    expect(report.summary).toEqual({ breaking: report.breaking.length, deprecations: report.deprecations.length, additions: report.additions.length, compatible: report.compatible.length });
  });

  it('reversed, what was removed is added', async () => {
    const back = await diffSchemas(folder('10.0'), folder('7.2'));
    expect(back.additions).toContainEqual({ path: 'x-query-profile', change: 'command-added' });
    expect(back.additions).toContainEqual({ path: 'query-status/returns/singlestep', change: 'member-added' });
    expect(back.breaking).toContainEqual({ path: 'blockdev-set-active', change: 'command-removed' });
    expect(back.compatible).toContainEqual({ path: 'blockdev-add/arguments/+gluster', change: 'no-longer-deprecated' });
  });

  it('a schema compared with itself has no changes', async () => {
    const same = await diffSchemas(folder('10.0'), folder('10.0'));
    expect(same.summary).toEqual({ breaking: 0, deprecations: 0, additions: 0, compatible: 0 });
    expect(diffToMarkdown(same)).toBe('# Schema diff: qemu-10.0-x86_64 → qemu-10.0-x86_64\n\n0 breaking, 0 deprecations, 0 additions, 0 compatible changes.\n');
  });
});

describe('live sources', { timeout: 120_000 }, () => {
  it('the two real binaries, imported on the fly, give exactly the snapshot', async () => {
    const [q72, q100] = [findQemu('7.2'), findQemu('10.0')];
    const report = await diffSchemas({ qemu: q72.binary, env: q72.env }, { qemu: q100.binary, env: q100.env });
    expect(json(report)).toBe(snapshot);
  });

  describe('a running QEMU 10.0 socket', () => {
    let vm: LaunchedQemu<QmpClient>;
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'diff-socket-'));
      const q = findQemu('10.0');
      // A second monitor: the launcher's own client holds the first one.
      vm = await launchQemu({
        binary: q.binary,
        env: q.env,
        args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S', '-chardev', `socket,id=mon2,path=${join(dir, 'qmp.sock')},server=on,wait=off`, '-mon', 'chardev=mon2,mode=control'],
      });
    });
    afterAll(async () => {
      await vm?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('has no changes against the folder imported from the same QEMU', async () => {
      const report = await diffSchemas(join(dir, 'qmp.sock'), folder('10.0'));
      expect(report.from).toBe('qemu-10.0-x86_64');
      expect(report.summary).toEqual({ breaking: 0, deprecations: 0, additions: 0, compatible: 0 });
    });
  });
});

// Each test spawns Node (tsx) once or more, some also a QEMU: generous time on a loaded machine.
describe('qmp-codegen diff', { timeout: 120_000 }, () => {
  it('prints Markdown and exits with the breaking code', () => {
    const r = runTsx('codegen/cli.ts', ['diff', 'schema/qemu-7.2-x86_64', 'schema/qemu-10.0-x86_64']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(diffBreakingExitCode);
    expect(diffBreakingExitCode).not.toBe(0);
    expect(r.stdout).toContain('# Schema diff: qemu-7.2-x86_64 → qemu-10.0-x86_64');
    expect(r.stdout).toContain('| `migrate/arguments/blk` | argument removed |  |');
    expect(r.stdout.indexOf('## Breaking')).toBeLessThan(r.stdout.indexOf('`query-status/returns/singlestep`'));
    expect(r.stdout.indexOf('`query-status/returns/singlestep`')).toBeLessThan(r.stdout.indexOf('## Deprecations'));
  });

  it('--format json prints the snapshot', () => {
    const r = runTsx('codegen/cli.ts', ['diff', 'schema/qemu-7.2-x86_64', 'schema/qemu-10.0-x86_64', '--format', 'json']);
    expect(r.status).toBe(diffBreakingExitCode);
    expect(r.stdout).toBe(snapshot);
  });

  it('exits 0 when nothing breaks: QEMU 7.2 binary against its own folder', () => {
    const r = runTsx('codegen/cli.ts', ['diff', findQemu('7.2').binary, 'schema/qemu-7.2-x86_64', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).summary).toEqual({ breaking: 0, deprecations: 0, additions: 0, compatible: 0 });
  });

  it('usage errors exit 2, unreadable sources exit 1 naming the source', () => {
    for (const args of [['diff'], ['diff', 'a'], ['diff', 'a', 'b', 'c'], ['diff', 'a', 'b', '--format', 'yaml'], ['diff', 'a', 'b', '--bogus']]) {
      const r = runTsx('codegen/cli.ts', args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: qmp-codegen diff');
    }
    const r = runTsx('codegen/cli.ts', ['diff', 'schema/no-such-target', 'schema/qemu-7.2-x86_64']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('schema/no-such-target: no such schema folder, QEMU binary or QMP socket');
    expect(r.stdout).toBe('');
  });
});

describe('edited and bad schema folders', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'diff-bad-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function brokenCopy(name: string, edit: (types: Record<string, any>) => void, text?: string): string {
    const d = join(dir, name);
    cpSync(folder('7.2'), d, { recursive: true });
    const file = join(d, 'types.json');
    if (text !== undefined) writeFileSync(file, text);
    else {
      const types = JSON.parse(readFileSync(file, 'utf8'));
      edit(types.definitions);
      writeFileSync(file, JSON.stringify(types));
    }
    return d;
  }

  async function diffError(a: string): Promise<Error> {
    const err = await diffSchemas(a, folder('7.2')).catch((e: unknown) => e);
    expect(isDiffError(err), String(err)).toBe(true);
    return err as Error;
  }

  it('additions only: exit code 0 (a folder without x-query-profile → 7.2)', () => {
    const d = join(dir, 'fewer');
    cpSync(folder('7.2'), d, { recursive: true });
    for (const f of ['commands.json', 'returns.json']) {
      const doc = JSON.parse(readFileSync(join(d, f), 'utf8'));
      delete doc.definitions['x-query-profile'];
      writeFileSync(join(d, f), JSON.stringify(doc));
    }
    const r = runTsx('codegen/cli.ts', ['diff', d, 'schema/qemu-7.2-x86_64', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ summary: { breaking: 0, deprecations: 0, additions: 1, compatible: 0 }, additions: [{ path: 'x-query-profile', change: 'command-added' }] });
  });

  it('a file that is not JSON is a DiffError naming the file', async () => {
    const d = brokenCopy('not-json', () => {}, '{"definitions": ');
    expect((await diffError(d)).message).toContain(`${join(d, 'types.json')}: not JSON`);
  });

  it('a $ref to a missing definition is a DiffError naming the definition', async () => {
    const d = brokenCopy('dangling', (defs) => {
      delete defs.StatusInfo;
    });
    const err = await diffError(d);
    expect(err.message).toContain('returns.json#/definitions/query-status: $ref "types.json#/definitions/StatusInfo" names no definition of types.json');
  });

  it('a union that names no tag enum (a folder from importer 1.0) still reads, without the tag values\' features', () => {
    const docs: Record<string, any> = {};
    for (const f of ['commands.json', 'events.json', 'returns.json', 'types.json']) docs[f] = JSON.parse(readFileSync(join(folder('10.0'), f), 'utf8'));
    for (const def of Object.values(docs['types.json'].definitions) as any[]) delete def['x-qmp']?.tagEnum;
    const old = schemaFromDocuments(docs, 'old-folder');
    const current = loadSchemaFolder(folder('10.0'));
    expect(schemaSupports(old, 'blockdev-add/arg-type/driver/^gluster')).toBe(true);
    expect(schemaSupports(old, 'blockdev-add/arg-type/+file/aio/^io_uring')).toBe(true);
    expect(schemaSupports(current, 'blockdev-add/arg-type/driver/^gluster/$deprecated')).toBe(true);
    expect(schemaSupports(old, 'blockdev-add/arg-type/driver/^gluster/$deprecated')).toBe(false);
  });
});
