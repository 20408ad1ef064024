/**
 * Unhandled-rejection and uncaught-exception trackers for every test file (a vitest `setupFiles`
 * entry): a test fails when a promise rejection went unhandled or an exception was uncaught
 * while it ran, so the guilty test is named (vitest alone would only fail the run).
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

interface Seen {
  kind: 'unhandledRejection' | 'uncaughtException';
  error: unknown;
}

const seen: Seen[] = [];
const onRejection = (reason: unknown): void => {
  seen.push({ kind: 'unhandledRejection', error: reason });
};
const onException = (error: unknown): void => {
  seen.push({ kind: 'uncaughtException', error });
};

beforeAll(() => {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtExceptionMonitor', onException);
});

afterEach(async () => {
  // Let pending rejections surface: Node reports them after the microtask queue drains.
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  const found = seen.splice(0).map((s) => `${s.kind}: ${s.error instanceof Error ? s.error.stack : String(s.error)}`);
  expect(found, 'no unhandled rejection or uncaught exception').toEqual([]);
});

afterAll(() => {
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtExceptionMonitor', onException);
});
