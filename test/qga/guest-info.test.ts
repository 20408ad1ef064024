/**
 * The committed guest agent schemas (schema/qga-<version>) against the real agents: `guest-info` of each
 * agent validates against its schema, lists exactly the schema's commands (the `'if'` conditions evaluated
 * for a Linux build are the ones Debian's agent was compiled with), agrees on `success-response`, and
 * reports every command of the test blocklist disabled. The blocklist covers every command of both schemas
 * that acts on the host by itself (each command is classified below: a new one fails until classified).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileTarget } from '../../codegen/import/validate.js';
import { projectRoot, qemuVersions } from '../../scripts/qemus.js';
import { defaultQgaBlocklist, startQemuGa, type RunningQemuGa } from '../support/qemu-ga.js';
import { RawSocket } from '../support/raw-socket.js';

/** Commands that do not change the host by themselves (`guest-exec`, `guest-file-*` do what the caller asks). */
const harmless = [
  'guest-sync-delimited', 'guest-sync', 'guest-ping', 'guest-get-time', 'guest-info',
  'guest-file-open', 'guest-file-close', 'guest-file-read', 'guest-file-write', 'guest-file-seek', 'guest-file-flush',
  'guest-fsfreeze-status', 'guest-network-get-interfaces', 'guest-network-get-route', 'guest-get-vcpus', 'guest-get-disks',
  'guest-get-fsinfo', 'guest-get-memory-blocks', 'guest-get-memory-block-info', 'guest-exec', 'guest-exec-status',
  'guest-get-host-name', 'guest-get-users', 'guest-get-timezone', 'guest-get-osinfo', 'guest-get-devices',
  'guest-ssh-get-authorized-keys', 'guest-get-diskstats', 'guest-get-cpustats', 'guest-get-load',
];

interface GuestInfo {
  version: string;
  supported_commands: { name: string; enabled: boolean; 'success-response': boolean }[];
}

function schemaFiles(version: string): Map<string, string> {
  const dir = join(projectRoot, 'schema', `qga-${version}`);
  return new Map(['commands.json', 'events.json', 'returns.json', 'types.json', 'target.json'].map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe.each(qemuVersions)('schema/qga-%s against the real qemu-ga %s', (version) => {
  let ga: RunningQemuGa;
  let info: GuestInfo;
  let raw: unknown;
  const files = schemaFiles(version);
  const commands = JSON.parse(files.get('commands.json')!) as { definitions: Record<string, { 'x-qmp'?: { successResponse?: boolean } }> };
  const schemaNames = Object.keys(commands.definitions).sort();

  beforeAll(async () => {
    ga = await startQemuGa({ version });
    const s = await RawSocket.open(ga.path);
    try {
      await s.write(Buffer.concat([Buffer.from([0xff]), Buffer.from('{"execute":"guest-sync-delimited","arguments":{"id":4242}}')]));
      await s.until((b) => b.includes('\xff{"return": 4242}\n', 0, 'latin1'));
      await s.lines(s.bytes.toString('latin1').split('\n').length - 1);
      await s.write('{"execute":"guest-info","id":1}');
      const [line] = await s.lines(1);
      const reply = JSON.parse(line!) as { return: GuestInfo; id: number };
      expect(reply.id).toBe(1);
      raw = reply.return;
      info = reply.return;
    } finally {
      await s.close();
    }
  });
  afterAll(async () => {
    await ga?.stop();
  });

  it('guest-info validates against the schema (returns.json guest-info, Ajv strict)', () => {
    const ajv = compileTarget(files);
    const validate = ajv.getSchema(`https://qmp-sdk.invalid/schema/qga-${version}/returns.json#/definitions/guest-info`)!;
    expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);
    expect(info.version.startsWith(`${version}.`)).toBe(true);
  });

  it("every command the agent supports is in the schema, and every schema command is supported (no difference)", () => {
    const supported = info.supported_commands.map((c) => c.name).sort();
    expect(supported.filter((n) => !schemaNames.includes(n))).toEqual([]);
    expect(schemaNames.filter((n) => !supported.includes(n))).toEqual([]);
  });

  it("success-response agrees with x-qmp.successResponse", () => {
    const noResponse = info.supported_commands.filter((c) => !c['success-response']).map((c) => c.name).sort();
    const inSchema = schemaNames.filter((n) => commands.definitions[n]!['x-qmp']?.successResponse === false);
    expect(inSchema).toEqual(noResponse);
    expect(noResponse).toEqual(['guest-shutdown', 'guest-suspend-disk', 'guest-suspend-hybrid', 'guest-suspend-ram']);
  });

  it('the test blocklist disables every command that acts on the host; every schema command is classified', () => {
    const disabled = new Set(info.supported_commands.filter((c) => !c.enabled).map((c) => c.name));
    for (const name of defaultQgaBlocklist) expect(disabled.has(name), name).toBe(true);
    expect(schemaNames.filter((n) => !harmless.includes(n) && !defaultQgaBlocklist.includes(n))).toEqual([]);
    expect(harmless.filter((n) => defaultQgaBlocklist.includes(n))).toEqual([]);
    // what else the agent disables by itself on this host (not blocked by us)
    const own = [...disabled].filter((n) => !defaultQgaBlocklist.includes(n)).sort();
    expect(own).toEqual(version === '7.2' ? ['guest-get-devices'] : []);
  });
});
