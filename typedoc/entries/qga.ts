/**
 * The typed QEMU guest agent client for the newest agent, 10.0: `QgaClient`, the command map
 * (every command with its QAPI documentation) and every type. The same as `qmp-sdk/qga-10.0`;
 * `qmp-sdk/qga-7.2` has the same shape.
 *
 * @module qmp-sdk/qga
 */
export * from '../../generated/qga-10.0/index.js';
