/**
 * A connected pair for the hostile-peer suite: the test server (mini target, handlers whose reply
 * is derived from their arguments) and a runtime client, over an in-memory stream or TCP.
 */
import { QmpClient, type ClientOptions, type QmpProtocolError } from '../../../runtime/index.js';
import { createQmpServer, type QmpFaults, type QmpTestServer } from '../../../testing/index.js';
import { miniTarget, type MiniCommandMap } from '../../testing/helpers/mini-target.js';

/** Handlers of the hostile suite: `human-monitor-command` echoes its argument, so a mismatched reply is visible. */
export function makeServer(faults?: QmpFaults, extra: { capabilities?: string[] } = {}): QmpTestServer {
  return createQmpServer<MiniCommandMap>({
    target: miniTarget,
    ...(faults ? { faults } : {}),
    ...(extra.capabilities ? { capabilities: extra.capabilities } : {}),
    handlers: {
      'query-status': () => ({ status: 'running', running: true }),
      'query-name': () => ({ name: 'vm0' }),
      'human-monitor-command': (args) => `echo:${args['command-line']}`,
      stop: (_a, ctx) => {
        ctx.emitEvent('STOP');
        return {};
      },
      cont: (_a, ctx) => {
        ctx.emitEvent('RESUME');
        return {};
      },
      'migrate-pause': () => ({}),
    },
  });
}

/** What a test gets: the server, the client, and the protocol problems the client reported. */
export interface Pair {
  server: QmpTestServer;
  client: QmpClient;
  problems: unknown[];
}

/** Connects a runtime client to `server` over an in-memory stream (default) or TCP. */
export async function connectPair(
  server: QmpTestServer,
  options: ClientOptions & { tcp?: boolean; faults?: QmpFaults } = {},
): Promise<Pair> {
  const { tcp, faults, ...clientOptions } = options;
  let client: QmpClient;
  if (tcp) {
    const address = await server.listen({ port: 0 });
    if (faults) throw new Error('per-connection faults over TCP: set them on the server');
    client = await QmpClient.connect({ ...(address as { host: string; port: number }), ...clientOptions });
  } else {
    client = await QmpClient.connect({ stream: server.connectStream(faults ? { faults } : {}), ...clientOptions });
  }
  const problems: unknown[] = [];
  client.onError((e) => problems.push(e));
  return { server, client, problems };
}

/** Closes both ends; the server throws if it recorded failures. */
export async function closePair(p: Pair): Promise<void> {
  await p.client.close();
  await p.server.close();
}

/** The `violation` of protocol problems, for assertions. */
export function violations(problems: unknown[]): string[] {
  return problems.map((e) => (e as QmpProtocolError).violation ?? (e as Error).name);
}
