/**
 * Baselines for the benchmarks: an instant QMP peer written in C (the speed of light of the
 * socket path) and a raw-socket client written the naive way (net.Socket, JSON.stringify,
 * split lines, a Map of ids) that a real client is compared with.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'bench/peer/instant-peer.c');
const binary = join(root, '.cache/instant-peer');

/** Compiles the C peer into `.cache/` when missing or older than its source. */
export function buildInstantPeer(): string {
  if (!existsSync(binary) || statSync(binary).mtimeMs < statSync(source).mtimeMs) {
    mkdirSync(dirname(binary), { recursive: true });
    execFileSync('cc', ['-O2', '-o', binary, source], { stdio: 'inherit' });
  }
  return binary;
}

/** A running instant peer. */
export interface InstantPeer {
  /** Its unix socket. */
  path: string;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/** Starts the instant C peer on a unix socket in a fresh temporary folder. */
export async function startInstantPeer(): Promise<InstantPeer> {
  const bin = buildInstantPeer();
  const dir = await mkdtemp(join(tmpdir(), 'qmp-peer-'));
  const path = join(dir, 'peer.sock');
  const child = spawn(bin, [path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  await new Promise<void>((resolveReady, reject) => {
    child.stdout.once('data', () => resolveReady());
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`instant peer exited (${code})`)));
  });
  child.stdout.resume();
  return {
    path,
    async close() {
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Options of {@link runRawClient}. */
export interface RawClientOptions {
  /** Commands kept in flight. */
  inFlight: number;
  /** Commands to run (after negotiation). */
  count: number;
  /** Command to send (default `query-status`). */
  command?: string;
  /** Its arguments (default: none). */
  arguments?: Record<string, unknown>;
}

/** Result of a throughput run. */
export interface ThroughputResult {
  opsPerSec: number;
  /** Client CPU time (user + system) per command, in microseconds. */
  cpuMicrosPerOp: number;
}

/**
 * The naive raw-socket QMP client: reads the greeting line, negotiates, then runs `count` commands
 * keeping `inFlight` outstanding; lines split on `\n`, one `JSON.parse` each, ids in a Map.
 */
export async function runRawClient(path: string, opts: RawClientOptions): Promise<ThroughputResult> {
  const command = opts.command ?? 'query-status';
  const socket = connect({ path });
  await new Promise<void>((r, j) => socket.once('connect', () => r()).once('error', j));
  let buffer = '';
  let onLine: (msg: { id?: number; return?: unknown; error?: unknown; QMP?: unknown; event?: string }) => void = () => {};
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) onLine(JSON.parse(line));
    }
  });
  await new Promise<void>((r) => (onLine = (m) => m.QMP && r()));
  socket.write(`${JSON.stringify({ execute: 'qmp_capabilities', id: 0 })}\n`);
  await new Promise<void>((r) => (onLine = (m) => m.id === 0 && r()));

  const pending = new Map<number, () => void>();
  let nextId = 1;
  let sent = 0;
  let done = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await new Promise<void>((finish) => {
    onLine = (m) => {
      if (m.id === undefined) return;
      const cb = pending.get(m.id);
      if (!cb) return;
      pending.delete(m.id);
      cb();
    };
    const sendOne = (): void => {
      const id = nextId++;
      sent++;
      pending.set(id, () => {
        done++;
        if (done === opts.count) finish();
        else if (sent < opts.count) sendOne();
      });
      socket.write(`${JSON.stringify(opts.arguments ? { execute: command, arguments: opts.arguments, id } : { execute: command, id })}\n`);
    };
    for (let i = 0; i < Math.min(opts.inFlight, opts.count); i++) sendOne();
  });
  const cpu = process.cpuUsage(cpu0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  socket.destroy();
  return { opsPerSec: opts.count / seconds, cpuMicrosPerOp: (cpu.user + cpu.system) / opts.count };
}
