/**
 * The target-independent runtime: the client, its transports and framer, negotiation, events,
 * errors and the QEMU launcher. Generated targets (`qmp-sdk`, or your own from `qmp-codegen`) bind it
 * to a schema.
 *
 * @module qmp-sdk/runtime
 */
export * from '../../runtime/index.js';
