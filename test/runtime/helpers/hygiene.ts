/**
 * Fails the current test file when a promise rejection went unhandled or an exception was
 * uncaught while it ran. Import and call `trackUnhandled()` at the top of a test file.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

export function trackUnhandled(): void {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    seen.push(reason);
  };
  const onException = (error: unknown): void => {
    seen.push(error);
  };
  beforeAll(() => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
  });
  afterEach(async () => {
    // Let pending rejections surface (Node reports them after the microtask queue drains).
    await new Promise((r) => setTimeout(r, 5));
    const found = seen.splice(0);
    expect(found, 'unhandled rejections / uncaught exceptions').toEqual([]);
  });
  afterAll(() => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  });
}
