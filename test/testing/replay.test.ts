/**
 * Record and replay: a conversation with real QEMU 10.0 (launched with the runtime's launcher) is
 * recorded as JSON Lines through the client option `trace`, then replayed by the replay server to
 * a new client running the same user code, which must get identical results; a client that departs
 * from the recording gets a GenericError naming the expected and the actual command, and the
 * server's close() fails the test.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QmpClient, isQmpCommandError, launchQemu, type ClientOptions, type QmpCommandError } from '../../runtime/index.js';
import {
  QmpTestServerFailuresError,
  createReplayServer,
  loadRecording,
  recordConversation,
  type RecordedMessage,
} from '../../testing/index.js';
import { findQemu } from '../../scripts/qemus.js';

/** "User code" under test: what it returns must be the same against QEMU and against the replay. */
async function inspectVm(qmp: QmpClient): Promise<unknown> {
  const version = await qmp.execute('query-version');
  const before = await qmp.execute('query-status');
  const resumed = qmp.waitForEvent('RESUME');
  await qmp.execute('cont');
  const resume = await resumed;
  const stopped = qmp.waitForEvent('STOP');
  await qmp.execute('stop');
  const stop = await stopped;
  const [hmp, name, kvm] = await Promise.all([
    qmp.execute('human-monitor-command', { 'command-line': 'info status' }),
    qmp.execute('query-name'),
    qmp.execute('query-kvm'),
  ]);
  let failure: unknown;
  try {
    await qmp.execute('device_del', { id: 'no-such-device' });
  } catch (e) {
    const ce = e as QmpCommandError;
    failure = isQmpCommandError(e) ? { errorClass: ce.errorClass, desc: ce.desc, command: ce.command } : String(e);
  }
  return { greeting: qmp.greeting, capabilities: qmp.capabilities, version, before, resume, stop, hmp, name, kvm, failure };
}

const clientOptions: ClientOptions = { capabilities: { enable: ['oob'] } };
let dir: string;
let recordingPath: string;
let recorded: unknown;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qmp-replay-'));
  recordingPath = join(dir, 'conversation.jsonl');
  const qemu = findQemu('10.0');
  const recorder = recordConversation({ path: recordingPath });
  const vm = await launchQemu({
    binary: qemu.binary,
    env: qemu.env,
    args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'],
    qmp: { ...clientOptions, trace: recorder.trace },
  });
  try {
    recorded = await inspectVm(vm.qmp);
  } finally {
    recorder.stop(); // the launcher's `quit` is not part of the user's conversation
    await vm.close();
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('record and replay against real QEMU 10.0', () => {
  it('records one JSON message per line with its direction', () => {
    const lines = readFileSync(recordingPath, 'utf8').trimEnd().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as RecordedMessage);
    expect(parsed[0]).toMatchObject({ dir: 'in', msg: { QMP: { version: { qemu: { major: 10, minor: 0 } } } } });
    expect(parsed[1]).toMatchObject({ dir: 'out', msg: { execute: 'qmp_capabilities', arguments: { enable: ['oob'] } } });
    expect(parsed.every((m) => m.dir === 'in' || m.dir === 'out')).toBe(true);
    expect(parsed.some((m) => (m.msg as { event?: string }).event === 'STOP')).toBe(true);
    expect(loadRecording(recordingPath)).toEqual(parsed);
  });

  it('replays it to a client running the same code: identical results, without QEMU', async () => {
    const server = createReplayServer({ recording: { path: recordingPath } });
    const qmp = await QmpClient.connect({ stream: server.connectStream(), ...clientOptions });
    const replayed = await inspectVm(qmp);
    expect(replayed).toEqual(recorded);
    expect((recorded as { failure: { errorClass: string } }).failure.errorClass).toBe('DeviceNotFound');
    server.assertReplayComplete();
    await qmp.close();
    await server.close();
  });

  it('rewrites reply ids to the client ids (a client numbering differently still matches)', async () => {
    const recording = loadRecording(recordingPath);
    // shift every recorded id: the replay must not depend on the client's numbering
    const shifted = recording.map((m) => {
      const msg = m.msg as Record<string, unknown>;
      return typeof msg['id'] === 'number' ? { dir: m.dir, msg: { ...msg, id: `r-${msg['id']}` } } : m;
    });
    const server = createReplayServer({ recording: shifted });
    const qmp = await QmpClient.connect({ stream: server.connectStream(), ...clientOptions });
    expect(await inspectVm(qmp)).toEqual(recorded);
    await qmp.close();
    await server.close();
  });

  it('a client that departs gets a GenericError naming expected and actual command, and close() fails the test', async () => {
    const server = createReplayServer({ recording: { path: recordingPath } });
    const qmp = await QmpClient.connect({ stream: server.connectStream(), ...clientOptions });
    await qmp.execute('query-version');
    const err = (await qmp.execute('query-name').catch((e: unknown) => e)) as QmpCommandError;
    expect(isQmpCommandError(err)).toBe(true);
    expect(err.errorClass).toBe('GenericError');
    expect(err.desc).toBe("qmp-sdk replay: expected command #3 'query-status' as recorded, but the client sent 'query-name'");
    expect(server.failures).toHaveLength(1);
    expect(() => server.assertReplayComplete()).toThrow(/never sent by the client, the first 'query-status'/);
    await qmp.close();
    const closing = await server.close().catch((e: unknown) => e);
    expect(closing).toBeInstanceOf(QmpTestServerFailuresError);
    expect((closing as Error).message).toMatch(/expected command #3 'query-status' as recorded, but the client sent 'query-name'/);
  });

  it('different arguments are a departure too', async () => {
    const server = createReplayServer({ recording: { path: recordingPath } });
    const qmp = await QmpClient.connect({ stream: server.connectStream(), ...clientOptions });
    await qmp.execute('query-version');
    await qmp.execute('query-status');
    await qmp.execute('cont');
    await qmp.execute('stop');
    const [hmp] = await Promise.allSettled([qmp.execute('human-monitor-command', { 'command-line': 'info version' })]);
    expect(hmp.status).toBe('rejected');
    expect(((hmp as PromiseRejectedResult).reason as QmpCommandError).desc).toMatch(
      /expected command #6 'human-monitor-command' \{"command-line":"info status"\} as recorded, but the client sent 'human-monitor-command' \{"command-line":"info version"\}/,
    );
    await qmp.close();
    await expect(server.close()).rejects.toBeInstanceOf(QmpTestServerFailuresError);
  });
});
