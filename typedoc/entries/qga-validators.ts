/**
 * Precompiled validators of every guest agent command of qemu-ga 10.0 (arguments exact, returns
 * compatible), with no socket code. The same as `qmp-sdk/qga-10.0/validators`.
 *
 * @module qmp-sdk/qga/validators
 */
export * from '../../generated/qga-10.0/validators.js';
