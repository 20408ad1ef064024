/**
 * The option shapes of the runtime's public entry points, checked by `optionsProblem()`
 * (runtime/options.ts). A new option is one line here beside its declaration's type; an option
 * missing here is refused as unknown, so tests find it at once.
 */
import { optionRules as r, type OptionShape } from './options.js';

/** `capabilities` of `connect()`. */
export const capabilityOptionsShape: OptionShape = {
  rules: { enable: r.stringArray, require: r.stringArray },
};

/** `reconnect` of `connect()`; ranges are checked by reconnectOptionsProblem() (runtime/qmp/reconnect.ts). */
export const reconnectOptionsShape: OptionShape = {
  rules: { retries: r.number, minDelayMs: r.number, maxDelayMs: r.number, onNotification: r.function },
  hints: { retry: 'retries', attempts: 'retries', maxRetries: 'retries', delay: 'minDelayMs', delayMs: 'minDelayMs', minDelay: 'minDelayMs', maxDelay: 'maxDelayMs', onEvent: 'onNotification', notify: 'onNotification' },
};

/** {@link ClientOptions} (without a transport): `launchQemu({ qmp })`. */
export const clientOptionsShape: OptionShape = {
  rules: {
    capabilities: r.object('{ enable?: string[], require?: string[] }', capabilityOptionsShape),
    connectTimeoutMs: r.number,
    signal: r.signal,
    maxMessageBytes: r.number,
    maxMessageDepth: r.number,
    maxMessageTokens: r.number,
    commandTimeoutMs: r.number,
    validateArguments: r.boolean,
    validateReturns: r.boolean,
    validateEvents: r.boolean,
    maxInBandInFlight: r.number,
    trace: r.function,
    versionMismatch: r.oneOf(['warn', 'error', 'ignore']),
    // Ranges checked by reconnectOptionsProblem() (runtime/qmp/reconnect.ts).
    reconnect: r.object('{ retries, minDelayMs?, maxDelayMs?, onNotification? }', reconnectOptionsShape),
  },
  hints: {
    enable: "capabilities: { enable: [...] }",
    require: "capabilities: { require: [...] }",
    timeout: 'connectTimeoutMs or commandTimeoutMs',
    timeoutMs: 'connectTimeoutMs or commandTimeoutMs',
    validate: 'validateArguments, validateReturns or validateEvents',
  },
};

/** `connect()`: a transport (checked in detail by transport.ts) plus {@link clientOptionsShape}. */
export const connectOptionsShape: OptionShape = {
  rules: { path: r.any, host: r.any, port: r.any, stream: r.any, ...clientOptionsShape.rules },
  hints: { ...clientOptionsShape.hints, socket: 'path (a unix socket) or host/port', address: 'path or host/port' },
};

/** `execute(name, args, options)`. */
export const executeOptionsShape: OptionShape = {
  rules: { timeoutMs: r.number, signal: r.signal, oob: r.boolean, validateArguments: r.boolean },
  hints: { timeout: 'timeoutMs', validate: 'validateArguments', abortSignal: 'signal' },
};

/** `waitForEvent(name, options)`. */
export const waitForEventOptionsShape: OptionShape = {
  rules: { filter: r.function, timeoutMs: r.number, signal: r.signal },
  hints: { timeout: 'timeoutMs', abortSignal: 'signal', where: 'filter' },
};

/** `events(options)`. */
export const eventStreamOptionsShape: OptionShape = {
  rules: { names: r.stringArray, bufferSize: r.number, overflow: r.oneOf(['drop-oldest', 'drop-newest']), signal: r.signal },
  hints: { events: 'names', name: 'names', size: 'bufferSize', limit: 'bufferSize', abortSignal: 'signal' },
};

/** `launchQemu(options)`. */
export const launchOptionsShape: OptionShape = {
  rules: {
    binary: r.any,
    args: r.any,
    env: r.any,
    inheritEnv: r.boolean,
    qmp: r.object('client options { capabilities?, validateReturns?, … } (no transport: the launcher makes it)', clientOptionsShape),
    client: r.function,
    startTimeoutMs: r.number,
    closeGraceMs: r.number,
  },
  hints: { qemu: 'binary', path: 'binary', argv: 'args', timeout: 'startTimeoutMs', timeoutMs: 'startTimeoutMs', options: 'qmp', capabilities: 'qmp: { capabilities: … }' },
};
