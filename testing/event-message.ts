/** Builds event messages as QEMU sends them, with a `{seconds, microseconds}` timestamp. */
import type { QmpTimestamp, TargetBinding, TargetValidators } from '../runtime/target.js';
import { QmpTestServerUsageError } from './errors.js';

/** The current wall-clock time as a QMP timestamp (microsecond resolution). */
export function nowTimestamp(): QmpTimestamp {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  return { seconds: Math.floor(us / 1e6), microseconds: us % 1e6 };
}

/**
 * Builds `{event, data?, timestamp}`; with a target, the name must be one of its events and the
 * data must match the event's schema, else a {@link QmpTestServerUsageError} naming the path.
 */
export function buildEvent(
  name: string,
  data: unknown,
  timestamp: QmpTimestamp,
  target: TargetBinding | undefined,
  validators: TargetValidators | undefined,
): Record<string, unknown> {
  if (typeof name !== 'string' || name === '') throw new QmpTestServerUsageError('emitEvent: the event name must be a non-empty string');
  if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) {
    throw new QmpTestServerUsageError(`emitEvent('${name}'): data must be an object (or undefined for an event without data)`);
  }
  if (target && !target.events.includes(name)) {
    throw new QmpTestServerUsageError(`emitEvent('${name}'): target ${target.name} has no event '${name}'`);
  }
  if (validators) {
    const r = validators.validateEvent(name, data ?? {}); // checked as {} (hand-made validators may not take undefined); sent without data
    if (!r.ok) {
      const lines = r.errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; ');
      throw new QmpTestServerUsageError(`emitEvent('${name}'): data does not match the event's schema: ${lines}`);
    }
  }
  const message: Record<string, unknown> = { event: name };
  if (data !== undefined) message['data'] = data;
  message['timestamp'] = timestamp;
  return message;
}
