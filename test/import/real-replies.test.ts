/**
 * Real QEMU replies and events validate against the committed target's schemas (compiled with Ajv
 * directly from `schema/<target>/`, exact: closed objects and enums as imported).
 *
 * Every command that takes no arguments, or only optional ones, is run without arguments on
 * `-machine none -S`, except this deny-list of commands that change the state of the VM or the process:
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { launchQemu } from '../../runtime/index.js';
import { importQemuArgs } from '../../codegen/import/index.js';
import { findQemu, projectRoot, qemuVersions } from '../../scripts/qemus.js';
import type { QmpEvent } from '../../runtime/index.js';

const denied: Record<string, string> = {
  quit: 'ends QEMU',
  stop: 'run separately below, for its STOP event',
  cont: 'run separately below, for its RESUME event',
  system_reset: 'resets the guest',
  system_powerdown: 'asks the guest to power down',
  system_wakeup: 'wakes a suspended guest',
  'inject-nmi': 'injects an NMI',
  'x-exit-preconfig': 'leaves the preconfig state',
  migrate: 'starts a migration',
  'migrate-incoming': 'waits for an incoming migration',
  migrate_cancel: 'cancels a migration',
  'migrate-pause': 'pauses a migration',
  'migrate-start-postcopy': 'switches a migration to postcopy',
  'x-colo-lost-heartbeat': 'fails over COLO',
  'xen-colo-do-checkpoint': 'forces a COLO checkpoint',
  'rtc-reset-reinjection': 'aborts QEMU 10.0 on -machine none (X86_MACHINE cast assertion: not an x86 machine)',
};

interface Doc {
  $id: string;
  definitions: Record<string, Record<string, unknown>>;
}

function load(target: string): { ajv: Ajv; commands: Doc; returns: Doc; events: Doc; types: Doc } {
  const dir = join(projectRoot, 'schema', target);
  const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Doc;
  const docs = { commands: read('commands.json'), returns: read('returns.json'), events: read('events.json'), types: read('types.json') };
  const ajv = new Ajv({ strict: true, discriminator: true, allErrors: true });
  ajv.addKeyword({ keyword: 'x-qmp' });
  for (const d of Object.values(docs)) ajv.addSchema(d);
  return { ajv, ...docs };
}

/** True when the command's arguments schema requires nothing. */
function needsNoArguments(entry: Record<string, unknown>, types: Doc): boolean {
  let s = entry;
  const ref = s.$ref;
  if (typeof ref === 'string') {
    const def = types.definitions[ref.replace('types.json#/definitions/', '')];
    if (def === undefined) return false;
    s = def;
  }
  return s.oneOf === undefined && (s.required === undefined || (s.required as unknown[]).length === 0);
}

describe.each(qemuVersions)('real QEMU %s', (version) => {
  it('replies to every argument-free command with what its return schema says, and sends valid events', async () => {
    const q = findQemu(version);
    const { ajv, commands, returns, events, types } = load(q.target);
    const seen: QmpEvent<string, unknown>[] = [];
    const qemu = await launchQemu({ binary: q.binary, env: q.env, args: importQemuArgs });
    const failures: string[] = [];
    let checked = 0;
    const errored: string[] = [];
    try {
      qemu.qmp.onAny((ev) => seen.push(ev));
      for (const [name, entry] of Object.entries(commands.definitions)) {
        if (name in denied || !needsNoArguments(entry, types)) continue;
        let reply: unknown;
        try {
          reply = await qemu.qmp.execute(name);
        } catch (err) {
          errored.push(`${name}: ${(err as Error).message}`);
          continue;
        }
        const validate = ajv.getSchema(`${returns.$id}#/definitions/${name}`);
        if (validate === undefined) {
          failures.push(`${name}: no return schema`);
          continue;
        }
        checked++;
        if (!validate(reply)) failures.push(`${name}: ${ajv.errorsText(validate.errors)}`);
      }
      const resumed = qemu.qmp.waitForEvent('RESUME', { timeoutMs: 5000 });
      await qemu.qmp.execute('cont');
      await resumed;
      const stopped = qemu.qmp.waitForEvent('STOP', { timeoutMs: 5000 });
      await qemu.qmp.execute('stop');
      await stopped;
    } finally {
      await qemu.close();
    }
    const eventNames = new Set<string>();
    for (const ev of seen) {
      const validate = ajv.getSchema(`${events.$id}#/definitions/${ev.event}`);
      if (validate === undefined) {
        failures.push(`event ${ev.event}: not in the schema`);
        continue;
      }
      eventNames.add(ev.event);
      if (!validate(ev.data ?? {})) failures.push(`event ${ev.event}: ${ajv.errorsText(validate.errors)}`);
    }
    console.log(
      `QEMU ${version}: ${checked} command replies validated (${errored.length} commands answered with an error on -machine none, ` +
        `${Object.keys(denied).length} denied); ${seen.length} events validated (${[...eventNames].sort().join(', ')})`,
    );
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
    expect(eventNames).toContain('STOP');
    expect(eventNames).toContain('RESUME');
  }, 60_000);
});
