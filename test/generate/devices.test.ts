/**
 * The generator's device models (issue 18 part 1): QOM type → accepted values, the factoring along
 * the QOM tree (no property lost, none added), and the table validator of the committed targets
 * against outcomes measured on real QEMU 10.0 (JSON front end) and 7.2 (QemuOpts front end).
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceValue, losslessText, type DeviceProp } from '../../codegen/generate/devices.js';
import { renderTarget } from '../../codegen/generate/generate.js';
import { loadTargetSchema } from '../../codegen/generate/schema.js';
import { parseLossless } from '../../codegen/import/lossless-json.js';
import { validateArguments as validate100 } from '../../generated/qemu-10.0-x86_64/validators.js';
import { validateArguments as validate72 } from '../../generated/qemu-7.2-x86_64/validators.js';
import { projectRoot } from '../../scripts/qemus.js';
import { tempDir } from './helpers.js';

describe('deviceValue', () => {
  const enums = new Map([['OnOffAuto', ['on', 'off', 'auto']]]);
  const types = new Set(['OnOffAuto', 'IOThreadVirtQueueMapping']);
  it.each([
    ['bool', undefined, { kind: 'bool' }],
    ['uint16', undefined, { kind: 'int', min: 0n, max: 65535n, size: false }],
    ['int32', undefined, { kind: 'int', min: -2147483648n, max: 2147483647n, size: false }],
    ['size', undefined, { kind: 'int', min: 0n, max: 18446744073709551615n, size: true }],
    ['str', undefined, { kind: 'str' }],
    ['link<iothread>', undefined, { kind: 'str' }],
    ['str', 'Slot and optional function number, example: 06.0 or 06', { kind: 'devfn' }],
    ['int32', 'Slot and optional function number, example: 06.0 or 06', { kind: 'devfn' }],
    ['OnOffAuto', 'on/off/auto', { kind: 'enum', typeKey: 'OnOffAuto', values: ['on', 'off', 'auto'] }],
    ['strList', undefined, { kind: 'list', items: 'str' }],
    ['IOThreadVirtQueueMappingList', undefined, { kind: 'list', items: 'any', typeKey: 'IOThreadVirtQueueMapping' }],
    ['X86CPUFeatureWordInfo', undefined, { kind: 'any' }],
    ['child<virtio-blk-device>', undefined, undefined],
  ] as const)('%s (%s)', (qom, desc, want) => {
    expect(deviceValue(qom, desc, enums, types)).toEqual(want);
  });
});

describe.each(['qemu-10.0-x86_64', 'qemu-7.2-x86_64'])('device models of %s', (target) => {
  const dir = join(projectRoot, 'schema', target);
  const schema = loadTargetSchema(dir);
  const devices = schema.devices!;
  const raw = parseLossless(readFileSync(join(dir, 'devices.json'), 'utf8')) as { models: Record<string, { abstract?: boolean; properties?: Record<string, { type: string; description?: string; default?: unknown }> }> };

  it('every described model has exactly its settable properties through its group chain', () => {
    const key = (name: string, p: { type: string; description?: string; default?: unknown }): string =>
      JSON.stringify([name, p.type, p.description ?? null, p.default === undefined ? null : losslessText(p.default as never)]);
    const branches = devices.groups.filter((g) => g.branch);
    const described = Object.entries(raw.models).filter(([, m]) => m.properties !== undefined);
    expect(branches.map((g) => g.qomType)).toEqual(described.map(([n]) => n));
    for (const g of branches) {
      const got: string[] = [];
      for (let at = devices.groups.indexOf(g); at >= 0; at = devices.groups[at]!.parent) {
        for (const p of devices.groups[at]!.props as DeviceProp[]) got.push(key(p.name, { type: p.qomType, ...(p.description !== undefined ? { description: p.description } : {}), ...(p.default !== undefined ? { default: p.default } : {}) }));
      }
      const want = Object.entries(raw.models[g.qomType]!.properties!)
        .filter(([n, p]) => !p.type.startsWith('child<') && !['driver', 'bus', 'id'].includes(n))
        .map(([n, p]) => key(n, p));
      expect(got.sort()).toEqual(want.sort());
    }
    // the factoring pays: far fewer declared properties than the models have
    const declared = devices.groups.reduce((n, g) => n + g.props.length, 0);
    const total = described.reduce((n, [, m]) => n + Object.keys(m.properties!).length, 0);
    expect(declared * 5).toBeLessThan(total);
  });
});

// Outcomes measured on real QEMU (q35, free hot-pluggable bus) — README "device_add".
const measured: Array<[Record<string, unknown>, boolean, boolean]> = [
  // args, accepted by 10.0's argument parsing, by 7.2's
  [{ driver: 'virtio-net-pci', mrg_rxbuf: true }, true, true],
  [{ driver: 'virtio-net-pci', mrg_rxbuf: 'on' }, false, true],
  [{ driver: 'virtio-net-pci', mrg_rxbuf: 'y' }, false, true],
  [{ driver: 'virtio-net-pci', mrg_rxbuf: 'ON' }, false, false],
  [{ driver: 'virtio-net-pci', mrg_rxbuf: 'auto' }, false, false],
  [{ driver: 'virtio-net-pci', mrg_rxbuf: 1 }, false, false],
  [{ driver: 'virtio-net-pci', host_mtu: 1400 }, true, true],
  [{ driver: 'virtio-net-pci', host_mtu: '1400' }, false, true],
  [{ driver: 'virtio-net-pci', host_mtu: '0x500' }, false, true],
  [{ driver: 'virtio-net-pci', host_mtu: ' 1400' }, false, true],
  [{ driver: 'virtio-net-pci', host_mtu: '1400 ' }, false, false],
  [{ driver: 'virtio-net-pci', host_mtu: 1400.5 }, false, false],
  [{ driver: 'virtio-net-pci', host_mtu: -1 }, false, false],
  [{ driver: 'virtio-net-pci', 'x-txburst': '1e2' }, false, false],
  [{ driver: 'virtio-net-pci', nope: '1' }, false, false],
  [{ driver: 'virtio-net-pci', 'virtio-backend': 'x' }, false, false],
  [{ driver: 'virtio-net-pci', failover: 'on' }, false, true],
  [{ driver: 'virtio-net-pci', vectors: '4' }, false, true],
  // 7.2 reads these as the strings "5": its type check passes, then QEMU refuses the value itself
  // (no netdev "5": "can't find value '5'"; not a MAC: "doesn't take value '5'"), which no schema knows
  [{ driver: 'virtio-net-pci', netdev: 5 }, false, true],
  [{ driver: 'e1000', mac: 5 }, false, true],
  [{ driver: 'e1000', addr: '0x0.0' }, true, true],
  [{ driver: 'e1000', addr: 0 }, true, true],
  [{ driver: 'e1000', romfile: '' }, true, true],
  [{ driver: 'nope' }, false, false],
];

describe('the device_add validators accept what the real QEMU accepted and refuse what it refused', () => {
  it.each(measured)('%j: 10.0 %s, 7.2 %s', (args, ok100, ok72) => {
    expect(validate100('device_add', args).ok).toBe(ok100);
    expect(validate72('device_add', args).ok).toBe(ok72);
  });

  it('names the property and the rule', () => {
    expect(validate100('device_add', { driver: 'virtio-blk-pci', drvie: 'disk0' })).toEqual({ ok: false, errors: [{ path: '/arguments/drvie', message: 'is not a known member' }] });
    expect(validate100('device_add', { driver: 'virtio-net-pci', host_mtu: 70000 })).toEqual({ ok: false, errors: [{ path: '/arguments/host_mtu', message: 'must be an integer from 0 to 65535 (QOM type uint16)' }] });
    const unknown = validate72('device_add', { driver: 'my-out-of-tree-device' });
    expect(unknown.ok).toBe(false);
    expect(JSON.stringify(unknown)).toMatch(/is not a device model of qemu-7\.2-x86_64.*executeUntyped/);
  });
});

describe('generating from a devices.json', () => {
  const withDevices = (text: string): { dir: string; done: () => void } => {
    const tmp = tempDir();
    const dir = join(tmp.dir, 'qemu-10.0-x86_64');
    mkdirSync(dir);
    for (const f of ['target.json', 'types.json', 'commands.json', 'returns.json', 'events.json']) copyFileSync(join(projectRoot, 'schema/qemu-10.0-x86_64', f), join(dir, f));
    writeFileSync(join(dir, 'devices.json'), text);
    return { dir, done: tmp.done };
  };

  it("without devices.json (a target imported from a file or a socket), device_add stays open: any device property compiles and validates, as QEMU takes it ('gen': false)", async () => {
    const tmp = tempDir();
    try {
      const dir = join(tmp.dir, 'qemu-10.0-x86_64');
      mkdirSync(dir);
      for (const f of ['target.json', 'types.json', 'commands.json', 'returns.json', 'events.json']) copyFileSync(join(projectRoot, 'schema/qemu-10.0-x86_64', f), join(dir, f));
      const files = renderTarget({ schemaDir: dir }).files;
      expect(files.get('types.ts')).toMatch(/export interface DeviceAddArguments \{[^}]*driver: string;[^}]*\[key: string\]: unknown;\n\}/);
      const { Ajv } = await import('ajv');
      const schema = JSON.parse(readFileSync(join(dir, 'commands.json'), 'utf8')) as { definitions: Record<string, object> };
      const check = new Ajv({ strict: false }).compile(schema.definitions['device_add'] as object);
      expect(check({ driver: 'virtio-blk-pci', id: 'vblk0', bus: 'rp1', drive: 'disk0' })).toBe(true);
      expect(check({ id: 'no-driver' })).toBe(false);
    } finally {
      tmp.done();
    }
  });

  it('refuses a malformed devices.json with an error naming the file', () => {
    const t = withDevices('{"target": "x", "argumentMode": "xml", "models": {}}\n');
    try {
      expect(() => renderTarget({ schemaDir: t.dir })).toThrow(/schema\/qemu-10\.0-x86_64\/devices\.json: needs "argumentMode"/);
    } finally {
      t.done();
    }
  });

  it('emits the union, the shared properties once on the highest QOM type whose models all have them, docs with exact defaults, no child<…>', () => {
    const prop = (type: string, extra = ''): string => `{"type": "${type}"${extra}}`;
    const shared = `"mac": ${prop('str', ', "description": "Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56"')}, "addr": ${prop('str', ', "description": "Slot and optional function number, example: 06.0 or 06", "default": -1')}`;
    const t = withDevices(`{
  "target": "qemu-10.0-x86_64", "argumentMode": "json",
  "models": {
    "device": {"parent": "object", "abstract": true},
    "pci-device": {"parent": "device", "abstract": true},
    "my-nic": {"parent": "pci-device", "properties": {${shared}, "reserve": ${prop('size', ', "default": 18446744073709551615')}, "backend": ${prop('child<x>')}}},
    "my-nic2": {"parent": "pci-device", "properties": {${shared}, "flag": ${prop('bool', ', "description": "on/off", "default": false')}, "policy": ${prop('OnOffAuto')}}},
    "my-broken": {"parent": "pci-device", "skipped": "QEMU exited while answering device-list-properties"}
  }
}
`);
    try {
      const types = renderTarget({ schemaDir: t.dir }).files.get('types.ts') as string;
      expect(types).toMatch(/export interface DevicePropsDevice extends DeviceAddCommon \{\n  \/\*\* Slot and optional function number, example: 06\.0 or 06\. \(QOM type `str`, default `-1`\) \*\/\n  addr\?: number \| string;\n  \/\*\* Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56\. \(QOM type `str`\) \*\/\n  mac\?: string;\n\}/);
      expect(types).toMatch(/export interface DeviceAddMyNic extends DevicePropsDevice \{\n  \/\*\* The device model \(QOM type\)\. \*\/\n  driver: "my-nic";\n  \/\*\* \(QOM type `size` 0\.\.18446744073709551615, default `18446744073709551615`\) \*\/\n  reserve\?: number \| bigint;\n\}/);
      expect(types).toMatch(/driver: "my-nic2";\n  \/\*\* \(QOM type `bool`, default `false`\) \*\/\n  flag\?: boolean;\n  \/\*\* \(QOM type `OnOffAuto`\) \*\/\n  policy\?: OnOffAuto;\n\}/);
      // (the exact DeviceAddMyNic above also shows that its child<x> property `backend` is left out)
      expect(types).toMatch(/export type DeviceAddArguments = DeviceAddMyNic \| DeviceAddMyNic2;/);
      expect(types).toContain('Not described by QEMU (device-list-properties failed): `my-broken`.');
      expect(types).toMatch(/export interface DeviceAddCommon \{[^}]*bus\?: string;[^}]*id\?: string;\n\}/);
    } finally {
      t.done();
    }
  }, 60_000);
});
