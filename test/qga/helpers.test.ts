/**
 * The guest agent helpers (`runtime/qga/helpers/`: exec, readFile, writeFile), as methods of the generated
 * `QgaClient` of each version with argument and reply validation on, against the real agents 7.2 and 10.0, started on this host by test/support/qemu-ga.ts (host-changing commands blocked). Every program run is harmless
 * (`echo`, `sh` with `cat`/`printf`, `env`, `sleep`), and every file touched is in a temporary folder the test
 * owns and removes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QgaClient as RuntimeQgaClient, QgaConnectOptions } from '../../runtime/qga/index.js';
import { isQmpAbortError, isQmpCommandError, isQmpTimeoutError, isQmpUsageError } from '../../runtime/errors.js';
import { QgaClient as QgaClient10, isQgaFileError } from '../../generated/qga-10.0/index.js';
import { QgaClient as QgaClient72 } from '../../generated/qga-7.2/index.js';
import { DEFAULT_CHUNK_BYTES, MAX_CHUNK_BYTES } from '../../runtime/qga/helpers/index.js';
import { qemuVersions } from '../../scripts/qemus.js';
import { startQemuGa, type RunningQemuGa } from '../support/qemu-ga.js';

/** A generated client of the agent's version, validation of arguments and replies on, with every command it sent recorded. */
interface Agent {
  readonly qga: RuntimeQgaClient;
  /** Commands the helpers sent (the synchronisations and the test's own `direct` calls left out). */
  readonly sent: Array<{ name: string; args: Record<string, unknown> | undefined }>;
  /** Hook called as each command is written (to abort at a precise step; runs after the write). */
  onSend?: (name: string, args: Record<string, unknown> | undefined) => void;
  /** The test's own check, not recorded. */
  direct(name: string, args?: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

async function openAgent(path: string, version: string): Promise<Agent> {
  let muted = false;
  const agent: Agent = {
    qga: undefined as never,
    sent: [],
    direct(name, args) {
      muted = true;
      try {
        return agent.qga.executeUntyped(name, args);
      } finally {
        muted = false;
      }
    },
    close: () => agent.qga.close(),
  };
  const options: QgaConnectOptions = {
    path,
    validateArguments: true,
    validateReturns: true,
    trace: (direction, message) => {
      const m = message as { execute?: string; arguments?: Record<string, unknown> };
      if (direction !== 'out' || muted || m.execute === undefined || m.execute === 'guest-sync-delimited') return;
      agent.sent.push({ name: m.execute, args: m.arguments });
      const hook = agent.onSend;
      if (hook !== undefined) queueMicrotask(() => hook(m.execute!, m.arguments));
    },
  };
  // The generated client of the agent's own version: its validators are that version's schema.
  const qga: RuntimeQgaClient = version === '7.2' ? await QgaClient72.connect(options) : await QgaClient10.connect(options);
  (agent as { qga: unknown }).qga = qga;
  return agent;
}

/** Asks `guest-exec-status` until the process exited (reaps it in the agent): no guest process outlives a test. */
async function reap(agent: Agent, pid: unknown): Promise<void> {
  for (;;) {
    const s = (await agent.direct('guest-exec-status', { pid })) as { exited: boolean };
    if (s.exited) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function pidOf(agent: Agent): unknown {
  const started = agent.sent.find((c) => c.name === 'guest-exec-status');
  return started?.args?.['pid'];
}

describe.each(qemuVersions)('QGA helpers on the real qemu-ga %s', (version) => {
  let ga: RunningQemuGa;
  let agent: Agent;
  let dir: string;
  beforeAll(async () => {
    ga = await startQemuGa({ version });
    dir = mkdtempSync(join(tmpdir(), `qmp-sdk-qga-files-${version}-`));
  });
  afterEach(async () => {
    await agent?.close();
  });
  afterAll(async () => {
    await ga?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  const fresh = async (): Promise<Agent> => (agent = await openAgent(ga.path, version));

  describe('exec', () => {
    it('runs /bin/echo: exit 0, stdout exact, stderr empty, nothing truncated', async () => {
      const a = await fresh();
      const r = await a.qga.exec('/bin/echo', ['hello', 'guest  agent']);
      expect(r).toEqual({ exitCode: 0, stdout: Buffer.from('hello guest  agent\n'), stderr: Buffer.alloc(0) });
      expect(a.sent.map((c) => c.name).slice(0, 2)).toEqual(['guest-exec', 'guest-exec-status']);
      expect(a.sent[0]!.args).toEqual({ path: '/bin/echo', arg: ['hello', 'guest  agent'], 'capture-output': true });
    });

    it('feeds stdin (binary bytes), captures stdout and stderr apart, reports a non-zero exit as a result', async () => {
      const a = await fresh();
      const input = Buffer.concat([Buffer.from('line one\n'), randomBytes(3000), Buffer.from([0, 0xff, 0x0a])]);
      const r = await a.qga.exec('/bin/sh', ['-c', 'cat; echo oops >&2; exit 3'], { input });
      expect(r.exitCode).toBe(3);
      expect(r.stdout.equals(input)).toBe(true);
      expect(r.stderr.toString()).toBe('oops\n');
      expect(r.signal).toBeUndefined();
      expect(r.truncated).toBeUndefined();
    });

    it('env is the whole environment of the program (the agent does not add its own)', async () => {
      const a = await fresh();
      const r = await a.qga.exec('/usr/bin/env', [], { env: { QGA_TEST: 'a b=c', LANG: 'C' } });
      expect(r.exitCode).toBe(0);
      expect(r.stdout.toString().split('\n').filter(Boolean).sort()).toEqual(['LANG=C', 'QGA_TEST=a b=c']);
      const s = await a.qga.exec('/bin/sh', ['-c', 'printf %s "$QGA_TEST"'], { env: { QGA_TEST: 'ünï' } });
      expect(s.stdout.toString()).toBe('ünï');
    });

    it('a process ended by a signal: exitCode null, signal given', async () => {
      const a = await fresh();
      const r = await a.qga.exec('/bin/sh', ['-c', 'kill -TERM $$']);
      expect(r.exitCode).toBeNull();
      expect(r.signal).toBe(15);
    });

    it('a program the guest does not have: the agent\'s error, typed', async () => {
      const a = await fresh();
      const e = await a.qga.exec('/nonexistent/qga-test-program').catch((x: unknown) => x);
      expect(isQmpCommandError(e)).toBe(true);
      expect(String((e as Error).message)).toMatch(/guest-exec: GenericError: .*nonexistent/);
    });

    it('timeoutMs: rejects with QmpTimeoutError naming the pid, and stops polling', async () => {
      const a = await fresh();
      // 400 ms: far longer than guest-exec takes to answer even on a loaded machine (the pid must be known), far
      // shorter than the program runs (2 s)
      const e = await a.qga.exec('/bin/sleep', ['2'], { timeoutMs: 400, pollIntervalMs: 5 }).catch((x: unknown) => x);
      expect(isQmpTimeoutError(e)).toBe(true);
      expect((e as Error).message).toMatch(/guest-exec: not finished within 400 ms; the guest process \(pid \d+\) keeps running/);
      const after = a.sent.length;
      // Wait until the guest process exited (a second later), through the test's own status polls: by then a helper
      // still polling every 5 ms would have sent many more commands.
      const pid = Number(/pid (\d+)/.exec((e as Error).message)![1]);
      expect(pidOf(a) ?? pid).toBe(pid);
      await reap(a, pid);
      expect(a.sent.length).toBe(after);
    });

    it('signal: an abort during polling rejects with QmpAbortError (cause = reason) and stops polling', async () => {
      const a = await fresh();
      const ac = new AbortController();
      let statuses = 0;
      a.onSend = (name) => {
        if (name === 'guest-exec-status' && ++statuses === 2) ac.abort('enough');
      };
      const e = await a.qga.exec('/bin/sleep', ['1'], { signal: ac.signal, pollIntervalMs: 5 }).catch((x: unknown) => x);
      expect(isQmpAbortError(e)).toBe(true);
      expect((e as Error).cause).toBe('enough');
      const after = a.sent.length;
      await reap(a, pidOf(a));
      expect(a.sent.length).toBe(after);
      // an already aborted signal sends nothing
      const before = a.sent.length;
      expect(isQmpAbortError(await a.qga.exec('/bin/echo', [], { signal: AbortSignal.abort() }).catch((x: unknown) => x))).toBe(true);
      expect(a.sent.length).toBe(before);
    });

    it('bad arguments are QmpUsageError and send nothing', async () => {
      const a = await fresh();
      const bad: Array<() => Promise<unknown>> = [
        () => a.qga.exec(''),
        () => a.qga.exec('/bin/echo', 'x' as unknown as string[]),
        () => a.qga.exec('/bin/echo', [], { timeout: 5 } as never),
        () => a.qga.exec('/bin/echo', [], { env: { 'A=B': 'x' } }),
        () => a.qga.exec('/bin/echo', [], { pollIntervalMs: 0 }),
      ];
      for (const call of bad) expect(isQmpUsageError(await call().catch((x: unknown) => x))).toBe(true);
      expect(a.sent).toEqual([]);
    });
  });

  describe('readFile / writeFile', () => {
    it('round trip of 1 MiB of random bytes (chunked both ways), byte for byte, also on the host file itself', async () => {
      const a = await fresh();
      const file = join(dir, 'random.bin');
      const data = randomBytes(1024 * 1024);
      await a.qga.writeFile(file, data, { chunkBytes: 300_000 });
      expect(readFileSync(file).equals(data)).toBe(true);
      expect(a.sent.filter((c) => c.name === 'guest-file-write')).toHaveLength(4);
      const back = await a.qga.readFile(file);
      expect(back.equals(data)).toBe(true);
      // default chunk: 16 reads of 64 KiB, and one more that finds the end when the 16th did not report it
      const reads = a.sent.filter((c) => c.name === 'guest-file-read');
      expect(reads.every((c) => c.args!['count'] === DEFAULT_CHUNK_BYTES)).toBe(true);
      expect([16, 17]).toContain(reads.length);
      const small = await a.qga.readFile(file, { chunkBytes: 100_000 });
      expect(small.equals(data)).toBe(true);
      // every handle opened was closed
      expect(a.sent.filter((c) => c.name === 'guest-file-open')).toHaveLength(3);
      expect(a.sent.filter((c) => c.name === 'guest-file-close')).toHaveLength(3);
    });

    it('the largest chunk (8 MiB, a reply of about 10.7 MiB of base64) both ways', async () => {
      const a = await fresh();
      const file = join(dir, 'large.bin');
      const data = randomBytes(9 * 1024 * 1024);
      await a.qga.writeFile(file, data, { chunkBytes: MAX_CHUNK_BYTES });
      expect(readFileSync(file).equals(data)).toBe(true);
      expect((await a.qga.readFile(file, { chunkBytes: MAX_CHUNK_BYTES })).equals(data)).toBe(true);
      expect(a.sent.filter((c) => c.name === 'guest-file-read').map((c) => c.args!['count'])).toEqual([MAX_CHUNK_BYTES, MAX_CHUNK_BYTES]);
      rmSync(file);
    });

    it('strings are UTF-8; empty data makes an empty file; an existing file is truncated', async () => {
      const a = await fresh();
      const file = join(dir, 'text.txt');
      writeFileSync(file, 'old content that is longer');
      await a.qga.writeFile(file, 'żółw\n');
      expect(readFileSync(file, 'utf8')).toBe('żółw\n');
      expect((await a.qga.readFile(file)).toString('utf8')).toBe('żółw\n');
      await a.qga.writeFile(file, Buffer.alloc(0));
      expect(readFileSync(file).length).toBe(0);
      expect((await a.qga.readFile(file)).length).toBe(0);
    });

    it('reading a missing file: QgaFileError at step open, naming the path, the agent\'s error as cause', async () => {
      const a = await fresh();
      const missing = join(dir, 'no-such-file');
      const e = await a.qga.readFile(missing).catch((x: unknown) => x);
      expect(isQgaFileError(e)).toBe(true);
      if (!isQgaFileError(e)) return;
      expect(e.step).toBe('open');
      expect(e.path).toBe(missing);
      expect(e.handle).toBeUndefined();
      expect(isQmpCommandError(e.cause)).toBe(true);
      expect(e.message).toContain(JSON.stringify(missing));
      expect(a.sent.map((c) => c.name)).toEqual(['guest-file-open']);
      const w = await a.qga.writeFile(join(dir, 'no-such-dir', 'f'), 'x').catch((x: unknown) => x);
      expect(isQgaFileError(w) && w.step === 'open').toBe(true);
    });

    /** The handle the helper used is closed: the agent no longer knows it. */
    async function expectClosed(a: Agent, handle: unknown): Promise<void> {
      expect(typeof handle).toBe('number');
      const e = await a.direct('guest-file-read', { handle }).catch((x: unknown) => x);
      expect(isQmpCommandError(e)).toBe(true);
      expect((e as Error).message).toMatch(/handle '\d+' has not been found/);
    }

    it('a read that fails after open (a directory): QgaFileError at step read, and the handle is closed', async () => {
      const a = await fresh();
      const e = await a.qga.readFile(dir).catch((x: unknown) => x);
      expect(isQgaFileError(e)).toBe(true);
      if (!isQgaFileError(e)) return;
      expect(e.step).toBe('read');
      expect(e.path).toBe(dir);
      expect(a.sent.map((c) => c.name)).toEqual(['guest-file-open', 'guest-file-read', 'guest-file-close']);
      await expectClosed(a, e.handle);
    });

    it('maxBytes: a longer file is refused at step read, and the handle is closed', async () => {
      const a = await fresh();
      const file = join(dir, 'long.bin');
      writeFileSync(file, randomBytes(5000));
      const e = await a.qga.readFile(file, { maxBytes: 4096, chunkBytes: 1024 }).catch((x: unknown) => x);
      expect(isQgaFileError(e) && e.step === 'read' && /longer than maxBytes \(4096\)/.test(e.message)).toBe(true);
      await expectClosed(a, (e as { handle: unknown }).handle);
      expect((await a.qga.readFile(file, { maxBytes: 5000 })).length).toBe(5000);
    });

    it('an abort mid-transfer (write, then read): QmpAbortError, no more chunks, and the handle is closed', async () => {
      const a = await fresh();
      const file = join(dir, 'aborted.bin');
      const ac = new AbortController();
      let writes = 0;
      a.onSend = (name) => {
        if (name === 'guest-file-write' && ++writes === 3) ac.abort('stop writing');
      };
      const e = await a.qga.writeFile(file, randomBytes(64 * 1024), { chunkBytes: 4096, signal: ac.signal }).catch((x: unknown) => x);
      expect(isQmpAbortError(e)).toBe(true);
      expect(a.sent.filter((c) => c.name === 'guest-file-write')).toHaveLength(3);
      expect(a.sent.at(-1)!.name).toBe('guest-file-close');
      await expectClosed(a, a.sent.at(-1)!.args!['handle']);

      const rc = new AbortController();
      let reads = 0;
      a.onSend = (name) => {
        if (name === 'guest-file-read' && ++reads === 2) rc.abort('stop reading');
      };
      writeFileSync(file, randomBytes(64 * 1024));
      const r = await a.qga.readFile(file, { chunkBytes: 4096, signal: rc.signal }).catch((x: unknown) => x);
      expect(isQmpAbortError(r)).toBe(true);
      expect(a.sent.filter((c) => c.name === 'guest-file-read')).toHaveLength(2);
      expect(a.sent.at(-1)!.name).toBe('guest-file-close');
      await expectClosed(a, a.sent.at(-1)!.args!['handle']);
    });

    it('bad arguments are QmpUsageError and send nothing', async () => {
      const a = await fresh();
      for (const call of [
        () => a.qga.readFile(''),
        () => a.qga.readFile(join(dir, 'x'), { chunkBytes: 9 * 1024 * 1024 }),
        () => a.qga.readFile(join(dir, 'x'), { chunkSize: 10 } as never),
        () => a.qga.writeFile(join(dir, 'x'), 42 as unknown as string),
        () => a.qga.writeFile(join(dir, 'x'), 'x', { maxBytes: 1 }),
      ]) {
        expect(isQmpUsageError(await call().catch((x: unknown) => x))).toBe(true);
      }
      expect(a.sent).toEqual([]);
    });
  });
});
