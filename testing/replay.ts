/**
 * The replay server: plays a recorded conversation back to a client. It sends the recorded
 * greeting, matches each command the client sends against the next recorded one (name and
 * arguments; ids are the client's own), sends each recorded server message as soon as the client
 * has sent every command recorded before it (replies with their ids rewritten to the client's,
 * events where they were), and when the client departs from the recording it answers a
 * GenericError naming the expected and the actual command and records a test failure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ConnectionEngine, QmpServerConnection } from './connection.js';
import { QmpTestServerUsageError } from './errors.js';
import type { ClientInput } from './json-input.js';
import { loadRecording, parseRecording, type RecordedMessage } from './recording.js';
import { checkRequest } from './request.js';
import { QmpTestServer, type QmpServerCommonOptions } from './server.js';
import { checkServerOptions, replayOptionsShape } from './option-shapes.js';
import { stringifyJson } from '../runtime/json-stringify.js'; // lossless integers

/** Options of {@link createReplayServer}. */
export interface QmpReplayOptions extends QmpServerCommonOptions {
  /** The recording: messages, a JSON Lines file (`{ path }`) or JSON Lines text (`{ text }`). */
  recording: readonly RecordedMessage[] | { path: string } | { text: string };
}

interface ReplayState {
  /** Next recorded message to look at. */
  pos: number;
  /** Recorded commands matched so far. */
  matched: number;
  /** Recorded commands passed by `pos`. */
  passed: number;
  /** JSON of a recorded id → the id the client used instead. */
  ids: Map<string, { hasId: boolean; id: unknown }>;
  departed: boolean;
}

const key = (id: unknown): string => stringifyJson(id) ?? 'undefined';

function withoutId(msg: unknown): unknown {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return msg;
  const copy: Record<string, unknown> = { ...(msg as Record<string, unknown>) };
  delete copy['id'];
  // absent arguments and empty arguments mean the same to QEMU
  const a = copy['arguments'];
  if (typeof a === 'object' && a !== null && !Array.isArray(a) && Object.keys(a).length === 0) delete copy['arguments'];
  return copy;
}

function describe(msg: unknown): string {
  if (typeof msg !== 'object' || msg === null) return stringifyJson(msg) as string;
  const m = msg as Record<string, unknown>;
  const name = m['execute'] ?? m['exec-oob'];
  const args = m['arguments'] === undefined ? '' : ` ${stringifyJson(m['arguments']) as string}`;
  return typeof name === 'string' ? `'${name}'${args}` : (stringifyJson(msg) as string);
}

/** The engine behind `createReplayServer` (internal). */
class ReplayEngine implements ConnectionEngine {
  private readonly states = new WeakMap<QmpServerConnection, ReplayState>();
  readonly commandCount: number;

  constructor(readonly recording: readonly RecordedMessage[]) {
    this.commandCount = recording.filter((m) => m.dir === 'out').length;
    if (!recording.some((m) => m.dir === 'in' && typeof m.msg === 'object' && m.msg !== null && 'QMP' in m.msg)) {
      throw new QmpTestServerUsageError('createReplayServer: the recording holds no greeting (record with the client option trace from the start)');
    }
  }

  state(conn: QmpServerConnection): ReplayState {
    let s = this.states.get(conn);
    if (!s) {
      s = { pos: 0, matched: 0, passed: 0, ids: new Map(), departed: false };
      this.states.set(conn, s);
    }
    return s;
  }

  start(conn: QmpServerConnection): void {
    this.pump(conn);
  }

  handle(conn: QmpServerConnection, input: ClientInput): void {
    const s = this.state(conn);
    if (!input.ok) {
      return void conn.reply({ hasId: false, id: undefined }, { error: { class: 'GenericError', desc: input.desc } });
    }
    const req = checkRequest(input.value, true);
    const hasId = req.hasId;
    const id = req.id;
    const cmd = req.ok ? conn.logCommand({ name: req.name, arguments: req.arguments, id, hasId, oob: req.oob }) : undefined;
    const expected = this.nextCommand(s);
    const actual = describe(input.value);
    if (!s.departed && expected !== undefined && isDeepStrictEqual(withoutId(expected.msg), withoutId(input.value))) {
      const recorded = expected.msg as Record<string, unknown>;
      if ('id' in recorded) s.ids.set(key(recorded['id']), { hasId, id });
      s.matched++;
      if (req.ok && req.name === 'qmp_capabilities' && conn.state !== 'command') {
        const enable = req.arguments?.['enable'];
        conn.capabilities = Array.isArray(enable) ? enable.filter((c): c is string => typeof c === 'string') : [];
        conn.state = 'command';
      }
      this.pump(conn);
      return;
    }
    const number = s.matched + 1;
    const desc = s.departed
      ? `qmp-sdk replay: the client already departed from the recording; ${actual} not answered`
      : expected === undefined
        ? `qmp-sdk replay: the recording has no command #${number}; the client sent ${actual}`
        : `qmp-sdk replay: expected command #${number} ${describe(expected.msg)} as recorded, but the client sent ${actual}`;
    if (!s.departed) {
      conn.core.failures.push({
        kind: 'replay',
        connection: conn.index,
        command: cmd?.name ?? actual,
        message: desc.replace(/^qmp-sdk replay: /, 'replay: '),
      });
      s.departed = true;
    }
    void conn.reply({ hasId, id }, { error: { class: 'GenericError', desc } }, cmd);
  }

  /** Recorded messages not played yet on this connection (commands not received, messages not sent). */
  remaining(conn: QmpServerConnection): readonly RecordedMessage[] {
    return this.recording.slice(this.state(conn).pos);
  }

  private nextCommand(s: ReplayState): RecordedMessage | undefined {
    let seen = 0;
    for (const m of this.recording) {
      if (m.dir !== 'out') continue;
      if (seen === s.matched) return m;
      seen++;
    }
    return undefined;
  }

  /** Sends every recorded server message whose preceding commands have all been received. */
  private pump(conn: QmpServerConnection): void {
    const s = this.state(conn);
    while (s.pos < this.recording.length && conn.state !== 'closed') {
      const m = this.recording[s.pos]!;
      if (m.dir === 'out') {
        if (s.passed >= s.matched) return;
        s.passed++;
        s.pos++;
        continue;
      }
      s.pos++;
      const msg = m.msg as Record<string, unknown>;
      if (typeof msg === 'object' && msg !== null && 'QMP' in msg) {
        conn.sendGreeting(msg);
        continue;
      }
      if (typeof msg === 'object' && msg !== null && ('return' in msg || 'error' in msg)) {
        const body: Record<string, unknown> = { ...msg };
        if ('id' in msg) {
          const mapped = s.ids.get(key(msg['id']));
          delete body['id'];
          if (mapped) {
            if (mapped.hasId) body['id'] = mapped.id;
          } else body['id'] = msg['id'];
        }
        conn.send(body);
        continue;
      }
      conn.send(msg);
    }
  }
}

/** The replay server: a {@link QmpTestServer} that plays a recording back. */
export class QmpReplayServer extends QmpTestServer {
  /** @internal */
  constructor(
    private readonly replay: ReplayEngine,
    options: QmpServerCommonOptions,
  ) {
    super(replay, options, undefined, Promise.resolve(undefined));
  }

  /** Number of commands in the recording. */
  get recordedCommands(): number {
    return this.replay.commandCount;
  }

  /** Recorded messages not played yet on a connection (default: the last one). */
  remaining(connection = this.connections.length - 1): readonly RecordedMessage[] {
    const conn = this.connections[connection];
    return conn ? this.replay.remaining(conn) : this.replay.recording;
  }

  /** Throws when a connection (default: the last one) did not play the whole recording. */
  assertReplayComplete(connection = this.connections.length - 1): void {
    const left = this.remaining(connection).filter((m) => m.dir === 'out');
    if (left.length > 0) {
      throw new QmpTestServerUsageError(
        `replay incomplete: ${left.length} recorded command(s) never sent by the client, the first ${describe(left[0]!.msg)}`,
      );
    }
  }
}

/** Creates a server that replays a recorded conversation (see {@link QmpReplayServer}). */
export function createReplayServer(options: QmpReplayOptions): QmpReplayServer {
  checkServerOptions('createReplayServer', options, replayOptionsShape);
  const r = options.recording;
  const recording = Array.isArray(r) ? (r as readonly RecordedMessage[]) : 'path' in r ? loadRecording(r.path) : parseRecording((r as { text: string }).text);
  return new QmpReplayServer(new ReplayEngine(recording), options);
}
