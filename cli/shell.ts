/**
 * `qmp … shell`: an interactive shell on node:readline.
 * - Tab completes from the live schema (`complete.ts`); history is kept in a file (`history.ts`).
 * - Events are printed above the prompt: the prompt line is cleared, the event written, and the
 *   prompt redrawn with the typed text and the cursor where they were (`rl.prompt(true)`).
 * - `help [CMD]`, `hmp [LINE]` (a line, or HMP mode until `qmp`), `transaction` (collect actions,
 *   `commit` sends one `transaction`, `abort` drops them), `exit` or Ctrl-D to leave. Anything else
 *   is `COMMAND [key=value … | {json}]`, validated against the live schema before sending.
 */
import { clearScreenDown, createInterface, cursorTo, moveCursor } from 'node:readline';
import { isQmpCommandError, isQmpValidationError } from '../runtime/index.js';
import type { QmpClient } from '../runtime/index.js';
import { painter } from './colors.js';
import { actionPlace, actionTypes, complete } from './complete.js';
import { findDocs, helpText } from './docs.js';
import { exitCodes } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { formatEvent, formatResult } from './format.js';
import { defaultHistoryFile, historySize, loadHistory, saveHistory } from './history.js';
import { parseKeyValues, rawTree } from './key-value.js';
import { checkArguments, jsonArguments, send, wordArguments } from './run-command.js';
import type { LiveTools } from './run-command.js';
import type { ShellMode } from './complete.js';
import { splitWords } from './words.js';

export interface ShellOptions {
  json: boolean;
  history: string | undefined;
  schema: string | undefined;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WriteStream;
  /** Set for a guest agent (`--qga`): its version and a note on the schema used; no `hmp` or `transaction` then. */
  agent?: { version: string; note: string | undefined };
}

const qmpBuiltins = ['help', 'hmp', 'transaction', 'exit'];
const qgaBuiltins = ['help', 'exit'];

/** Runs the shell until `exit`, Ctrl-D or the connection ends; resolves with the exit code. */
export function runShell(qmp: QmpClient, tools: LiveTools, opts: ShellOptions): Promise<ExitCode> {
  const output = opts.output ?? process.stdout;
  const paint = painter(output);
  const historyFile = opts.history ?? defaultHistoryFile();
  let mode: ShellMode = 'qmp';
  let actions: { type: string; data: Record<string, unknown> }[] = [];
  let busy = false;
  let quitSent = false;
  const { docs, note: docsNote } = findDocs(tools.schema, opts.schema);
  const agent = opts.agent;
  const builtins = agent === undefined ? qmpBuiltins : qgaBuiltins;

  const promptText = (): string =>
    mode === 'hmp' ? paint('yellow', 'hmp> ') : mode === 'transaction' ? paint('magenta', `transaction[${actions.length}]> `) : paint('cyan', agent === undefined ? 'qmp> ' : 'qga> ');

  const rl = createInterface({
    input: opts.input ?? process.stdin,
    output,
    terminal: output.isTTY === true,
    history: loadHistory(historyFile),
    historySize,
    removeHistoryDuplicates: true,
    completer: (line: string): [string[], string] => complete(line, { mode, commands: tools.schema.commands, builtins, nav: tools.nav }),
  });
  rl.on('history', (h: string[]) => {
    try {
      saveHistory(historyFile, h);
    } catch (err) {
      print(paint('red', `cannot save history to ${historyFile}: ${(err as Error).message}`));
    }
  });

  /** Writes `text` above the prompt without disturbing the line being typed. */
  function print(text: string): void {
    if (busy || output.isTTY !== true) {
      output.write(`${text}\n`);
      return;
    }
    const { rows } = rl.getCursorPos();
    moveCursor(output, 0, -rows);
    cursorTo(output, 0);
    clearScreenDown(output);
    output.write(`${text}\n`);
    rl.prompt(true);
  }

  const offEvents = qmp.onAny((ev) => print(formatEvent(ev, opts.json, paint)));
  const say = (text: string) => output.write(`${text}\n`);
  const fail = (text: string) => output.write(`${paint('red', text)}\n`);

  function commandArguments(command: string, rest: string): Record<string, unknown> | undefined {
    const t = rest.trim();
    if (t === '') return undefined;
    if (t.startsWith('{')) return jsonArguments(t, 'the arguments');
    return wordArguments(command, splitWords(t).words, tools);
  }

  async function runQmp(command: string, rest: string): Promise<void> {
    const args = commandArguments(command, rest);
    checkArguments(command, args, tools);
    const r = await send(qmp, command, args);
    if (command === 'quit') quitSent = true;
    say(formatResult(r, opts.json, paint));
  }

  async function runHmp(line: string): Promise<void> {
    const r = await qmp.execute('human-monitor-command', { 'command-line': line });
    if (typeof r === 'string' && r !== '') output.write(r.endsWith('\n') ? r : `${r}\n`);
  }

  function addAction(type: string, rest: string): void {
    if (!actionTypes(tools.nav).includes(type)) throw new Error(`not a transaction action of this QEMU: ${type} (Tab lists them)`);
    const place = actionPlace(type);
    const words = splitWords(rest).words;
    const typesAt = tools.nav.typesAt(place.command);
    const data = rest.trim().startsWith('{')
      ? jsonArguments(rest.trim(), 'the action data')
      : parseKeyValues(words, (path, given) => typesAt([...place.prefix, ...path], place.wrap(given)));
    const r = tools.validate('transaction', { actions: [{ type, data }] });
    if (!r.ok) {
      const e = r.errors[0]!;
      throw new Error(`invalid action at ${e.path.replace(/^\/arguments\/actions\/0/, '') || '/'}: ${e.message}`);
    }
    actions.push({ type, data });
  }

  async function handle(line: string): Promise<void> {
    const trimmed = line.trim();
    if (trimmed === '') return;
    const sp = trimmed.search(/\s/);
    const word = sp < 0 ? trimmed : trimmed.slice(0, sp);
    const rest = sp < 0 ? '' : trimmed.slice(sp + 1);
    if (word === 'exit' && mode !== 'hmp') {
      rl.close();
      return;
    }
    if (mode === 'hmp') {
      if (trimmed === 'qmp' || trimmed === 'exit') mode = 'qmp';
      else await runHmp(trimmed);
      return;
    }
    if (mode === 'transaction') {
      if (word === 'abort') {
        say(`dropped ${actions.length} action(s)`);
        actions = [];
        mode = 'qmp';
      } else if (word === 'commit') {
        const all = actions;
        actions = [];
        mode = 'qmp';
        await runQmp('transaction', JSON.stringify({ actions: all }));
      } else addAction(word, rest);
      return;
    }
    switch (word) {
      case 'help':
        if (rest === '') say(helpOverview(tools, agent !== undefined));
        else {
          const [name, ...words] = splitWords(rest).words;
          say(helpText(name!, tools.schema, docs, paint, rawTree(words)));
        }
        return;
      case 'hmp':
        if (agent !== undefined) break; // the guest agent has no human monitor: sent as a command name, it answers CommandNotFound
        if (rest === '') mode = 'hmp';
        else await runHmp(rest);
        return;
      case 'transaction':
        // `transaction` alone starts collecting; with arguments it is QMP's own command.
        if (rest !== '' || agent !== undefined) break;
        mode = 'transaction';
        actions = [];
        return;
    }
    await runQmp(word, rest);
  }

  function report(err: unknown): void {
    if (isQmpCommandError(err)) fail(`${err.errorClass}: ${err.desc}`);
    else if (isQmpValidationError(err)) for (const i of err.issues) fail(`invalid argument ${i.path}: ${i.message}`);
    else fail((err as Error).message.replace(/^qmp: /, ''));
  }

  return new Promise<ExitCode>((resolve) => {
    let code: ExitCode = exitCodes.ok;
    let closed = false;
    let chain = Promise.resolve();
    rl.on('line', (line) => {
      chain = chain.then(async () => {
        busy = true;
        try {
          await handle(line);
        } catch (err) {
          report(err);
        } finally {
          busy = false;
        }
        if (qmp.isOpen && !closed) {
          rl.setPrompt(promptText());
          rl.prompt();
        }
      });
    });
    rl.on('SIGINT', () => {
      if (rl.line !== '') {
        // Like a shell: keep what was typed on screen, then a fresh empty line.
        rl.write(null, { ctrl: true, name: 'e' });
        output.write('^C\n');
        rl.write(null, { ctrl: true, name: 'u' });
      } else print(paint('dim', "(leave with 'exit' or Ctrl-D)"));
    });
    rl.on('close', () => {
      closed = true;
      offEvents();
      output.write('\n');
      void chain.finally(() => resolve(code));
    });
    void qmp.closed.then((reason) => {
      // After the shell ended (`exit`, Ctrl-D), closing is ours (with --launch, QEMU is stopped).
      if (reason.reason === 'closed' || closed) return;
      if (!quitSent) {
        code = exitCodes.usageOrConnection;
        fail(`connection ended: ${reason.message}`);
      }
      rl.close();
    });
    if (agent === undefined) say(paint('dim', `Connected to ${tools.schema.target} (QEMU ${tools.schema.version.major}.${tools.schema.version.minor}.${tools.schema.version.micro}). Tab completes, 'help' lists commands, 'exit' leaves.`));
    else say(paint('dim', `Connected to the guest agent ${agent.version} (schema ${tools.schema.target}). Tab completes, 'help' lists commands, 'exit' leaves.`));
    if (agent?.note !== undefined) fail(agent.note);
    if (docsNote !== undefined) fail(docsNote);
    rl.setPrompt(promptText());
    rl.prompt();
  });
}

function helpOverview(tools: LiveTools, qga: boolean): string {
  return [
    `COMMAND [key=value ...] | COMMAND {json}   run a ${qga ? 'guest agent' : 'QMP'} command (Tab completes names, members and values)`,
    `help COMMAND                               its arguments (and QAPI docs when ${qga ? 'the package has this agent\'s schema' : 'this QEMU has them'})`,
    ...(qga
      ? []
      : ['hmp [LINE]                                 a human monitor command, or HMP mode until "qmp"', 'transaction                                collect actions; "commit" sends them as one transaction, "abort" drops them']),
    'exit (or Ctrl-D)                           leave',
    '',
    `${tools.schema.commands.length} commands: ${tools.schema.commands.join(' ')}`,
  ].join('\n');
}
