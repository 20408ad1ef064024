/**
 * Bad introspection: each gives an ImportError naming the entry, and writes nothing (an existing
 * target folder is left untouched, a missing one is not created, no temp sibling remains).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTarget, importTarget, isImportError } from '../../codegen/import/index.js';
import { builtins, fetched, snapshot, withTempDir } from './helpers.js';

const cmd = (name: string, arg: string, ret = '0') => ({ name, 'meta-type': 'command', 'arg-type': arg, 'ret-type': ret });
const empty = { name: '0', 'meta-type': 'object', members: [] };

const cases: [string, unknown, RegExp][] = [
  ['not an array', { schema: 'nope' }, /introspection must be an array of entries/],
  ['a reply whose return is not an array', { return: { a: 1 } }, /must be an array of entries.*got object/],
  ['an entry without meta-type', [...builtins, empty, { name: 'query-x', 'arg-type': '0', 'ret-type': '0' }], /introspection entry #7 "query-x": entry has no "meta-type"/],
  ['an unknown meta-type', [...builtins, empty, { name: '5', 'meta-type': 'struct', members: [] }], /entry #7 "5" \(struct\): unknown "meta-type" "struct"/],
  ['an undefined type', [...builtins, empty, cmd('query-x', '0', '1'), { name: '1', 'meta-type': 'object', members: [{ name: 'a', type: '99' }] }], /entry #8 "1" \(object\): member "a" refers to undefined type "99"/],
  ['an undefined arg-type', [...builtins, empty, cmd('query-y', '42')], /entry #7 "query-y" \(command\): "arg-type" refers to undefined type "42"/],
  ['a member without type', [...builtins, empty, { name: '1', 'meta-type': 'object', members: [{ name: 'a' }] }], /entry #7 "1" \(object\): member "a": "type" must be a string/],
  ['a duplicate type name', [...builtins, empty, { ...empty }], /entry #7 "0" \(object\): duplicate type name \(also entry #6\)/],
  ['an array that is its own element', [...builtins, empty, cmd('c', '0', '[x]'), { name: '[x]', 'meta-type': 'array', 'element-type': '[x]' }], /entry #8 "\[x\]" \(array\): cycle that JSON Schema cannot express: an array that is its own element/],
  [
    'an alternate containing itself',
    [...builtins, empty, cmd('c', '0', '3'), { name: '3', 'meta-type': 'alternate', members: [{ type: 'int' }, { type: '3' }] }],
    /entry #8 "3" \(alternate\): cycle that JSON Schema cannot express: an alternate that contains itself directly \(through alternates only\) \(3 → 3\)/,
  ],
  [
    'a union that is its own variant',
    [
      ...builtins,
      empty,
      cmd('c', '4'),
      { name: '5', 'meta-type': 'enum', values: ['a'] },
      { name: '4', 'meta-type': 'object', members: [{ name: 't', type: '5' }], tag: 't', variants: [{ case: 'a', type: '4' }] },
    ],
    /entry #9 "4" \(object\): cycle that JSON Schema cannot express: a union that is its own variant/,
  ],
  [
    'a tag that is not an enum',
    [...builtins, empty, cmd('c', '4'), { name: '4', 'meta-type': 'object', members: [{ name: 't', type: 'str' }], tag: 't', variants: [] }],
    /entry #8 "4" \(object\): tag "t" is not of an enum type/,
  ],
];

describe('bad introspection', () => {
  it.each(cases)('%s: clear error naming the entry, nothing written', async (_what, input, message) => {
    await withTempDir(async (tmp) => {
      const file = join(tmp, 'in.json');
      writeFileSync(file, JSON.stringify(input));
      const outs = join(tmp, 'schema');
      mkdirSync(outs);
      const existing = join(outs, 'existing');
      mkdirSync(existing);
      // a previous import output (a foreign file there would be refused before the introspection is read)
      writeFileSync(join(existing, 'types.json'), '{"$id": "https://qmp-sdk.invalid/schema/t/types.json", "definitions": {}}\n');
      const before = snapshot(outs);
      for (const outDir of [existing, join(outs, 'fresh')]) {
        const err = await importTarget({ source: { file }, outDir, targetName: 't' }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isImportError(err), String(err)).toBe(true);
        expect((err as Error).message).toMatch(message);
      }
      expect(snapshot(outs)).toEqual(before);
      expect(readdirSync(outs)).toEqual(['existing']);
      expect(existsSync(join(outs, 'fresh'))).toBe(false);
    });
  });

  it('legal recursion (a struct holding a list of itself, an alternate holding a list of itself) imports', async () => {
    const r = await buildTarget(
      fetched([
        ...builtins,
        empty,
        cmd('c', '0', '1'),
        { name: '1', 'meta-type': 'object', members: [{ name: 'kids', type: '[1]' }, { name: 'alt', type: '2', default: null }] },
        { name: '[1]', 'meta-type': 'array', 'element-type': '1' },
        { name: '2', 'meta-type': 'alternate', members: [{ type: 'str' }, { type: '[2]' }] },
        { name: '[2]', 'meta-type': 'array', 'element-type': '2' },
      ]),
      { targetName: 't' },
    );
    const types = JSON.parse(r.files.get('types.json') ?? '') as { definitions: Record<string, { anyOf?: unknown }> };
    expect(types.definitions.CResultAlt?.anyOf).toEqual([{ type: 'string' }, { type: 'array', items: { $ref: '#/definitions/CResultAlt' } }]);
  });

  it('a file that is not JSON, or missing, names the file', async () => {
    await withTempDir(async (tmp) => {
      const file = join(tmp, 'bad.json');
      writeFileSync(file, '[{');
      await expect(importTarget({ source: { file } })).rejects.toThrow(`${file}: not JSON`);
      await expect(importTarget({ source: { file: join(tmp, 'missing.json') } })).rejects.toThrow(/missing\.json: cannot read/);
    });
  });

  it('a bare array without version needs a target name', async () => {
    await withTempDir(async (tmp) => {
      const file = join(tmp, 'in.json');
      writeFileSync(file, JSON.stringify([...builtins, empty, cmd('c', '0')]));
      await expect(importTarget({ source: { file } })).rejects.toThrow(/give a target name/);
      const r = await importTarget({ source: { file }, targetName: 'mine', outDir: join(tmp, 'out') });
      expect(r.meta).toMatchObject({ target: 'mine', qemu: null, package: null, arch: null });
      expect(readdirSync(join(tmp, 'out')).sort()).toEqual(['commands.json', 'events.json', 'returns.json', 'target.json', 'types.json']);
    });
  });

  it('names that collide after PascalCase get a deterministic fallback, not a number', async () => {
    const r = await buildTarget(
      fetched([
        ...builtins,
        empty,
        cmd('foo-data', '0', '1'),
        { name: '1', 'meta-type': 'object', members: [{ name: 'x', type: 'int' }] },
        { name: 'FOO', 'meta-type': 'event', 'arg-type': '2' },
        { name: '2', 'meta-type': 'object', members: [{ name: 'result', type: '3' }] },
        { name: '3', 'meta-type': 'object', members: [{ name: 'y', type: 'int' }] },
      ]),
      { targetName: 't' },
    );
    const types = JSON.parse(r.files.get('types.json') ?? '') as { definitions: Record<string, unknown> };
    expect(Object.keys(types.definitions)).toEqual(['FooDataResult', 'FooData_Result']);
    expect(r.summary.warnings).toEqual(['event FOO/data/result: path-derived name FooDataResult is taken; using FooData_Result']);
  });
});
