/**
 * The long-running operations of a client (`qmp.jobs`, `qmp.migration`, `qmp.devices`): a layer
 * above the runtime core that knows QMP command and event names, built only on the client's
 * public API ({@link OperationsHost}). Each helper is made on first use.
 */
import type { OperationsHost } from './host.js';
import { JobRunner } from './jobs.js';
import { MigrationRunner } from './migration.js';
import { Devices } from './unplug.js';

/** The helpers of one client, made lazily. */
export class Operations {
  #jobs: JobRunner | undefined;
  constructor(private readonly host: OperationsHost) {}

  #devices: Devices | undefined;
  #migration: MigrationRunner | undefined;

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

export type { Jobs, Job, JobArguments, JobCommand, JobOptions, JobProgress, JobResult } from './jobs.js';
export { QmpJobError, QmpMigrationError, QmpUnplugError, isQmpJobError, isQmpMigrationError, isQmpUnplugError } from './errors.js';
export type { Devices, UnplugOptions, UnplugResult } from './unplug.js';
export type { Migration, MigrationCapabilityName, MigrationChannels, MigrationOptions, MigrationProgress, MigrationResult } from './migration.js';
export type { OperationsHost } from './host.js';
