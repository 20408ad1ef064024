/**
 * Shell completion (cli/complete.ts) over a schema built by the importer from a real QEMU 10.0's
 * `query-qmp-schema` (the way the shell builds it): tables of { line → candidates, replaced text }.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { launchQemu } from '../../runtime/index.js';
import { complete } from '../../cli/complete.js';
import type { CompletionContext, ShellMode } from '../../cli/complete.js';
import { fetchLiveSchema } from '../../cli/live-schema.js';
import type { LiveSchema } from '../../cli/live-schema.js';
import { SchemaNavigator } from '../../cli/schema-nav.js';
import { findQemu } from '../../scripts/qemus.js';

let live: LiveSchema;
beforeAll(async () => {
  const q = findQemu('10.0');
  const vm = await launchQemu({ binary: q.binary, env: q.env, args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'] });
  try {
    live = await fetchLiveSchema(vm.qmp);
  } finally {
    await vm.close();
  }
});

const ctx = (mode: ShellMode): CompletionContext => ({ mode, commands: live.commands, builtins: ['help', 'hmp', 'transaction', 'exit'], nav: new SchemaNavigator(live) });

describe('completion from the live schema of QEMU 10.0', () => {
  it('knows the QEMU it was read from', () => {
    expect(live.target).toBe('qemu-10.0-x86_64');
    expect(live.commands).toContain('query-status');
    expect(live.events).toContain('STOP');
  });

  const table: Array<[string, ShellMode, string, string[] | ((hits: string[]) => void), string]> = [
    ['command names', 'qmp', 'query-st', ['query-stats', 'query-stats-schemas', 'query-status'], 'query-st'],
    ['the shell words', 'qmp', 'tra', ['trace-event-get-state', 'trace-event-set-state', 'transaction'], 'tra'],
    ['help completes commands', 'qmp', 'help query-sta', ['query-stats', 'query-stats-schemas', 'query-status'], 'query-sta'],
    ['members of a plain command', 'qmp', 'blockdev-del ', ['node-name='], ''],
    ['members already given are left out', 'qmp', 'block-dirty-bitmap-add node=n0 ', (h) => {
      expect(h).toContain('name=');
      expect(h).not.toContain('node=');
    }, ''],
    ['union tag values', 'qmp', 'blockdev-add driver=q', ['qcow', 'qcow2', 'qed', 'quorum'], 'q'],
    ['members of the chosen variant', 'qmp', 'blockdev-add driver=file fil', ['filename='], 'fil'],
    ['nested members by dotted path', 'qmp', 'blockdev-add driver=null-co cache.', ['cache.direct=', 'cache.no-flush='], 'cache.'],
    ['objects end in a dot', 'qmp', 'blockdev-add driver=null-co ca', ['cache.'], 'ca'],
    ['an alternate of an object and a string offers both', 'qmp', 'blockdev-add driver=qcow2 fi', ['file.', 'file='], 'fi'],
    ['booleans', 'qmp', 'blockdev-add driver=null-co read-zeroes=', ['false', 'true'], ''],
    ['enum values', 'qmp', 'blockdev-add driver=null-co detect-zeroes=', ['off', 'on', 'unmap'], ''],
    ['list indices', 'qmp', 'transaction ', ['actions.', 'properties.'], ''],
    ['list items', 'qmp', 'transaction actions.', ['actions.0.'], 'actions.'],
    ['transaction action types', 'transaction', 'block-dirty-bitmap-a', ['block-dirty-bitmap-add'], 'block-dirty-bitmap-a'],
    ['transaction action members', 'transaction', 'block-dirty-bitmap-add node=n0 na', ['name='], 'na'],
    ['nothing in HMP mode', 'hmp', 'info bl', [], 'bl'],
    ['nothing for an unknown command', 'qmp', 'no-such-command ', [], ''],
  ];
  it.each(table)('%s: %s', (_name, mode, line, want, replaced) => {
    const [hits, sub] = complete(line, ctx(mode));
    if (typeof want === 'function') want(hits);
    else expect(hits).toEqual(want);
    expect(sub).toBe(replaced);
  });
});
