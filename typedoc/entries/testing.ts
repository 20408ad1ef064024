/**
 * A QMP server for tests, checked against a generated target's schema: handlers, faults, recording
 * and replay.
 *
 * @module qmp-sdk/testing
 */
export * from '../../testing/index.js';
