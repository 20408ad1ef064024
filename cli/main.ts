#!/usr/bin/env node
/**
 * `qmp`: a command line and an interactive shell for QEMU's QMP, built on the SDK's runtime and the
 * live schema of the QEMU it talks to. Usage and exit codes: `options.ts` (`qmp --help`).
 */
import { readFileSync } from 'node:fs';
import { isQmpCommandError, isQmpError, isQmpValidationError } from '../runtime/index.js';
import { painter } from './colors.js';
import { CliError, exitCodes } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { formatResult } from './format.js';
import { KeyValueError } from './key-value.js';
import { parseInvocation, usage } from './options.js';
import type { Invocation } from './options.js';
import type { LiveTools } from './run-command.js';
import { checkArguments, jsonArguments, send, wordArguments } from './run-command.js';
import { openSession } from './session.js';
import { WordsError } from './words.js';
import type { JobWatch } from './wait-job.js';
import type { Session } from './session.js';

/** The version in the package's package.json (the nearest one above this module: source or `dist/`). */
function packageVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'qmp-sdk' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next
    }
  }
  return 'unknown';
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function liveTools(s: Session): Promise<LiveTools> {
  if (s.qga !== undefined) return (await qgaTools(s)).tools;
  const { loadLiveTools } = await import('./load-live.js');
  return loadLiveTools(s.qmp);
}

/** The guest agent's tools (its committed schema, by `guest-info`'s version) and the agent's version text. */
async function qgaTools(s: Session): Promise<{ tools: LiveTools; note: string | undefined; version: string }> {
  const { agentVersion, qgaTools: toolsFor } = await import('./qga-tools.js');
  const v = await agentVersion(s.qga!);
  return { ...toolsFor(v), version: v.text };
}

/** One command: arguments typed and validated by the live schema when there are any. */
async function oneShot(s: Session, inv: Invocation, name: string, words: string[]): Promise<ExitCode> {
  let args: Record<string, unknown> | undefined;
  const given = inv.args !== undefined || words.length > 0;
  // Without arguments the schema is not needed: the command goes straight to QEMU (fast start).
  const tools = given ? await liveTools(s) : undefined;
  if (inv.args !== undefined) args = jsonArguments(inv.args === '-' ? await readStdin() : inv.args, inv.args === '-' ? 'stdin' : '--args');
  else if (words.length > 0) args = wordArguments(name, words, tools);
  if (tools !== undefined) checkArguments(name, args, tools);
  let watch: JobWatch | undefined;
  if (inv.wait) {
    const { waitable, watchJob } = await import('./wait-job.js');
    if (!waitable(name)) throw new CliError(`qmp: --wait does not know how to follow ${name}`, exitCodes.usageOrConnection);
    watch = watchJob(s.qmp, name, args ?? {});
  }
  let result: unknown;
  try {
    result = await send(s.qmp, name, args);
  } catch (err) {
    watch?.stop();
    throw err;
  }
  process.stdout.write(`${formatResult(result, inv.json, painter(process.stdout))}\n`);
  if (watch !== undefined) process.stderr.write(`${await watch.wait(process.stderr)}\n`);
  return exitCodes.ok;
}

/**
 * Resolves with {@link exitCodes.interrupted} on SIGINT or SIGTERM, for the actions that install no
 * handler of their own (`events` and `shell` do). Without it Node's default handler would end the
 * process at once, and `run`'s `finally` would never close the session: a `--launch`ed QEMU's
 * watchdog stops QEMU, but the launcher's folder (its QMP socket) stayed in the temporary folder.
 */
function interruption(): { interrupted: Promise<ExitCode>; off(): void } {
  let onSignal: () => void = () => {};
  const interrupted = new Promise<ExitCode>((resolve) => {
    onSignal = () => resolve(exitCodes.interrupted);
  });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    interrupted,
    off: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * `work`, or {@link exitCodes.interrupted} when a signal comes first. The work left behind fails
 * once the session is closed; that failure is expected and dropped, never an unhandled rejection.
 */
function untilInterrupted<T>(work: Promise<T>, interrupted: Promise<ExitCode>): Promise<T | ExitCode> {
  work.catch(() => {});
  return Promise.race([work, interrupted]);
}

async function run(inv: Invocation): Promise<ExitCode> {
  const s = await openSession(inv.connection!);
  const a = inv.action!;
  const signals = a.kind === 'command' || a.kind === 'hmp' ? interruption() : undefined;
  try {
    switch (a.kind) {
      case 'command':
        return await untilInterrupted(oneShot(s, inv, a.name, a.words), signals!.interrupted);
      case 'hmp': {
        const r = await untilInterrupted(s.qmp.execute('human-monitor-command', { 'command-line': a.line }), signals!.interrupted);
        if (r === exitCodes.interrupted) return r;
        const text = String(r);
        process.stdout.write(inv.json ? `${JSON.stringify(r)}\n` : text === '' || text.endsWith('\n') ? text : `${text}\n`);
        return exitCodes.ok;
      }
      case 'events': {
        const { followEvents } = await import('./events.js');
        return await followEvents(s.qmp, a.names, await liveTools(s), inv.json);
      }
      case 'shell': {
        const { runShell } = await import('./shell.js');
        if (s.qga !== undefined) {
          const q = await qgaTools(s);
          return await runShell(s.qmp, q.tools, { json: inv.json, history: inv.history, schema: inv.schema, agent: { version: q.version, note: q.note } });
        }
        return await runShell(s.qmp, await liveTools(s), { json: inv.json, history: inv.history, schema: inv.schema });
      }
    }
    const unknownAction: never = a;
    return unknownAction;
  } finally {
    signals?.off();
    await s.close();
  }
}

/** Maps any error to its message and exit code (see `exit-codes.ts`). */
function describeFailure(err: unknown, json: boolean): { text: string; code: ExitCode } {
  if (err instanceof CliError) return { text: err.message, code: err.exitCode };
  if (isQmpCommandError(err)) {
    return { text: json ? JSON.stringify({ error: { class: err.errorClass, desc: err.desc } }) : `${err.errorClass}: ${err.desc}`, code: exitCodes.commandError };
  }
  if (isQmpValidationError(err)) {
    const text = json ? JSON.stringify({ invalid: err.issues }) : err.issues.map((i) => `qmp: invalid argument ${i.path}: ${i.message}`).join('\n');
    return { text, code: exitCodes.validation };
  }
  const e = err as Error;
  if (e instanceof KeyValueError && e.kind === 'type') {
    return { text: json ? JSON.stringify({ invalid: [{ path: e.path, message: e.message }] }) : `qmp: invalid argument ${e.message}`, code: exitCodes.validation };
  }
  if (e instanceof KeyValueError || e instanceof WordsError) return { text: `qmp: ${e.message}`, code: exitCodes.usageOrConnection };
  if (isQmpError(err)) return { text: `qmp: ${e.message}`, code: exitCodes.usageOrConnection };
  return { text: `qmp: internal error: ${e?.stack ?? String(err)}`, code: exitCodes.usageOrConnection };
}

/** Runs `qmp` with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<ExitCode> {
  let inv: Invocation | undefined;
  try {
    inv = parseInvocation(argv);
    if (inv.help) {
      process.stdout.write(`${usage}\n`);
      return exitCodes.ok;
    }
    if (inv.version) {
      process.stdout.write(`${packageVersion()}\n`);
      return exitCodes.ok;
    }
    return await run(inv);
  } catch (err) {
    const { text, code } = describeFailure(err, inv?.json === true);
    process.stderr.write(`${text}\n`);
    return code;
  }
}

// A reader that went away (`qmp … events | head -1`): stop as if interrupted (`events` listens for
// SIGTERM), so that the connection is closed and a --launch'ed QEMU stopped; never a crash.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.emit('SIGTERM', 'SIGTERM');
});
process.exitCode = await main(process.argv.slice(2));
