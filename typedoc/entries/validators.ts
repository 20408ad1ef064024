/**
 * Precompiled validators of every QMP message of QEMU 10.0 (x86_64), with no socket code: for a
 * proxy, a log checker or a browser. The same as `qmp-sdk/qemu-10.0-x86_64/validators`.
 *
 * @module qmp-sdk/validators
 */
export * from '../../generated/qemu-10.0-x86_64/validators.js';
