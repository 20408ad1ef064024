/**
 * Name recovery on real pairs (QEMU binary + QAPI source of the same version), on a mismatched pair
 * (10.0 binary + 7.2 source), and on small hand-made cases.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SchemaInfo } from '../../codegen/qapi/introspection.js';
import {
  loadQapiSource,
  parseQapiFile,
  recoverQapiNames,
  summarizeQapiNames,
  type QapiDefinition,
  type QapiNames,
  type QapiSource,
} from '../../codegen/qapi/index.js';
import { findQemu, type QemuVersion } from '../../scripts/qemus.js';
import { liveSchema } from './live-schema.js';

type Json = Record<string, unknown>;

const sources = new Map<QemuVersion, Promise<QapiSource>>();
const source = (v: QemuVersion): Promise<QapiSource> => {
  if (!sources.has(v)) sources.set(v, loadQapiSource(findQemu(v).qapiSource));
  return sources.get(v)!;
};

/** Source members of a struct/union (base chain first), written independently of the library. */
function sourceMembers(src: QapiSource, def: QapiDefinition): Map<string, { optional: boolean; conditional: boolean }> {
  const out = new Map<string, { optional: boolean; conditional: boolean }>();
  const add = (data: unknown): void => {
    for (const [k, v] of Object.entries((data ?? {}) as Json)) {
      const conditional = typeof v === 'object' && v !== null && !Array.isArray(v) && 'if' in v;
      out.set(k.replace(/^\*/, ''), { optional: k.startsWith('*'), conditional });
    }
  };
  const base = def.expr.base;
  if (typeof base === 'string') for (const [k, v] of sourceMembers(src, src.byName.get(base)!)) out.set(k, v);
  else add(base);
  if (def.kind === 'struct') add(def.expr.data);
  return out;
}

/**
 * Asserts that every name given is structurally consistent with the binary: same meta-type; objects have
 * exactly the source's (flattened) members minus conditional ones the binary lacks, with the same
 * optionality; enums the source's values minus conditional ones; unions the same tag.
 */
function assertConsistent(schema: readonly SchemaInfo[], src: QapiSource, names: QapiNames): void {
  const index = new Map(schema.map((e) => [e.name, e]));
  const seen = new Set<string>();
  for (const [masked, name] of names.typeNames) {
    expect(seen.has(name), `${name} given twice`).toBe(false);
    seen.add(name);
    const info = index.get(masked)!;
    const def = src.byName.get(name)!;
    expect(def, name).toBeDefined();
    const meta = info['meta-type'];
    if (def.kind === 'enum') {
      expect(meta, name).toBe('enum');
      if (info['meta-type'] !== 'enum') continue;
      const values = (def.expr.data as unknown[]).map((v) => (typeof v === 'string' ? { name: v, conditional: false } : { name: (v as Json).name as string, conditional: true }));
      expect(info.values.every((v) => values.some((s) => s.name === v)), name).toBe(true);
      expect(values.filter((s) => !s.conditional).every((s) => info.values.includes(s.name)), name).toBe(true);
    } else if (def.kind === 'struct' || def.kind === 'union') {
      expect(meta, name).toBe('object');
      if (info['meta-type'] !== 'object') continue;
      expect(Boolean(info.variants), name).toBe(def.kind === 'union');
      if (def.kind === 'union') expect(info.tag, name).toBe(def.expr.discriminator);
      const members = sourceMembers(src, def);
      const binary = new Map(info.members.map((m) => [m.name, 'default' in m]));
      const expected = [...members].filter(([k, v]) => !v.conditional || binary.has(k)).map(([k]) => k);
      expect([...binary.keys()].sort(), name).toEqual(expected.sort());
      for (const [k, optional] of binary) expect(optional, `${name}.${k} optional`).toBe(members.get(k)!.optional);
    } else {
      expect(def.kind, name).toBe('alternate');
      expect(meta, name).toBe('alternate');
    }
  }
}

/** Follows a path of member names from a masked type; `[]` steps into an array, `=case` into a variant. */
function typeAt(schema: readonly SchemaInfo[], start: string, ...steps: string[]): string {
  const index = new Map(schema.map((e) => [e.name, e]));
  let t = start;
  for (const s of steps) {
    const info = index.get(t)!;
    if (s === '[]' && info['meta-type'] === 'array') t = info['element-type'];
    else if (s.startsWith('=') && info['meta-type'] === 'object') t = info.variants!.find((v) => v.case === s.slice(1))!.type;
    else if (info['meta-type'] === 'object') t = info.members.find((m) => m.name === s)!.type;
    else throw new Error(`cannot step ${s} from ${t}`);
  }
  return t;
}

const command = (schema: readonly SchemaInfo[], name: string): { arg: string; ret: string } => {
  const c = schema.find((e) => e.name === name);
  if (c?.['meta-type'] !== 'command') throw new Error(`no command ${name}`);
  return { arg: c['arg-type'], ret: c['ret-type'] };
};

describe.each(['7.2', '10.0'] as const)('QEMU %s binary with its own QAPI source', (version) => {
  it('names every non-implicit type, with zero warnings, consistently', async () => {
    const [schema, src] = await Promise.all([liveSchema(version), source(version)]);
    const names = recoverQapiNames(schema, src);
    const summary = summarizeQapiNames(names);
    console.log(`QEMU ${version} + QAPI ${version}: ${summary.text}`);
    expect(names.warnings).toEqual([]);
    expect(Object.keys(summary.unnamed)).toEqual(['implicit']);
    // Implicit: one argument/data object per command/event with inline data, the empty object, every array.
    let inline = 0;
    for (const e of schema) {
      if (e['meta-type'] !== 'command' && e['meta-type'] !== 'event') continue;
      const data = src.byName.get(e.name)!.expr.data;
      if (typeof data === 'object' && !Array.isArray(data)) inline++;
    }
    const arrays = schema.filter((e) => e['meta-type'] === 'array').length;
    expect(summary.unnamed.implicit).toBe(inline + 1 + arrays);
    const types = schema.filter((e) => !['command', 'event', 'builtin'].includes(e['meta-type'])).length;
    expect(names.typeNames.size + names.unnamed.size).toBe(types);
    assertConsistent(schema, src, names);
  });

  it('gives the well-known types their QAPI names and docs', async () => {
    const [schema, src] = await Promise.all([liveSchema(version), source(version)]);
    const names = recoverQapiNames(schema, src);
    const nameOf = (t: string): string | undefined => names.typeNames.get(t);
    const status = command(schema, 'query-status');
    expect(nameOf(status.ret)).toBe('StatusInfo');
    expect(nameOf(typeAt(schema, status.ret, 'status'))).toBe('RunState');
    expect(names.unnamed.get(status.arg)).toBe('implicit');
    const add = command(schema, 'blockdev-add');
    expect(nameOf(add.arg)).toBe('BlockdevOptions');
    expect(nameOf(typeAt(schema, add.arg, '=file'))).toBe('BlockdevOptionsFile');
    expect(nameOf(typeAt(schema, add.arg, 'driver'))).toBe('BlockdevDriver');
    expect(nameOf(command(schema, 'query-version').ret)).toBe('VersionInfo');
    expect(nameOf(typeAt(schema, command(schema, 'query-version').ret, 'qemu'))).toBe('VersionTriple');
    const cpus = command(schema, 'query-cpus-fast').ret;
    expect(names.unnamed.get(cpus)).toBe('implicit');
    expect(nameOf(typeAt(schema, cpus, '[]'))).toBe('CpuInfoFast');
    expect(nameOf(typeAt(schema, command(schema, 'chardev-add').arg, 'backend'))).toBe('ChardevBackend');
    expect(nameOf(typeAt(schema, command(schema, 'query-qmp-schema').ret, '[]'))).toBe('SchemaInfo');

    expect(names.typeDocs.get('StatusInfo')?.members.status).toBe('the virtual machine @RunState');
    expect(names.typeDocs.get('RunState')?.members.running).toBe('guest is actively running');
    expect(names.commandDocs.get('query-status')?.since).toBe('0.14');
    expect(names.eventDocs.get('SHUTDOWN')?.members.guest).toMatch(/^If true, the shutdown was triggered by a guest request/);
    // Inherited member docs come with the type: BlockdevOptionsFile's own doc, BlockdevOptions' base members.
    expect(names.typeDocs.get('BlockdevOptionsFile')?.members.filename).toBe('path to the image file');
    expect(names.typeDocs.get('BlockdevOptions')?.members['node-name']).toMatch(/^the node name of the new node/);
    // A command whose arguments are a named type documents them through that type.
    expect(names.commandDocs.get('blockdev-add')?.members.driver).toBe('block driver name');
    for (const n of names.typeNames.values()) expect(names.typeDocs.has(n), n).toBe(true);
    // Orphans (listed by introspection, used by nothing: their user was compiled out) are named by
    // structure when exactly one unused source type fits.
    const compare = schema.find((e) => e['meta-type'] === 'enum' && e.values.join() === 'incompatible,identical,superset,subset')!;
    expect(schema.some((e) => JSON.stringify(e).includes(`"type":"${compare.name}"`))).toBe(false);
    expect(nameOf(compare.name)).toBe('CpuModelCompareResult');
  });
});

describe('QEMU 10.0 binary with the QEMU 7.2 QAPI source (mismatched versions)', () => {
  it('warns for every mismatch and never gives a wrong name', async () => {
    const [schema, src] = await Promise.all([liveSchema('10.0'), source('7.2')]);
    const names = recoverQapiNames(schema, src);
    console.log(`QEMU 10.0 + QAPI 7.2: ${summarizeQapiNames(names).text}`);
    assertConsistent(schema, src, names);
    const status = command(schema, 'query-status').ret;
    // 7.2's StatusInfo has `singlestep`, 10.0's does not: not named, warned.
    expect(names.typeNames.has(status)).toBe(false);
    expect(names.unnamed.get(status)).toBe('mismatch');
    expect(names.warnings).toContainEqual({
      path: 'command query-status/returns',
      message: "'StatusInfo': member 'singlestep' of the source is not in the binary",
    });
    // RunState did not change: still named through the mismatched StatusInfo.
    expect(names.typeNames.get(typeAt(schema, status, 'status'))).toBe('RunState');
    // Commands and events the 7.2 source lacks.
    expect(names.warnings).toContainEqual({ path: 'command blockdev-set-active', message: "the source has no command 'blockdev-set-active'" });
    expect(names.warnings).toContainEqual({ path: 'event VFIO_MIGRATION', message: "the source has no event 'VFIO_MIGRATION'" });
    // A struct that became a union.
    expect(names.warnings).toContainEqual({
      path: 'command query-block-jobs/returns[]',
      message: "'BlockJobInfo': the binary has a union object (tag 'type'), the source a struct",
    });
    // An enum that grew a value ('file' in 10.0's ImageInfoSpecificKind).
    const infoPath = ['[]', 'inserted', 'image', 'format-specific', 'type'];
    const kind = typeAt(schema, command(schema, 'query-block').ret, ...infoPath);
    expect(names.typeNames.has(kind)).toBe(false);
    expect(names.unnamed.get(kind)).toBe('mismatch');
    expect(names.warnings).toContainEqual({
      path: 'command query-block/returns[]/inserted/image/format-specific/type',
      message: "'ImageInfoSpecificKind': value 'file' of the binary is not in the source",
    });
    expect(names.warnings.length).toBeGreaterThan(50);
    // Still, unchanged types keep their names.
    expect(names.typeNames.get(command(schema, 'query-version').ret)).toBe('VersionInfo');
  });
});

describe('QEMU 7.2 binary with the QEMU 10.0 QAPI source (mismatched the other way)', () => {
  it('warns and never gives a wrong name', async () => {
    const [schema, src] = await Promise.all([liveSchema('7.2'), source('10.0')]);
    const names = recoverQapiNames(schema, src);
    console.log(`QEMU 7.2 + QAPI 10.0: ${summarizeQapiNames(names).text}`);
    assertConsistent(schema, src, names);
    expect(names.warnings).toContainEqual({
      path: 'command query-status/returns',
      message: "'StatusInfo': member 'singlestep' of the binary is not in the source",
    });
    expect(names.typeNames.get(command(schema, 'query-version').ret)).toBe('VersionInfo');
  });
});

describe('recovery on hand-made cases', () => {
  /** A source from QAPI text, without files. */
  function sourceOf(text: string): QapiSource {
    const definitions: QapiDefinition[] = [];
    for (const item of parseQapiFile(text, 'inline.json')) {
      if (item.kind !== 'expr') continue;
      const kind = (['command', 'event', 'struct', 'union', 'alternate', 'enum'] as const).find((k) => k in item.expr)!;
      definitions.push({ kind, name: item.expr[kind] as string, expr: item.expr, location: { file: 'inline.json', line: item.line } });
    }
    return { files: ['inline.json'], definitions, byName: new Map(definitions.map((d) => [d.name, d])) };
  }
  const builtins: SchemaInfo[] = [
    { name: 'str', 'meta-type': 'builtin', 'json-type': 'string' },
    { name: 'int', 'meta-type': 'builtin', 'json-type': 'int' },
    { name: 'bool', 'meta-type': 'builtin', 'json-type': 'boolean' },
  ];

  it('docs travel verbatim, hostile text included (*/, backquotes, ${)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qapi-hostile-'));
    try {
      writeFileSync(
        join(dir, 'qapi-schema.json'),
        [
          '##',
          '# @Evil:',
          '#',
          '# Closes */ a comment, `runs` ${code}.',
          '#',
          '# @x: member */ ${x} `y`',
          '##',
          "{ 'struct': 'Evil', 'data': { 'x': 'str' } }",
          '##',
          '# @evil:',
          '#',
          '# Returns: an */ evil ${thing}',
          '##',
          "{ 'command': 'evil', 'returns': 'Evil' }",
        ].join('\n'),
      );
      const src = await loadQapiSource(dir);
      const schema: SchemaInfo[] = [
        ...builtins,
        { name: 'evil', 'meta-type': 'command', 'arg-type': '0', 'ret-type': '1' },
        { name: '0', 'meta-type': 'object', members: [] },
        { name: '1', 'meta-type': 'object', members: [{ name: 'x', type: 'str' }] },
      ];
      const names = recoverQapiNames(schema, src);
      expect(names.typeNames.get('1')).toBe('Evil');
      expect(names.typeDocs.get('Evil')).toEqual({
        description: 'Closes */ a comment, `runs` ${code}.',
        members: { x: 'member */ ${x} `y`' },
        features: {},
      });
      expect(names.commandDocs.get('evil')?.returns).toBe('an */ evil ${thing}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a masked type reached under two QAPI names is a conflict; conditional values may be missing', () => {
    const src = sourceOf(`
      { 'enum': 'E', 'data': [ 'a', { 'name': 'b', 'if': 'X' } ] }
      { 'enum': 'F', 'data': [ 'a' ] }
      { 'struct': 'S', 'data': { 'e': 'E', 'f': 'F', '*n': 'uint8' } }
      { 'command': 'c', 'data': { 's': 'S' }, 'returns': ['S'] }`);
    const schema: SchemaInfo[] = [
      ...builtins,
      { name: 'c', 'meta-type': 'command', 'arg-type': '0', 'ret-type': '[1]' },
      { name: '0', 'meta-type': 'object', members: [{ name: 's', type: '1' }] },
      { name: '[1]', 'meta-type': 'array', 'element-type': '1' },
      { name: '1', 'meta-type': 'object', members: [{ name: 'e', type: '2' }, { name: 'f', type: '2' }, { name: 'n', type: 'int', default: null }] },
      { name: '2', 'meta-type': 'enum', values: ['a'] },
    ];
    const names = recoverQapiNames(schema, src);
    expect([...names.typeNames]).toEqual([['1', 'S']]);
    expect(Object.fromEntries(names.unnamed)).toEqual({ '0': 'implicit', '[1]': 'implicit', '2': 'conflict' });
    expect(names.warnings).toEqual([{ path: 'type 2', message: "reached as 'E' and 'F'" }]);
  });

  it('binary members the source lacks, optionality and builtin differences are mismatches', () => {
    const src = sourceOf(`
      { 'struct': 'A', 'data': { 'x': 'str' } }
      { 'struct': 'B', 'data': { 'x': 'str' } }
      { 'struct': 'C', 'data': { 'x': 'str' } }
      { 'struct': 'D', 'base': 'C', 'data': { '*y': { 'type': 'int', 'if': 'Y' } } }
      { 'event': 'EV', 'data': { 'a': 'A', 'b': 'B', 'c': 'C', 'd': 'D' } }`);
    const schema: SchemaInfo[] = [
      ...builtins,
      { name: 'EV', 'meta-type': 'event', 'arg-type': '0' },
      { name: '0', 'meta-type': 'object', members: [{ name: 'a', type: '1' }, { name: 'b', type: '2' }, { name: 'c', type: '3' }, { name: 'd', type: '4' }] },
      { name: '1', 'meta-type': 'object', members: [{ name: 'x', type: 'str' }, { name: 'extra', type: 'str' }] },
      { name: '2', 'meta-type': 'object', members: [{ name: 'x', type: 'str', default: null }] },
      { name: '3', 'meta-type': 'object', members: [{ name: 'x', type: 'int' }] },
      { name: '4', 'meta-type': 'object', members: [{ name: 'x', type: 'str' }] },
    ];
    const names = recoverQapiNames(schema, src);
    expect([...names.typeNames]).toEqual([['4', 'D']]);
    expect(Object.fromEntries(names.unnamed)).toEqual({ '0': 'implicit', '1': 'mismatch', '2': 'mismatch', '3': 'mismatch' });
    expect(names.warnings).toEqual([
      { path: 'event EV/data/a', message: "'A': member 'extra' of the binary is not in the source" },
      { path: 'event EV/data/b', message: "'B': member 'x' is optional in the binary, not in the source" },
      { path: 'event EV/data/c', message: "'C': member 'x': binary type is not builtin 'str', the source has 'str'" },
    ]);
  });

  it('unions: variants meet their branches, cases without a branch meet the empty object; alternates align by kind', () => {
    const src = sourceOf(`
      { 'enum': 'K', 'data': [ 'one', 'two', 'none' ] }
      { 'struct': 'One', 'data': { 'v': 'int' } }
      { 'struct': 'Two', 'data': { 'w': ['str'] } }
      { 'union': 'U', 'base': { 'kind': 'K', '*name': 'str' }, 'discriminator': 'kind',
        'data': { 'one': 'One', 'two': { 'type': 'Two', 'if': 'T' } } }
      { 'alternate': 'Alt', 'data': { 'u': 'U', 'k': 'K', 's': 'str' } }
      { 'command': 'u', 'data': 'U', 'boxed': true, 'returns': 'Alt' }`);
    const schema: SchemaInfo[] = [
      ...builtins,
      { name: 'u', 'meta-type': 'command', 'arg-type': '1', 'ret-type': '5' },
      { name: '0', 'meta-type': 'object', members: [] },
      { name: '1', 'meta-type': 'object', members: [{ name: 'kind', type: '2' }, { name: 'name', type: 'str', default: null }], tag: 'kind', variants: [{ case: 'one', type: '3' }, { case: 'none', type: '0' }] },
      { name: '2', 'meta-type': 'enum', values: ['one', 'none'] },
      { name: '3', 'meta-type': 'object', members: [{ name: 'v', type: 'int' }] },
      { name: '5', 'meta-type': 'alternate', members: [{ type: '1' }, { type: 'str' }] },
    ];
    const names = recoverQapiNames(schema, src);
    expect(names.warnings).toEqual([
      // The branch of 'two' is conditional, the enum value is not: the binary lacks it.
      { path: 'command u/arguments/kind', message: "'K': value 'two' of the source is not in the binary" },
      // The binary alternate has no enum alternative.
      { path: 'command u/returns', message: "'Alt': alternative 'k' of the source is not in the binary" },
    ]);
    expect(Object.fromEntries(names.typeNames)).toEqual({ '1': 'U', '3': 'One' });
    expect(Object.fromEntries(names.unnamed)).toEqual({ '0': 'implicit', '2': 'mismatch', '5': 'mismatch' });
  });
});
