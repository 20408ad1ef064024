/**
 * Test helper: the `query-qmp-schema` reply of a real installed QEMU, read over `-qmp stdio`
 * (no dependency on the runtime under test). The QEMU process is always gone when it returns.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { SchemaInfo } from '../../codegen/qapi/introspection.js';
import { findQemu, type QemuVersion } from '../../scripts/qemus.js';

const cache = new Map<QemuVersion, Promise<SchemaInfo[]>>();

/** Introspection of the installed QEMU `version` (memoized per test file). */
export function liveSchema(version: QemuVersion): Promise<SchemaInfo[]> {
  let p = cache.get(version);
  if (!p) cache.set(version, (p = query(version)));
  return p;
}

async function query(version: QemuVersion): Promise<SchemaInfo[]> {
  const q = findQemu(version);
  const child = spawn(q.binary, ['-machine', 'none', '-nodefaults', '-display', 'none', '-S', '-qmp', 'stdio'], {
    env: { ...process.env, ...q.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (e) => {
      stderr += String(e);
      resolve();
    });
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const send = (cmd: string): void => void child.stdin.write(`{"execute": "${cmd}"}\n`);
  /** The next reply (skipping events). */
  const reply = async (): Promise<Record<string, unknown>> => {
    for (;;) {
      const r = await lines.next();
      if (r.done) throw new Error(`QEMU ${version} closed its QMP stdout: ${stderr}`);
      const msg = JSON.parse(r.value) as Record<string, unknown>;
      if (!('event' in msg)) return msg;
    }
  };
  try {
    await reply(); // greeting
    send('qmp_capabilities');
    await reply();
    send('query-qmp-schema');
    const schema = await reply();
    if (!Array.isArray(schema.return)) throw new Error(`query-qmp-schema failed: ${JSON.stringify(schema)}`);
    send('quit');
    return schema.return as SchemaInfo[];
  } finally {
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
