/**
 * Errors of the long-running operations (`qmp.jobs`, `qmp.migration`): QEMU accepted the command,
 * then the operation failed on its own. Both have `code: 'operation'` and are told apart by `name`.
 */
import { QmpError } from '../errors.js';

/** A job ended with an error (`query-jobs` → `error`, or the `error` of `BLOCK_JOB_COMPLETED`). */
export class QmpJobError extends QmpError {
  override readonly name = 'QmpJobError' as const;
  declare readonly code: 'operation';
  /** The job's id (`job-id`). */
  readonly jobId: string;
  /** Wire name of the command that started the job, e.g. `blockdev-backup`. */
  readonly command: string;
  /** QEMU's own text, e.g. `Input/output error` (human readable; QEMU says not to parse it). */
  readonly qemuError: string;
  constructor(init: { jobId: string; command: string; qemuError: string }) {
    super('operation', `${init.command} job ${init.jobId} failed: ${init.qemuError}`);
    this.jobId = init.jobId;
    this.command = init.command;
    this.qemuError = init.qemuError;
  }
}

/** A migration ended in status `failed` (QEMU's text from `query-migrate` → `error-desc`). */
export class QmpMigrationError extends QmpError {
  override readonly name = 'QmpMigrationError' as const;
  declare readonly code: 'operation';
  /** The final migration status (`failed`, or `cancelled` when something else cancelled it). */
  readonly status: string;
  /** QEMU's own text, when it gave one. */
  readonly qemuError: string | undefined;
  constructor(init: { status: string; qemuError: string | undefined }) {
    super('operation', `migration ${init.status}${init.qemuError === undefined ? '' : `: ${init.qemuError}`}`);
    this.status = init.status;
    this.qemuError = init.qemuError;
  }
}

/** The guest refused to release a device (`DEVICE_UNPLUG_GUEST_ERROR`, QEMU 6.2 and later). */
export class QmpUnplugError extends QmpError {
  override readonly name = 'QmpUnplugError' as const;
  declare readonly code: 'operation';
  /** The device's id (or QOM path) as given to `unplug`. */
  readonly device: string;
  /** The device's QOM path from the event. */
  readonly path: string | undefined;
  constructor(init: { device: string; path: string | undefined }) {
    super('operation', `device ${init.device}: the guest reported an error while releasing it (DEVICE_UNPLUG_GUEST_ERROR${init.path === undefined ? '' : ` at ${init.path}`})`);
    this.device = init.device;
    this.path = init.path;
  }
}

function has(e: unknown, name: string): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name && (e as { code?: unknown }).code === 'operation';
}

/** True for a {@link QmpJobError} (checks `name` and `code`, so it works across package copies). */
export function isQmpJobError(e: unknown): e is QmpJobError {
  return has(e, 'QmpJobError');
}

/** True for a {@link QmpMigrationError}. */
export function isQmpMigrationError(e: unknown): e is QmpMigrationError {
  return has(e, 'QmpMigrationError');
}

/** True for a {@link QmpUnplugError}. */
export function isQmpUnplugError(e: unknown): e is QmpUnplugError {
  return has(e, 'QmpUnplugError');
}
