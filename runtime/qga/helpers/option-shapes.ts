/** The options of the guest agent helpers, checked like every public entry point's (`runtime/options.ts`). */
import { QmpUsageError } from '../../errors.js';
import { optionRules as r, optionsProblem, type OptionShape } from '../../options.js';
import { timerDelayProblem } from '../../timers.js';

const isEnv = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((s) => typeof s === 'string');
const isInput = (v: unknown): boolean => typeof v === 'string' || Buffer.isBuffer(v) || v instanceof Uint8Array;

/** `exec(path, args, options)`. */
export const execOptionsShape: OptionShape = {
  rules: {
    input: { expected: 'a string or a Buffer', test: isInput },
    env: { expected: 'an object of strings ({ NAME: value })', test: isEnv },
    timeoutMs: r.number,
    signal: r.signal,
    pollIntervalMs: r.number,
  },
  hints: { stdin: 'input', inputData: 'input', environment: 'env', timeout: 'timeoutMs', abortSignal: 'signal', interval: 'pollIntervalMs', pollMs: 'pollIntervalMs' },
};

/** `readFile(path, options)` and `writeFile(path, data, options)`. */
export const fileOptionsShape: OptionShape = {
  rules: { signal: r.signal, chunkBytes: r.number, maxBytes: r.number },
  hints: { abortSignal: 'signal', chunkSize: 'chunkBytes', chunk: 'chunkBytes', limit: 'maxBytes', maxSize: 'maxBytes' },
};

/** `fsfreeze(callback, options)`. */
export const fsfreezeOptionsShape: OptionShape = {
  rules: { mountpoints: r.stringArray, signal: r.signal },
  hints: { mountPoints: 'mountpoints', paths: 'mountpoints', abortSignal: 'signal' },
};

/** Throws a `QmpUsageError` naming `operation` when `options` do not fit `shape` or a delay is out of range. */
export function checkOptions(operation: string, options: unknown, shape: OptionShape, delays: readonly string[] = []): void {
  const problem =
    optionsProblem(options, shape, '', true) ??
    delays.map((k) => timerDelayProblem(k, (options as Record<string, unknown> | undefined)?.[k])).find((p) => p !== undefined);
  if (problem !== undefined) throw new QmpUsageError(`${operation}: ${problem}`);
}

/** Throws a `QmpUsageError` unless `value` is undefined or an integer from `min` to `max`. */
export function checkIntegerOption(operation: string, name: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new QmpUsageError(`${operation}: ${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}
