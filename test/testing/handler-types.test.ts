/**
 * Handler typing with a generated command map: wrong arguments or return types do not compile
 * (checked by `tsc --noEmit` through the `@ts-expect-error` lines), right ones do.
 */
import { describe, expect, it } from 'vitest';
import { target, type QmpCommandMap } from '../../generated/qemu-10.0-x86_64/index.js';
import { createQmpServer } from '../../testing/index.js';

describe('typed handlers', () => {
  it('compile against the command map', async () => {
    const server = createQmpServer<QmpCommandMap>({
      target,
      handlers: {
        'query-status': () => ({ status: 'running', running: true }),
        'human-monitor-command': (args) => `ran ${args['command-line']}`,
        // @ts-expect-error TS2322: a number is not a StatusInfo
        'query-name': () => 42,
        // @ts-expect-error TS2339: device_del has no argument 'name'
        device_del: (args) => void args.name,
      },
    });
    // every handler above is a function; the wrong ones would fail at run time too
    expect(server.connections).toEqual([]);
    await server.close();
  });
});
