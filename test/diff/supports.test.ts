/**
 * `client.supports(query)` on real QEMU 7.2 and 10.0, and the same queries over the committed schema
 * folders of those QEMUs (`schemaSupports`, no connection): the same answers. Every step kind is
 * covered by the table; a generated cross-check then compares live and folder answers for every path
 * a few levels below every command and event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { isQmpUsageError, launchQemu, type LaunchedQemu, type QmpClient } from '../../runtime/index.js';
import { indexIntrospection, querySchema, type IntrospectionEntry } from '../../runtime/schema-query.js';
import { loadSchemaFolder, schemaSupports, type LoadedSchema } from '../../codegen/index.js';
import { findQemu, projectRoot, qemuVersions } from '../../scripts/qemus.js';
import { generatedQueries } from './queries.js';

/** [query, step kinds it exercises, answer on 7.2, answer on 10.0] */
const table: [string, string, boolean, boolean][] = [
  ['query-status', 'command', true, true],
  ['SHUTDOWN', 'event', true, true],
  ['x-query-profile', 'command removed in 10.0', true, false],
  ['MEM_UNPLUG_ERROR', 'event removed in 10.0', true, false],
  ['no-such-command', 'unknown entry', false, false],
  ['query-status/arg-type', 'arg-type (the empty object)', true, true],
  ['SHUTDOWN/ret-type', 'ret-type of an event', false, false],
  ['migrate/arg-type/blk', 'member', true, false],
  ['migrate/arg-type/*blk', 'optional member', true, false],
  ['migrate/arg-type/*uri', 'optional member (required in 7.2)', false, true],
  ['query-status/ret-type/singlestep', 'ret-type, member', true, false],
  ['query-status/ret-type/status/^running', 'enum value', true, true],
  ['query-status/ret-type/^running', 'enum value on an object', false, false],
  ['blockdev-add/arg-type/+file/aio/^io_uring', 'variant, member, enum value', true, true],
  ['blockdev-add/arg-type/driver/^gluster/$deprecated', 'feature of an enum value', false, true],
  ['migrate-set-capabilities/arg-type/capabilities/capability/^zero-blocks/$deprecated', 'array, enum value feature', false, true],
  ['blockdev-add/arg-type/+file/$dynamic-auto-read-only', 'feature of an object type', true, true],
  ['x-query-rdma/$unstable', 'feature of a command', true, false],
  ['chardev-add/arg-type/backend/+socket/data/reconnect/!int', 'JSON type of a builtin', true, true],
  ['chardev-add/arg-type/backend/+socket/data/reconnect-ms', 'member added in 10.0', false, true],
  ['query-block/ret-type/inserted/image/format-specific/+vmdk', 'array flattened, variant', true, true],
  ['blockdev-add/arg-type/+qcow2/file/+file/filename', 'alternate (BlockdevRef) entered', true, true],
  ['blockdev-add/arg-type/+qcow2/file/!string', 'alternate member JSON type', true, true],
  ['BLOCK_JOB_COMPLETED/arg-type/type/^backup', 'event data', true, true],
  ['migrate/arg-type/+foo', 'variant of a plain object', false, false],
  ['query-migrate/ret-type/disk/total/!int', 'member removed in 10.0', true, false],
];

const folders = new Map<string, LoadedSchema>();
for (const v of qemuVersions) folders.set(v, loadSchemaFolder(join(projectRoot, 'schema', findQemu(v).target)));

describe.each(qemuVersions)('QEMU %s', { timeout: 120_000 }, (version) => {
  let vm: LaunchedQemu<QmpClient>;
  let qmp: QmpClient;
  const folder = folders.get(version) as LoadedSchema;
  const want = (row: (typeof table)[number]) => (version === '7.2' ? row[2] : row[3]);

  beforeAll(async () => {
    const q = findQemu(version);
    vm = await launchQemu({ binary: q.binary, env: q.env, args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'] });
    qmp = vm.qmp;
  });
  afterAll(async () => {
    await vm?.close();
  });

  it('answers every query of the table, fetching query-qmp-schema once', async () => {
    const before = qmp.stats.sent;
    const answers = [];
    for (const row of table) answers.push([row[0], await qmp.supports(row[0])]);
    expect(answers).toEqual(table.map((row) => [row[0], want(row)]));
    expect(qmp.stats.sent - before).toBe(1);
  });

  it('the schema folder imported from this QEMU gives the same answers', () => {
    expect(table.map((row) => [row[0], schemaSupports(folder, row[0])])).toEqual(table.map((row) => [row[0], want(row)]));
  });

  it('live and folder agree on every generated query (every step kind, four levels below each command and event)', async () => {
    const raw = (await qmp.execute('query-qmp-schema')) as IntrospectionEntry[];
    const live = indexIntrospection(raw);
    const queries = generatedQueries(raw);
    expect(queries.length).toBeGreaterThan(10_000);
    const disagree = queries.filter((q) => querySchema(live, q) !== schemaSupports(folder, q));
    expect(disagree).toEqual([]);
    // Both answers occur often: the cross-check is not all-false.
    expect(queries.filter((q) => querySchema(live, q)).length).toBeGreaterThan(5000);
    const sample = queries.filter((_, i) => i % 97 === 0);
    const viaClient = await Promise.all(sample.map((q) => qmp.supports(q)));
    expect(viaClient).toEqual(sample.map((q) => querySchema(live, q)));
  });

  it('a malformed query rejects with QmpUsageError naming the step, and sends nothing', async () => {
    const before = qmp.stats.sent;
    const err = await qmp.supports('blockdev-add/arg-type/driver/^file/x').catch((e: unknown) => e);
    expect(isQmpUsageError(err)).toBe(true);
    expect((err as Error).message).toContain('step 5 "x" follows the enum value step "^file"');
    expect(isQmpUsageError(await qmp.supports('').catch((e: unknown) => e))).toBe(true);
    expect(qmp.stats.sent).toBe(before);
    expect(() => schemaSupports(folder, 'query-status//x')).toThrow(/step 2 "" is empty/);
  });
});
