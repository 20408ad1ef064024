/**
 * `qmp`'s command line → an {@link Invocation}. Parsed with `node:util`'s `parseArgs` (stable since
 * Node 20): the grammar is flat (a few options, then an action word and its `key=value` words, and
 * `--` before a QEMU command line), so a parser library would add start-up time and nothing else.
 * Pure: throws {@link CliError} (exit code 2) naming the option.
 */
import { parseArgs } from 'node:util';
import { CliError, exitCodes } from './exit-codes.js';

/** Where to find the QEMU. */
export type Connection =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'launch'; argv: string[] }
  /** A guest agent's unix socket (`qemu-ga -m unix-listen`, or the host end of a VM's `org.qemu.guest_agent.0`). */
  | { kind: 'qga'; path: string };

/** What to do once connected. */
export type Action =
  | { kind: 'command'; name: string; words: string[] }
  | { kind: 'hmp'; line: string }
  | { kind: 'events'; names: string[] }
  | { kind: 'shell' };

export interface Invocation {
  help: boolean;
  version: boolean;
  connection: Connection | undefined;
  action: Action | undefined;
  /** `--json`: machine output. */
  json: boolean;
  /** `--wait`: follow the job a command started until it ends. */
  wait: boolean;
  /** `--args`: arguments as a JSON object, or `-` for stdin. */
  args: string | undefined;
  /** `--history FILE` for the shell. */
  history: string | undefined;
  /** `--schema DIR`: a user-generated schema folder (`qmp-codegen import --out`) for `help`. */
  schema: string | undefined;
}

export const usage = `Usage:
  qmp CONNECTION [--json] COMMAND [key=value ...]     run one command
  qmp CONNECTION [--json] COMMAND --args '{...}'|-    arguments as a JSON object (- reads stdin)
  qmp CONNECTION --hmp 'info block'                  a human monitor command
  qmp CONNECTION [--json] events [NAME ...]          print events until interrupted
  qmp CONNECTION shell [--history FILE]              interactive shell (Tab completes, 'help' for more)

Connection (one of):
  -s, --socket PATH        QMP unix socket (QEMU: -qmp unix:PATH,server=on,wait=off)
      --tcp HOST:PORT      QMP over TCP
      --launch -- QEMU...  start this QEMU command line (the QMP socket is added) and stop it at the end;
                           the command goes before --: qmp --launch query-status -- qemu-system-x86_64
      --qga PATH           QEMU guest agent unix socket (commands, completion and help from the agent's QAPI
                           schema of its version; no events, --hmp or --wait)

Options:
      --json               one JSON document per line (results, events, errors)
      --wait               after blockdev-backup/-mirror, block-commit/-stream, migrate:
                           show progress until the job ends
      --schema DIR         a schema folder you imported (qmp-codegen import) for 'help CMD' docs
      --history FILE       shell history file (default $XDG_STATE_HOME/qmp-sdk/history)
  -h, --help               this text
      --version            the qmp-sdk version

key=value: dotted paths nest (cache.direct=true), numeric segments make lists (keys.0=a),
  "..." or '...' is always a string, [..] and {..} are JSON, other values take the type the
  QEMU's schema gives the member (id=4 is a string for a str member, a number for an int one).

Exit codes: 0 success, 1 QEMU returned an error (or a --wait job failed),
  2 usage or connection error, 3 arguments fail the QEMU's schema (nothing sent),
  130 interrupted (Ctrl-C) while a command or --wait ran (a started job goes on in QEMU).`;

function usageError(message: string): CliError {
  return new CliError(`qmp: ${message}\nRun 'qmp --help' for usage.`, exitCodes.usageOrConnection);
}

function tcp(text: string): Connection {
  const m = /^(.*):(\d+)$/.exec(text);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || m[1] === '' || !(port >= 1 && port <= 65535)) throw usageError(`--tcp wants HOST:PORT (port 1-65535), got ${JSON.stringify(text)}`);
  return { kind: 'tcp', host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

/** Parses `argv` (without node and the script). */
export function parseInvocation(argv: readonly string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      tokens: true,
      options: {
        socket: { type: 'string', short: 's' },
        tcp: { type: 'string' },
        qga: { type: 'string' },
        launch: { type: 'boolean' },
        json: { type: 'boolean' },
        wait: { type: 'boolean' },
        args: { type: 'string' },
        hmp: { type: 'string' },
        history: { type: 'string' },
        schema: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const { values: v, tokens } = parsed;
  const terminator = tokens.find((t) => t.kind === 'option-terminator');
  const before = tokens.filter((t) => t.kind === 'positional' && (terminator === undefined || t.index < terminator.index)).map((t) => (t as { value: string }).value);
  const after = terminator === undefined ? [] : argv.slice(terminator.index + 1);
  const inv: Invocation = {
    help: v.help === true,
    version: v.version === true,
    connection: undefined,
    action: undefined,
    json: v.json === true,
    wait: v.wait === true,
    args: v.args,
    history: v.history,
    schema: v.schema,
  };
  if (inv.help || inv.version) return inv;

  const given = [v.socket !== undefined && '--socket', v.tcp !== undefined && '--tcp', v.launch === true && '--launch', v.qga !== undefined && '--qga'].filter((x): x is string => x !== false);
  if (given.length > 1) throw usageError(`give one connection, not ${given.join(' and ')}`);
  if (given.length === 0) throw usageError('no connection: give -s/--socket PATH, --tcp HOST:PORT, --qga PATH or --launch -- QEMU...');
  if (v.qga !== undefined) {
    if (v.qga === '') throw usageError('--qga wants a path');
    inv.connection = { kind: 'qga', path: v.qga };
  } else if (v.socket !== undefined) {
    if (v.socket === '') throw usageError('--socket wants a path');
    inv.connection = { kind: 'unix', path: v.socket };
  } else if (v.tcp !== undefined) inv.connection = tcp(v.tcp);
  else {
    if (after.length === 0) throw usageError('--launch wants the QEMU command line after --, e.g. --launch -- qemu-system-x86_64 -machine none');
    inv.connection = { kind: 'launch', argv: after };
  }
  if (after.length > 0 && v.launch !== true) throw usageError(`unexpected words after --: ${after.join(' ')}`);

  const [first, ...rest] = before;
  if (v.hmp !== undefined) {
    if (first !== undefined) throw usageError(`--hmp takes no command (got ${first})`);
    inv.action = { kind: 'hmp', line: v.hmp };
  } else if (first === undefined) throw usageError('no command: give a QMP command, events or shell');
  else if (first === 'shell') {
    if (rest.length > 0) throw usageError(`shell takes no words (got ${rest.join(' ')})`);
    inv.action = { kind: 'shell' };
  } else if (first === 'events') inv.action = { kind: 'events', names: rest };
  else {
    if (inv.args !== undefined && rest.length > 0) throw usageError('give arguments either as key=value words or with --args, not both');
    inv.action = { kind: 'command', name: first, words: rest };
  }
  if (inv.args !== undefined && inv.action.kind !== 'command') throw usageError('--args goes with a command');
  if (inv.wait && inv.action.kind !== 'command') throw usageError('--wait goes with a command');
  if (inv.history !== undefined && inv.action.kind !== 'shell') throw usageError('--history goes with shell');
  if (inv.connection.kind === 'qga') {
    // The guest agent has no human monitor, no events and no jobs (qga/qapi-schema.json).
    if (inv.action.kind === 'hmp') throw usageError('--hmp needs QMP: the guest agent has no human monitor');
    if (inv.action.kind === 'events') throw usageError('events needs QMP: the guest agent sends no events');
    if (inv.wait) throw usageError('--wait needs QMP: the guest agent starts no jobs');
  }
  return inv;
}
