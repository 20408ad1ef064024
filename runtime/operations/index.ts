/**
 * The long-running operations of a client (`qmp.jobs`, `qmp.migration`, `qmp.devices`): a layer
 * above the runtime core that knows QMP command and event names, built only on the client's
 * public API ({@link OperationsHost}). Each helper is made on first use.
 */
import type { QmpConnectionError } from '../errors.js';
import type { ClientSurface, OperationsHost } from './host.js';
import { JobRunner } from './jobs.js';
import { MigrationRunner } from './migration.js';
import { Devices } from './unplug.js';

/** The helpers of one client, made lazily. */
export class Operations {
  readonly host: OperationsHost;
  #jobs: JobRunner | undefined;
  #devices: Devices | undefined;
  #migration: MigrationRunner | undefined;
  readonly #lost = new Set<(error: QmpConnectionError) => void>();

  constructor(client: ClientSurface) {
    this.host = {
      execute: (name, args, options) => client.execute(name, args, options),
      on: (name, handler) => client.on(name, handler),
      onLost: (listener) => {
        this.#lost.add(listener);
        return () => this.#lost.delete(listener);
      },
    };
    void client.closed.then((error) => this.connectionLost(error));
  }

  /** The connection was closed or dropped: every live operation fails with `error`. */
  connectionLost(error: QmpConnectionError): void {
    const listeners = [...this.#lost];
    this.#lost.clear();
    for (const l of listeners) l(error);
  }

  get jobs(): JobRunner {
    return (this.#jobs ??= new JobRunner(this.host));
  }

  get migration(): MigrationRunner {
    return (this.#migration ??= new MigrationRunner(this.host));
  }

  get devices(): Devices {
    return (this.#devices ??= new Devices(this.host));
  }
}

export type { Jobs, JobArguments, JobCommand } from './jobs.js';
export type { Job, JobOptions, JobProgress, JobResult } from './job-types.js';
export { QmpJobError, QmpMigrationError, QmpUnplugError, isQmpJobError, isQmpMigrationError, isQmpUnplugError } from './errors.js';
export type { Devices, UnplugOptions, UnplugResult } from './unplug.js';
export type { Migration, MigrationCapabilityName, MigrationChannels, MigrationOptions, MigrationProgress, MigrationResult } from './migration.js';
export type { ClientSurface, OperationsHost } from './host.js';
