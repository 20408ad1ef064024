/**
 * Device models for device_add (issue 18 part 1): the lossless reply parser, and the device import
 * from the real QEMUs: every model asked, the models that kill QEMU skipped and recorded, 64-bit
 * defaults exact, the argument mode probed, and the committed devices.json reproduced byte for byte.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devicesDocument, fetchDevices } from '../../codegen/import/devices.js';
import { stringifyStable } from '../../codegen/import/json.js';
import { parseLossless } from '../../codegen/import/lossless-json.js';
import { importQemuArgs } from '../../codegen/import/source-live.js';
import { findQemu, projectRoot, type QemuVersion } from '../../scripts/qemus.js';

describe('parseLossless', () => {
  it('keeps integers beyond 2^53 exact as bigint, and everything else as JSON.parse does', () => {
    const text = '{"a": 18446744073709551615, "b": -9223372036854775808, "c": 9007199254740991, "d": 1.5e3, "e": [true, null, "x\\u00e9\\n"], "__proto__": {"f": 9007199254740993}}';
    const v = parseLossless(text) as Record<string, unknown>;
    expect(v['a']).toBe(18446744073709551615n);
    expect(v['b']).toBe(-9223372036854775808n);
    expect(v['c']).toBe(9007199254740991);
    expect(v['d']).toBe(1500);
    expect(v['e']).toEqual([true, null, 'xé\n']);
    expect(Object.getPrototypeOf(v)).toBe(null);
    expect((v['__proto__'] as Record<string, unknown>)['f']).toBe(9007199254740993n);
    expect(stringifyStable(v['a'])).toBe('18446744073709551615\n');
  });

  it.each(['', '{', '{"a" 1}', '[1,]', '01', '"\u0001"', '1 2', 'nul', '{"a":1}}'])('refuses malformed JSON %j with a SyntaxError naming the offset', (text) => {
    expect(() => parseLossless(text)).toThrow(/at offset \d+/);
  });
});

describe.each(['10.0', '7.2'] as QemuVersion[])('device import from real QEMU %s', (version) => {
  it('reads every model, survives the models that kill QEMU, keeps defaults exact, and reproduces the committed devices.json', async () => {
    const q = findQemu(version);
    const d = await fetchDevices(q.binary, importQemuArgs, q.env);
    expect(d.mode).toBe(version === '10.0' ? 'json' : 'keyval');
    // measured: device-list-properties of these kills QEMU under -machine none; the import restarted and went on
    for (const m of ['virtio-gpu-gl-pci', 'virtio-vga-gl']) expect(d.models.get(m)?.skipped).toBe('QEMU exited while answering device-list-properties');
    // models after them in name order were still read
    expect(d.models.get('virtio-net-pci')?.properties?.get('netdev')?.type).toBe('str');
    expect(d.models.get('vmxnet3')?.properties?.size).toBeGreaterThan(0);
    expect(d.models.get('pci-bridge')?.properties?.get('mem-reserve')?.default).toBe(18446744073709551615n);
    expect(d.models.get('device')?.abstract).toBe(true);
    const text = stringifyStable(devicesDocument(q.target, d));
    expect(text).toContain('"default": 18446744073709551615');
    expect(text).toBe(readFileSync(join(projectRoot, 'schema', q.target, 'devices.json'), 'utf8'));
  }, 120_000);
});
