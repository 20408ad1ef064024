/**
 * The typed SDK for the newest target, QEMU 10.0 on x86_64: `QmpClient`, `launchQemu`, the command
 * and event maps (every command and event with its QAPI documentation) and every type.
 * The same as `qmp-sdk/qemu-10.0-x86_64`; `qmp-sdk/qemu-7.2-x86_64` has the same shape.
 *
 * @module qmp-sdk
 */
export * from '../../generated/qemu-10.0-x86_64/index.js';
