/**
 * `qmp.devices.unplug(id)`: `device_del` and wait until the device is really gone
 * (`qapi/qdev.json`). `device_del` only *requests* the removal: QEMU answers at once and emits
 * `DEVICE_DELETED` when the device is gone — at once for devices QEMU can drop by itself (a SCSI
 * disk), and only after the guest released it for PCI (ACPI, PCIe native, SHPC hot-unplug), which
 * a guest that is not running, has no OS, or ignores the request never does. The event is
 * subscribed before `device_del` is sent, so a synchronous removal is never missed.
 */
import { QmpAbortError, QmpTimeoutError, QmpUsageError } from '../errors.js';
import type { QmpEvent } from '../target.js';
import { isTimerDelay } from '../timers.js';
import { QmpUnplugError } from './errors.js';
import { isRecord } from '../guards.js';
import type { OperationsHost } from './host.js';

/** Options of {@link Devices.unplug}. */
export interface UnplugOptions {
  /** How long to wait for `DEVICE_DELETED`, in ms (default 10 000); then a `QmpTimeoutError` that says why. */
  timeoutMs?: number;
  /** Stops waiting (the removal request stays pending in QEMU); rejects with a `QmpAbortError`. */
  signal?: AbortSignal;
}

/** What `DEVICE_DELETED` said. */
export interface UnplugResult {
  /** The device's id (absent for a device without one). */
  readonly device: string | undefined;
  /** Its QOM path, e.g. `/machine/peripheral/disk0`. */
  readonly path: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** The device helpers of one client (`qmp.devices`). */
export class Devices {
  readonly #host: OperationsHost;

  /** Made by the client (`qmp.devices`). @internal */
  constructor(host: OperationsHost) {
    this.#host = host;
  }

  /**
   * Unplugs device `id` (its id, or its QOM path) and resolves with the `DEVICE_DELETED` data once
   * it is gone. Rejects with the `QmpCommandError` of `device_del` (no such device, a bus that cannot
   * hot-unplug…), a `QmpTimeoutError` (operation `device_del:<id>`) whose message says that the
   * guest has not released it, a {@link QmpUnplugError} when the guest reported an error, a
   * `QmpAbortError`, a `QmpConnectionError`, or a `QmpUsageError` for bad input (nothing sent).
   */
  async unplug(id: string, options: UnplugOptions = {}): Promise<UnplugResult> {
    if (typeof id !== 'string' || id.length === 0) throw new QmpUsageError(`devices.unplug: the device id must be a non-empty string, got ${String(id)}`);
    if (typeof options !== 'object' || options === null) throw new QmpUsageError(`devices.unplug(${id}): the options must be an object`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!isTimerDelay(timeoutMs)) throw new QmpUsageError(`devices.unplug(${id}): timeoutMs must be a number of milliseconds, got ${String(options.timeoutMs)}`);
    const signal = options.signal;
    if (signal?.aborted) throw new QmpAbortError(`devices.unplug(${id})`, signal.reason);

    const matches = (ev: QmpEvent): ev is QmpEvent<string, Record<string, unknown>> =>
      isRecord(ev.data) && (ev.data['device'] === id || ev.data['path'] === id || ev.data['path'] === `/machine/peripheral/${id}`);
    const cleanups: (() => void)[] = [];
    const gone = new Promise<UnplugResult>((resolve, reject) => {
      cleanups.push(
        this.#host.on('DEVICE_DELETED', (ev) => {
          if (!matches(ev)) return;
          const device = ev.data['device'];
          resolve({ device: typeof device === 'string' ? device : undefined, path: String(ev.data['path']) });
        }),
        this.#host.on('DEVICE_UNPLUG_GUEST_ERROR', (ev) => {
          if (!matches(ev)) return;
          const path = ev.data['path'];
          reject(new QmpUnplugError({ device: id, path: typeof path === 'string' ? path : undefined }));
        }),
      );
      const timer = setTimeout(() => {
        reject(
          new QmpTimeoutError(
            `device_del:${id}`,
            timeoutMs,
            `device ${id} was not deleted within ${timeoutMs} ms: QEMU is waiting for the guest to release it ` +
              '(PCI hot-unplug needs the cooperation of a running guest OS; one that is paused, has no OS or ignores ' +
              'the request never does). The request stays pending in QEMU: the device goes if the guest releases it later.',
          ),
        );
      }, timeoutMs);
      cleanups.push(() => clearTimeout(timer));
      if (signal) {
        const onAbort = (): void => reject(new QmpAbortError(`devices.unplug(${id})`, signal.reason));
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
      cleanups.push(this.#host.onLost(reject));
    });
    gone.catch(() => {});
    try {
      await this.#host.execute('device_del', { id });
      return await gone;
    } finally {
      for (const c of cleanups) c();
    }
  }
}
