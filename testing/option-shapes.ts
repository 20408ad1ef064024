/**
 * The option shapes of the test server (`createQmpServer`, `createReplayServer`, `accept`), checked
 * with the runtime's one option checker (runtime/options.ts): an unknown key or a value of the wrong
 * shape is a {@link QmpTestServerUsageError} naming the key and the shape expected.
 */
import { optionsProblem, optionRules as r, type OptionShape } from '../runtime/options.js';
import { QmpTestServerUsageError } from './errors.js';

const selector = { expected: 'true, false or an array of command names', test: (v: unknown) => typeof v === 'boolean' || (Array.isArray(v) && v.every((s) => typeof s === 'string')) };
const bytes = { expected: 'a string or a Uint8Array', test: (v: unknown) => typeof v === 'string' || v instanceof Uint8Array };

/** {@link QmpFaults}. */
export const faultsShape: OptionShape = {
  rules: {
    chunkSize: r.number,
    coalesce: r.number,
    replyDelayMs: r.number,
    shuffleWindow: r.number,
    shuffleSeed: r.number,
    closeBeforeGreeting: r.boolean,
    closeDuringNegotiation: r.boolean,
    closeMidMessage: { expected: "'greeting' or a command number", test: (v) => v === 'greeting' || typeof v === 'number' },
    closeAfterCommands: r.number,
    neverAnswer: selector,
    replyWithUnknownId: selector,
    replyWithoutId: selector,
    injectBeforeReply: r.object('{ commands?, bytes }', { rules: { commands: selector, bytes } }),
    injectBeforeGreeting: bytes,
    injectAfterGreeting: bytes,
  },
  hints: { delayMs: 'replyDelayMs', delay: 'replyDelayMs', chunk: 'chunkSize', shuffle: 'shuffleWindow' },
};

const faults = { expected: 'fault options { chunkSize?, replyDelayMs?, … } or a function of the connection index', test: (v: unknown) => typeof v === 'function' || (typeof v === 'object' && v !== null && !Array.isArray(v)) };
const common = { faults, clock: r.function };

/** `createQmpServer(options)`. */
export const serverOptionsShape: OptionShape = {
  rules: {
    ...common,
    target: r.object('a generated target binding (`import { target } from "qmp-sdk/qemu-10.0-x86_64"`)'),
    greeting: r.object('a whole greeting { QMP: … } or { qemu?: { major, minor, micro }, package? }'),
    capabilities: r.stringArray,
    handlers: r.object('an object of handlers keyed by command wire name'),
    // Checked member by member by resolveLimits() (testing/limits.ts).
    limits: r.object('{ maxConnections?, maxMessageBytes?, maxBufferedBytes?, idleTimeoutMs?, receivedLog? }'),
  },
  hints: { commands: 'handlers', fault: 'faults', version: 'greeting: { qemu: { major, minor, micro } }', enable: 'capabilities' },
};

/** `accept(stream, options)` and `connectStream(options)`: faults for this connection. */
export const acceptOptionsShape: OptionShape = {
  rules: { faults: r.object('fault options { chunkSize?, replyDelayMs?, … }') },
  hints: { fault: 'faults' },
};

/** `createReplayServer(options)`. */
export const replayOptionsShape: OptionShape = {
  rules: { ...common, recording: r.any },
  hints: { fault: 'faults', messages: 'recording', path: 'recording: { path }', text: 'recording: { text }' },
};

/** Throws a {@link QmpTestServerUsageError} naming what is wrong with `options` (faults included), if anything. */
export function checkServerOptions(operation: string, options: unknown, shape: OptionShape, optional = false): void {
  let problem = optionsProblem(options, shape, '', optional);
  if (problem === undefined) {
    let f: unknown;
    try {
      f = (options as { faults?: unknown } | undefined)?.faults; // read again: a getter may throw now
    } catch (e) {
      problem = `reading faults threw: ${e instanceof Error ? e.message : 'an exception'}`;
    }
    if (problem === undefined && f !== undefined && typeof f !== 'function') problem = optionsProblem(f, faultsShape, 'faults.');
  }
  if (problem !== undefined) throw new QmpTestServerUsageError(`${operation}: ${problem}`);
}
