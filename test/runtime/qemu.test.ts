/**
 * The runtime against real QEMU 7.2 and 10.0 (`-machine none -nodefaults -display none -S`),
 * started with the runtime's own launcher. Fails (never skips) when a QEMU is missing.
 */
import { closeConnectionOnly } from '../../runtime/qmp/client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  QmpClient,
  isQmpAbortError,
  isQmpCommandError,
  isQmpConnectionError,
  isQmpLaunchError,
  isQmpProtocolError,
  isQmpTimeoutError,
  isQmpUsageError,
  launchQemu,
  type LaunchedQemu,
  type QmpEvent,
  type TargetBinding,
} from '../../runtime/index.js';
import { findQemu, qemuVersions } from '../../scripts/qemus.js';
import { QEMU_ARGS, launch, leftNothing } from './helpers/qemu.js';

/** A raw line-based QMP connection, for what the client itself never does. */
async function rawSession(path: string): Promise<{ next(): Promise<Record<string, unknown>>; send(s: string): void; close(): void }> {
  const socket = connect({ path });
  await new Promise<void>((r, j) => socket.once('connect', () => r()).once('error', j));
  socket.setEncoding('utf8');
  const lines: Record<string, unknown>[] = [];
  let wake: (() => void) | undefined;
  let buf = '';
  socket.on('data', (s: string) => {
    buf += s;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    wake?.();
  });
  return {
    async next() {
      while (lines.length === 0) await new Promise<void>((r) => (wake = r));
      return lines.shift()!;
    },
    send: (s) => socket.write(`${s}\n`),
    close: () => socket.destroy(),
  };
}

describe.each(qemuVersions)('QEMU %s', (version) => {
  const major = Number(version.split('.')[0]);
  let vm: LaunchedQemu<QmpClient>;
  let rawDir: string;
  /** Problems reported outside any call; none may be a schema failure (an event that does not fit). */
  const reported: string[] = [];

  beforeAll(async () => {
    rawDir = await mkdtemp(join(tmpdir(), 'qmp-raw-'));
    // A second, untouched QMP monitor for the raw-socket tests.
    vm = await launch(version, undefined, ['-qmp', `unix:${join(rawDir, 'raw.sock')},server=on,wait=off`]);
    vm.qmp.onError((e, source) => reported.push(`${source}: ${e instanceof Error ? e.message : String(e)}`));
  });

  afterAll(async () => {
    await vm?.close();
    await rm(rawDir, { recursive: true, force: true });
    expect(leftNothing(vm)).toBe(true);
    // No reply or event of the real QEMU failed its schema (failed replies would also have failed their call).
    expect(reported.filter((r) => r.startsWith('validation'))).toEqual([]);
  });

  it('negotiates: greeting as received, oob offered, nothing enabled by default', () => {
    expect(vm.qmp.greeting.QMP.version.qemu.major).toBe(major);
    expect(vm.qmp.greeting.QMP.version.package).toMatch(/Debian/);
    expect(vm.qmp.offeredCapabilities).toEqual(['oob']);
    expect(vm.qmp.capabilities).toEqual([]);
    expect(vm.qmp.isOpen).toBe(true);
    expect(vm.qmp.target?.name).toBe(`qemu-${version}-x86_64`); // every check of this file runs against its schema
  });

  it('raw socket: a command before qmp_capabilities gets CommandNotFound; a second qmp_capabilities is refused', async () => {
    const raw = await rawSession(join(rawDir, 'raw.sock'));
    try {
      let greeting = await raw.next();
      while ('event' in greeting) greeting = await raw.next();
      expect(greeting).toHaveProperty('QMP');
      raw.send('{"execute":"query-status","id":1}');
      expect(await raw.next()).toEqual({
        id: 1,
        error: { class: 'CommandNotFound', desc: "Expecting capabilities negotiation with 'qmp_capabilities'" },
      });
      raw.send('{"execute":"qmp_capabilities","id":2}');
      expect(await raw.next()).toEqual({ return: {}, id: 2 });
      raw.send('{"execute":"qmp_capabilities","id":3}');
      expect(await raw.next()).toEqual({
        id: 3,
        error: { class: 'CommandNotFound', desc: 'Capabilities negotiation is already complete, command ignored' },
      });
      raw.send('{"execute":"query-status","id":{"any":["json",1]}}');
      expect(await raw.next()).toMatchObject({ return: { status: 'prelaunch', running: false }, id: { any: ['json', 1] } });
    } finally {
      raw.close();
    }
  });

  it('pipelines hundreds of commands; each reply reaches its own call', async () => {
    const kinds = ['query-status', 'query-version', 'query-name', 'query-kvm'] as const;
    const calls = Array.from({ length: 400 }, (_, i) => {
      const kind = kinds[i % kinds.length]!;
      return vm.qmp.execute(kind).then((r) => [kind, r] as const);
    });
    const results = await Promise.all(calls);
    for (const [kind, r] of results) {
      const v = r as Record<string, unknown>;
      if (kind === 'query-status') expect(v['status']).toBe('prelaunch');
      if (kind === 'query-version') expect((v['qemu'] as { major: number }).major).toBe(major);
      if (kind === 'query-name') expect(v).toEqual({});
      if (kind === 'query-kvm') expect(v).toHaveProperty('present');
    }
  });

  it('QmpCommandError for an unknown command and for bad arguments', async () => {
    // Sent past the client's own checks (validateArguments: false) so that QEMU's answers are tested.
    const raw = { validateArguments: false };
    const refused = await vm.qmp.execute('no-such-command').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'validation', side: 'arguments', path: '/execute' }); // the target knows no such command
    const unknown = await vm.qmp.execute('no-such-command', undefined, raw).catch((e: unknown) => e);
    expect(isQmpCommandError(unknown)).toBe(true);
    expect(unknown).toMatchObject({
      errorClass: 'CommandNotFound',
      desc: 'The command no-such-command has not been found',
      command: 'no-such-command',
    });
    const extra = await vm.qmp.execute('query-status', { bogus: 1 }, raw).catch((e: unknown) => e);
    expect(extra).toMatchObject({ code: 'command', errorClass: 'GenericError', desc: "Parameter 'bogus' is unexpected", command: 'query-status' });
    const missing = await vm.qmp.execute('qom-list', {}, raw).catch((e: unknown) => e);
    expect(missing).toMatchObject({ errorClass: 'GenericError', desc: "Parameter 'path' is missing", command: 'qom-list' });
    const wrongType = await vm.qmp.execute('qom-list', { path: 42 }, raw).catch((e: unknown) => e);
    expect(wrongType).toMatchObject({ errorClass: 'GenericError', command: 'qom-list' });
    expect((wrongType as { desc: string }).desc).toMatch(/path.*string/);
    // The connection is fine afterwards.
    expect(await vm.qmp.execute('query-status')).toMatchObject({ status: 'prelaunch' });
  });

  it('STOP/RESUME events from cont/stop, via on() and waitForEvent started before the command', async () => {
    const seen: QmpEvent[] = [];
    const off = vm.qmp.on('STOP', (e) => seen.push(e));
    vm.qmp.on('RESUME', (e) => seen.push(e));
    for (let i = 0; i < 5; i++) {
      const resumed = vm.qmp.waitForEvent('RESUME');
      await vm.qmp.execute('cont');
      expect((await resumed).event).toBe('RESUME');
      const stopped = vm.qmp.waitForEvent('STOP', { timeoutMs: 10_000 });
      await vm.qmp.execute('stop');
      const ev = await stopped;
      expect(ev.event).toBe('STOP');
      expect(ev.timestamp.seconds).toBeGreaterThan(0);
      expect(ev.timestamp.microseconds).toBeGreaterThanOrEqual(0);
    }
    off();
    expect(seen.map((e) => e.event)).toEqual(Array.from({ length: 5 }, () => ['RESUME', 'STOP']).flat());
    expect(await vm.qmp.execute('query-status')).toMatchObject({ status: 'paused', running: false });
  });

  it('events(): the iterator sees RESUME then STOP', async () => {
    const it = vm.qmp.events({ names: ['RESUME', 'STOP'] });
    await vm.qmp.execute('cont');
    await vm.qmp.execute('stop');
    expect((await it.next()).value?.event).toBe('RESUME');
    expect((await it.next()).value?.event).toBe('STOP');
    expect(it.dropped).toBe(0);
    it.close();
  });

  it('query-qmp-schema (~200 KB) arrives in one reply', async () => {
    const before = vm.qmp.stats.received;
    const schema = (await vm.qmp.execute('query-qmp-schema')) as Array<{ name: string; 'meta-type': string }>;
    expect(vm.qmp.stats.received - before).toBe(1);
    expect(JSON.stringify(schema).length).toBeGreaterThan(150_000);
    expect(schema.some((e) => e.name === 'query-status' && e['meta-type'] === 'command')).toBe(true);
  });

  it('modules load (the environment reaches QEMU): qom-list-types', async () => {
    const types = (await vm.qmp.execute('qom-list-types')) as Array<{ name: string }>;
    expect(types.length).toBeGreaterThan(100);
  });

  it('exec-oob without oob negotiated: QmpUsageError, nothing sent', async () => {
    const sent = vm.qmp.stats.sent;
    const err = await vm.qmp.execute('query-yank', undefined, { oob: true }).catch((e: unknown) => e);
    expect(isQmpUsageError(err)).toBe(true);
    expect((err as Error).message).toContain("'oob' capability");
    expect(vm.qmp.stats.sent).toBe(sent);
  });

  it('an input QEMU cannot parse gets an error without id; it fails exactly the command that caused it', async () => {
    const before = vm.qmp.execute('query-status');
    // A lone surrogate: JSON.stringify escapes it, QEMU's parser rejects it ("not a valid Unicode character").
    const bad = vm.qmp.execute('human-monitor-command', { 'command-line': 'info \ud800' }).catch((e: unknown) => e);
    const after = vm.qmp.execute('query-version');
    expect(await before).toHaveProperty('status');
    const err = await bad;
    expect(isQmpProtocolError(err)).toBe(true);
    expect(err).toMatchObject({ violation: 'error-without-id' });
    expect((err as Error).message).toContain('not a valid Unicode character');
    expect(await after).toHaveProperty('qemu');
  });

  it('abort: the call rejects at once; the late reply is dropped and counted', async () => {
    const late = vm.qmp.stats.lateReplies;
    const ac = new AbortController();
    const p = vm.qmp.execute('query-status', undefined, { signal: ac.signal }).catch((e: unknown) => e);
    ac.abort();
    expect(isQmpAbortError(await p)).toBe(true);
    await vm.qmp.execute('query-name'); // replies come in order: the aborted one is read by now
    expect(vm.qmp.stats.lateReplies).toBe(late + 1);
    expect(vm.qmp.stats.unknownIds).toBe(0);
  });

  it('timeout while QEMU is frozen (SIGSTOP): QmpTimeoutError; after SIGCONT the late reply is dropped', async () => {
    const late = vm.qmp.stats.lateReplies;
    process.kill(vm.pid, 'SIGSTOP');
    try {
      const err = await vm.qmp.execute('query-status', undefined, { timeoutMs: 100 }).catch((e: unknown) => e);
      expect(isQmpTimeoutError(err)).toBe(true);
      expect(err).toMatchObject({ operation: 'query-status', timeoutMs: 100 });
    } finally {
      process.kill(vm.pid, 'SIGCONT');
    }
    expect(await vm.qmp.execute('query-status')).toMatchObject({ status: 'paused' });
    expect(vm.qmp.stats.lateReplies).toBe(late + 1);
  });

  it('oob negotiated: exec-oob of an allow-oob command, amid pipelined in-band commands', async () => {
    const oobVm = await launch(version, { capabilities: { require: ['oob'] } });
    try {
      expect(oobVm.qmp.capabilities).toEqual(['oob']);
      const schema = (await oobVm.qmp.execute('query-qmp-schema')) as Array<{ name: string; 'allow-oob'?: boolean }>;
      const allowOob = schema.filter((e) => e['allow-oob']).map((e) => e.name).sort();
      expect(allowOob).toContain('query-yank');
      const inBand = Array.from({ length: 40 }, () => oobVm.qmp.execute('query-status'));
      const oob = oobVm.qmp.execute('query-yank', undefined, { oob: true });
      expect(oobVm.qmp.stats.queued).toBe(32); // at most 8 in-band in flight
      expect(await oob).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'chardev' })]));
      expect((await Promise.all(inBand)).every((r) => (r as { status: string }).status === 'prelaunch')).toBe(true);
      // With a target bound, a command without allow-oob is refused before sending.
      const target: TargetBinding = {
        name: 'test-target',
        commands: {
          'query-status': { method: 'queryStatus', noArguments: true, allowOob: false },
          'query-yank': { method: 'queryYank', noArguments: true, allowOob: true },
        },
        events: [],
        loadValidators: async () => ({
          validateArguments: () => ({ ok: true, value: undefined }),
          validateReturn: () => ({ ok: true, value: undefined }),
          validateEvent: () => ({ ok: true, value: undefined }),
          validateGreeting: () => ({ ok: true, value: undefined }),
          validateMessage: () => ({ ok: true, value: undefined }),
        }),
      };
      class Bound extends QmpClient {
        static override readonly target = target;
      }
      const raw = await rawSocketFree(oobVm);
      const bound = await Bound.connect({ path: raw, capabilities: { enable: ['oob'] } });
      try {
        const sent = bound.stats.sent;
        const err = await bound.execute('query-status', undefined, { oob: true }).catch((e: unknown) => e);
        expect(isQmpUsageError(err)).toBe(true);
        expect((err as Error).message).toContain('does not allow out-of-band');
        expect(bound.stats.sent).toBe(sent);
        expect(await bound.execute('query-yank', undefined, { oob: true })).toBeInstanceOf(Array);
      } finally {
        await bound.close();
      }
    } finally {
      await oobVm.close();
    }
    expect(leftNothing(oobVm)).toBe(true);
  });

  it('QEMU killed (SIGKILL) mid-command: every pending call rejects with QmpConnectionError, nothing hangs', async () => {
    const victim = await launch(version);
    const calls = Array.from({ length: 100 }, () => victim.qmp.execute('query-qmp-schema').then(() => 'ok', (e: unknown) => e));
    const waiting = victim.qmp.waitForEvent('NEVER');
    process.kill(victim.pid, 'SIGKILL');
    const outcomes = await Promise.all(calls);
    const failed = outcomes.filter((o) => o !== 'ok');
    expect(failed.length).toBeGreaterThan(0);
    for (const e of failed) expect(isQmpConnectionError(e)).toBe(true);
    expect(isQmpConnectionError(await waiting.catch((e: unknown) => e))).toBe(true);
    expect(['peer-closed', 'lost']).toContain((await victim.qmp.closed).reason);
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await victim.close();
    expect(leftNothing(victim)).toBe(true);
  });
});

/** Closes the launched client's connection so another client can take the single QMP socket. */
async function rawSocketFree(vm: LaunchedQemu<QmpClient>): Promise<string> {
  // The launcher's client keeps the process; only its connection goes (a runtime-internal helper).
  await closeConnectionOnly(vm.qmp);
  return vm.socketPath;
}

describe('launcher', () => {
  it('close() stops exactly its QEMU and removes the temp folder; qmp.close() does the same', async () => {
    const a = await launch('10.0');
    const b = await launch('7.2');
    await a.close();
    expect(leftNothing(a)).toBe(true);
    expect(await b.qmp.execute('query-status')).toMatchObject({ status: 'prelaunch' });
    await b.qmp.close();
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(leftNothing(b)).toBe(true);
    await b.close(); // idempotent
  });

  it('await using: leaving the scope stops QEMU and removes its folder', async () => {
    let launched: LaunchedQemu<QmpClient> | undefined;
    {
      await using vm = await launch('7.2');
      launched = vm;
      expect(await vm.qmp.execute('query-status')).toMatchObject({ running: false });
    }
    expect(leftNothing(launched)).toBe(true);
  });

  it('a QEMU that exits during start-up: QmpLaunchError with its stderr; nothing left behind', async () => {
    const q = findQemu('10.0');
    const own = mkdtempSync(join(tmpdir(), 'qmp-launcher-test-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = own;
    try {
      const err = await launchQemu({ binary: q.binary, env: q.env, args: [...QEMU_ARGS, '-no-such-option'] }).catch((e: unknown) => e);
      expect(isQmpLaunchError(err)).toBe(true);
      expect((err as Error).message).toContain('exited during start-up');
      expect((err as { stderr: string }).stderr).toContain('-no-such-option');
      expect(readdirSync(own)).toEqual([]);
      const missing = await launchQemu({ binary: '/nonexistent/qemu', args: [] }).catch((e: unknown) => e);
      expect(isQmpLaunchError(missing)).toBe(true);
      expect((missing as Error).message).toContain('could not be started');
      expect(readdirSync(own)).toEqual([]);
    } finally {
      process.env.TMPDIR = saved;
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('close() of a frozen QEMU escalates (quit unanswered → SIGTERM → SIGKILL)', async () => {
    const q = findQemu('7.2');
    const vm = await launchQemu({ binary: q.binary, args: QEMU_ARGS, closeGraceMs: 100 });
    process.kill(vm.pid, 'SIGSTOP');
    await vm.close();
    expect((await vm.exited).signal).toBe('SIGKILL');
    expect(leftNothing(vm)).toBe(true);
  });

  it('a typed subclass: connect() and launch give the subclass', async () => {
    class Mine extends QmpClient {
      hello(): string {
        return 'mine';
      }
    }
    const q = findQemu('10.0');
    const vm = await Mine.launch({ binary: q.binary, env: q.env, args: QEMU_ARGS });
    try {
      expect(vm.qmp).toBeInstanceOf(Mine);
      expect(vm.qmp.hello()).toBe('mine');
      const path = await rawSocketFree(vm as unknown as LaunchedQemu<QmpClient>);
      const again = await Mine.connect({ path });
      expect(again.hello()).toBe('mine');
      await again.close();
    } finally {
      await vm.close();
    }
    expect(existsSync(vm.tempDir)).toBe(false);
  });

  it('connect to a missing socket: QmpConnectionError with reason refused and the system code', async () => {
    const err = await QmpClient.connect({ path: join(tmpdir(), 'definitely-missing.sock') }).catch((e: unknown) => e);
    expect(isQmpConnectionError(err)).toBe(true);
    expect(err).toMatchObject({ reason: 'refused', syscallCode: 'ENOENT' });
    const timeout = await QmpClient.connect({ host: '127.0.0.1', port: 1, connectTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(timeout).toMatchObject({ code: 'connection', reason: 'refused', syscallCode: 'ECONNREFUSED' });
    expect(isQmpTimeoutError(timeout)).toBe(false);
  });
});
