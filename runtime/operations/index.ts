/**
 * The long-running operations of a client (`qmp.jobs`, `qmp.migration`, `qmp.devices`): a layer
 * above the runtime core that knows QMP command and event names, built only on the client's
 * public API ({@link OperationsHost}). Each helper is made on first use.
 */
import type { OperationsHost } from './host.js';
import { JobRunner } from './jobs.js';

/** The helpers of one client, made lazily. */
export class Operations {
  #jobs: JobRunner | undefined;
  constructor(private readonly host: OperationsHost) {}

  get jobs(): JobRunner {
    return (this.#jobs ??= new JobRunner(this.host));
  }
}

export type { Jobs, Job, JobArguments, JobCommand, JobOptions, JobProgress, JobResult } from './jobs.js';
export { QmpJobError, QmpMigrationError, isQmpJobError, isQmpMigrationError } from './errors.js';
export type { OperationsHost } from './host.js';
