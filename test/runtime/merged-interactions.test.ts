/**
 * Interactions of the issue 10 hardening branches, found by re-running the attack against the
 * merged code (review 2). Each case failed before its fix.
 *
 * - Reconnect × messages skipped before the greeting: the bound (MAX_MESSAGES_BEFORE_GREETING)
 *   counted over the client's whole life, so a long-lived reconnecting client whose monitor sent a
 *   few stale replies before each greeting eventually failed every reconnect. The bound is per
 *   connection. (The test server stands in for QEMU here: real QEMU 10.0 sends a handful per
 *   connection, and reaching the bound would take hundreds of real reconnects.)
 */
import { describe, expect, it } from 'vitest';
import { QmpClient, type ReconnectNotification } from '../../runtime/index.js';
import { MAX_MESSAGES_BEFORE_GREETING } from '../../runtime/negotiation.js';
import { createQmpServer } from '../../runtime/testing/index.js';

describe('reconnect × stale replies before the greeting', () => {
  it('bounds the messages skipped before the greeting per connection, not over the client\'s life', async () => {
    // Each connection: stale replies (ids of an earlier connection) before the greeting, within the bound.
    const perConnection = Math.ceil(MAX_MESSAGES_BEFORE_GREETING * 0.6);
    const server = createQmpServer({ faults: { injectBeforeGreeting: '{"return": {}, "id": 7}\r\n'.repeat(perConnection) } });
    const address = await server.listen({});
    const notes: ReconnectNotification['type'][] = [];
    let settled!: (n: ReconnectNotification) => void;
    const outcome = new Promise<ReconnectNotification>((r) => (settled = r));
    const qmp = await QmpClient.connect({
      ...address,
      reconnect: {
        retries: 2,
        minDelayMs: 1,
        maxDelayMs: 5,
        onNotification: (n) => {
          notes.push(n.type);
          if (n.type === 'reconnected' || n.type === 'gave-up') settled(n);
        },
      },
    });
    try {
      expect(qmp.stats.skippedBeforeGreeting).toBe(perConnection);
      await server.dropConnections();
      expect((await outcome).type).toBe('reconnected');
      expect(notes).toEqual(['disconnected', 'reconnected']);
      expect(qmp.stats.skippedBeforeGreeting).toBe(2 * perConnection);
      // The session works again: the command reaches the server (which knows no commands) and is answered.
      await expect(qmp.executeUntyped('query-version')).rejects.toMatchObject({ errorClass: 'CommandNotFound' });
    } finally {
      await qmp.close();
      await server.close();
    }
  });
});
