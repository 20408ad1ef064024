/** Timer delays the caller may give (`timeoutMs`, `connectTimeoutMs`, `startTimeoutMs`, …). */
import { preview } from './preview.js';

/** Largest delay a Node timer honours (about 24.8 days); larger ones would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** True for a usable timer delay: a number of milliseconds from 0 to {@link MAX_TIMER_MS} (not NaN). */
export function isTimerDelay(ms: unknown): ms is number {
  return typeof ms === 'number' && ms >= 0 && ms <= MAX_TIMER_MS;
}

/** Why option `name` is not a usable timer delay (`undefined` when it is, or when it is not set). */
export function timerDelayProblem(name: string, ms: unknown): string | undefined {
  if (ms === undefined || isTimerDelay(ms)) return undefined;
  return `${name} must be a number of milliseconds from 0 to ${MAX_TIMER_MS}, got ${preview(ms, 60)}`;
}
