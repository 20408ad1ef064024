/**
 * Run-wide hygiene for the test suite: every QEMU (and guest agent, qemu-ga) started by a test must be gone and every
 * temporary folder removed when the run ends.
 *
 * Tests inherit a marker environment variable (so every QEMU they start carries it in its
 * environment) and a private TMPDIR; teardown fails the run when a process with the marker is
 * still alive, or when anything was left in the private TMPDIR.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

const marker = `QMP_SDK_TEST_RUN=${randomUUID()}`;

function processesWithMarker(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0');
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'latin1');
      if (env.includes(marker) && (cmd.includes('qemu-system') || cmd.includes('qemu-ga'))) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile, or is not ours to read
    }
  }
  return pids;
}

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'qmp-sdk-test-run-'));
  const [key, value] = marker.split('=') as [string, string];
  process.env[key] = value;
  process.env.TMPDIR = dir;
  return () => {
    const leftovers = readdirSync(dir);
    const alive = processesWithMarker();
    for (const pid of alive) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
    const problems: string[] = [];
    if (alive.length > 0) problems.push(`QEMU or qemu-ga processes left running by the tests (killed now): ${alive.join(', ')}`);
    if (leftovers.length > 0) problems.push(`temporary files left behind by the tests: ${leftovers.join(', ')}`);
    if (problems.length > 0) {
      console.error(`\nTest hygiene FAILED:\n${problems.join('\n')}`);
      process.exitCode = 1;
      throw new Error(problems.join('\n'));
    }
  };
}
