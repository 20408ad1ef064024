/**
 * The raw-socket baseline for the guest agent benchmark: written the naive way (net.Socket, JSON.stringify,
 * split lines, a Map of ids), after the 0xFF + `guest-sync-delimited` every client must send first. Opens,
 * runs and closes its own connection (the agent serves one client at a time).
 */
import { randomInt } from 'node:crypto';
import { connect } from 'node:net';
import type { ThroughputResult } from './baseline.js';

/** Runs `count` `command`s against the agent at `path`, keeping `inFlight` outstanding. */
export async function runRawQga(path: string, opts: { inFlight: number; count: number; command?: string }): Promise<ThroughputResult> {
  const command = opts.command ?? 'guest-ping';
  const socket = connect({ path });
  await new Promise<void>((r, j) => socket.once('connect', () => r()).once('error', j));
  const syncId = randomInt(1, 2 ** 47);
  let buffer = '';
  let onLine: (msg: { id?: number; return?: unknown }) => void = () => {};
  let synced = false;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (!synced) {
      const mark = buffer.indexOf(`\xff{"return": ${syncId}}\n`);
      if (mark < 0) return;
      buffer = buffer.slice(mark + 1);
      synced = true;
    }
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line) onLine(JSON.parse(line));
    }
  });
  await new Promise<void>((r) => {
    onLine = (m) => m.return === syncId && r();
    socket.write(Buffer.concat([Buffer.from([0xff]), Buffer.from(JSON.stringify({ execute: 'guest-sync-delimited', arguments: { id: syncId } }))]));
  });
  const pending = new Map<number, () => void>();
  let nextId = 1;
  let sent = 0;
  let done = 0;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await new Promise<void>((finish) => {
    onLine = (m) => {
      const cb = m.id === undefined ? undefined : pending.get(m.id);
      if (!cb) return;
      pending.delete(m.id!);
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
      socket.write(JSON.stringify({ execute: command, id }));
    };
    for (let i = 0; i < Math.min(opts.inFlight, opts.count); i++) sendOne();
  });
  const cpu = process.cpuUsage(cpu0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await new Promise<void>((r) => {
    socket.once('close', () => r());
    socket.end();
  });
  return { opsPerSec: opts.count / seconds, cpuMicrosPerOp: (cpu.user + cpu.system) / opts.count };
}
