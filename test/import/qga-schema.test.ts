/**
 * `qmp-codegen import --qga-source`: the guest agent's QAPI source → schema/qga-<version> (schema/FORMAT.md,
 * "Guest agent targets"), and the exact integer widths the QAPI source gives the QMP targets (issue 13).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCli } from '../../codegen/import/cli.js';
import { isImportError } from '../../codegen/import/errors.js';
import { importQga, parseQemuVersion } from '../../codegen/import/qga-import.js';
import { projectRoot, qemuVersions, qgaSourceDir, findQemuGa } from '../../scripts/qemus.js';
import { snapshot, withTempDir } from './helpers.js';

const committed = (target: string, file: string): string => readFileSync(join(projectRoot, 'schema', target, file), 'utf8');
const json = (target: string, file: string): { definitions: Record<string, Record<string, unknown>> } & Record<string, unknown> =>
  JSON.parse(committed(target, file)) as never;

/** The text of one definition as written (2-space indented inside `definitions`). */
function definitionText(text: string, name: string): string {
  const start = text.indexOf(`\n    ${JSON.stringify(name)}: {`);
  expect(start, name).toBeGreaterThan(0);
  return text.slice(start, text.indexOf('\n    }', start) + 6);
}

/** A minimal agent schema in a temp folder (with a `.version`), plus `extra` QAPI text. */
function miniSource(dir: string, extra: string, version = '1:10.0.2+ds-2'): string {
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(
    join(src, 'qapi-schema.json'),
    `##\n# @guest-sync-delimited:\n#\n# Echo.\n#\n# @id: an id\n#\n# Returns: the id\n#\n# Since: 1.1\n##\n{ 'command': 'guest-sync-delimited',\n  'data': { 'id': 'int' },\n  'returns': 'int' }\n${extra}`,
  );
  if (version !== '') writeFileSync(join(src, '.version'), `${version}\n`);
  return src;
}

async function importError(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(isImportError(e), String(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected an ImportError');
}

describe.each(qemuVersions)('schema/qga-%s', (version) => {
  const target = `qga-${version}`;

  it('is byte-identical to a fresh import of the agent QAPI source (npm run import is reproducible)', async () => {
    findQemuGa(version); // fails with the install hint when the sources are missing
    const r = await importQga({ qgaSource: qgaSourceDir(version) });
    expect(r.target).toBe(target);
    for (const [file, text] of r.files) expect(text, file).toBe(committed(target, file));
    expect([...r.files.keys()].sort()).toEqual(['commands.json', 'events.json', 'returns.json', 'target.json', 'types.json']);
  });

  it('target.json says the protocol is the guest agent, its version and where it came from', () => {
    const meta = JSON.parse(committed(target, 'target.json')) as Record<string, unknown>;
    // the version of the source: Debian's 7.2+dfsg has no micro (its agent says 7.2.22: Debian applies the stable patches)
    const [major, minor, micro] = version === '7.2' ? [7, 2, 0] : [10, 0, 2];
    expect(meta).toMatchObject({ target, protocol: 'qga', qemu: { major, minor, micro }, package: null, arch: null });
    expect((meta.importer as Record<string, unknown>).from).toBe('qapi-source');
    expect(((meta.importer as Record<string, unknown>).qapiSource as Record<string, unknown>).version).toBe(readFileSync(join(qgaSourceDir(version), '.version'), 'utf8').trim());
  });

  it('commands without a success response, docs, no events', () => {
    const commands = json(target, 'commands.json').definitions;
    for (const name of ['guest-shutdown', 'guest-suspend-disk', 'guest-suspend-ram', 'guest-suspend-hybrid']) {
      expect((commands[name]!['x-qmp'] as Record<string, unknown>).successResponse, name).toBe(false);
    }
    expect((commands['guest-ping']!['x-qmp'] as Record<string, unknown>).successResponse).toBeUndefined();
    expect(commands['guest-sync-delimited']!.description).toContain('sentinel byte (0xFF)');
    expect(json(target, 'events.json').definitions).toEqual({});
  });

  it('integers have their exact QAPI width, digit for digit', () => {
    const returns = committed(target, 'returns.json');
    expect(definitionText(returns, 'guest-get-time')).toContain('"minimum": -9223372036854775808,\n      "maximum": 9223372036854775807,\n      "x-qmp": {\n        "int": "int"');
    const types = committed(target, 'types.json');
    expect(definitionText(types, 'GuestFilesystemInfo')).toMatch(/"used-bytes": \{\n[^}]*"minimum": 0,\n\s*"maximum": 18446744073709551615,\n\s*"x-qmp": \{\n\s*"int": "uint64"/);
    // an alternate's integer alternative (guest-file-seek's whence)
    expect(definitionText(types, 'GuestFileWhence')).toMatch(/"type": "integer",\n\s*"minimum": -9223372036854775808,\n\s*"maximum": 9223372036854775807,\n\s*"x-qmp": \{\n\s*"int": "int"/);
    // no integer is left with the union range of introspection
    for (const file of ['types.json', 'commands.json', 'returns.json']) {
      const text = committed(target, file);
      const integers = text.match(/"type": "integer"/g)?.length ?? 0;
      expect(text.match(/"x-qmp": \{\n\s*"int": "/g)?.length ?? 0, file).toBe(integers);
    }
  });
});

describe("'if' conditions (evaluated for a Linux build)", () => {
  it('records the condition of what is kept and leaves out what a Linux build compiles out', () => {
    const commands = json('qga-10.0', 'commands.json').definitions;
    expect((commands['guest-get-load']!['x-qmp'] as Record<string, unknown>).if).toBe('CONFIG_GETLOADAVG');
    expect((commands['guest-fsfreeze-freeze']!['x-qmp'] as Record<string, unknown>).if).toEqual({ any: ['CONFIG_WIN32', 'CONFIG_FSFREEZE'] });
    expect(commands['guest-get-devices']).toBeUndefined(); // 10.0: CONFIG_WIN32 only
    expect(json('qga-7.2', 'commands.json').definitions['guest-get-devices']).toBeDefined(); // 7.2: no condition
    const types = json('qga-10.0', 'types.json').definitions;
    expect(types.GuestDeviceType).toBeUndefined();
    expect((types.GuestLoadAverage!['x-qmp'] as Record<string, unknown>).if).toBe('CONFIG_GETLOADAVG');
    const values = (types.GuestExecCaptureOutputMode!['x-qmp'] as { values: Record<string, Record<string, unknown>> }).values;
    expect(values.merged!.if).toEqual({ not: 'CONFIG_WIN32' });
  });
});

describe('exact integer widths of the QMP targets (from the QAPI source of the same version)', () => {
  it.each(['qemu-7.2-x86_64', 'qemu-10.0-x86_64'])('%s: every integer the files hold has its width (x-qmp.int right after its bounds)', (target) => {
    for (const file of ['types.json', 'commands.json', 'returns.json', 'events.json']) {
      const text = committed(target, file);
      const integers = text.match(/"type": "integer"/g)?.length ?? 0;
      expect(text.match(/"maximum": -?\d+,\n\s*"x-qmp": \{\n\s*"int": "/g)?.length ?? 0, file).toBe(integers);
    }
  });

  it('narrows members to their QAPI type and records it in x-qmp.int', () => {
    const types = json('qemu-10.0-x86_64', 'types.json').definitions;
    const prop = (t: string, p: string) => (types[t]!.properties as Record<string, Record<string, unknown>>)[p]!;
    expect(prop('MigrationParameters', 'throttle-trigger-threshold')).toMatchObject({ minimum: 0, maximum: 255, 'x-qmp': { int: 'uint8' } });
    expect(prop('StatsSchemaValue', 'base')).toMatchObject({ minimum: -128, maximum: 127, 'x-qmp': { int: 'int8' } });
    expect(prop('BlockdevOptionsBlkdebug', 'max-transfer')).toMatchObject({ minimum: -2147483648, maximum: 2147483647, 'x-qmp': { int: 'int32' } });
    expect(prop('BlockExportOptionsVduseBlk', 'num-queues')).toMatchObject({ minimum: 0, maximum: 65535, 'x-qmp': { int: 'uint16' } });
    const text = committed('qemu-10.0-x86_64', 'commands.json');
    expect(definitionText(text, 'block_resize')).toMatch(/"size": \{\n[^}]*"maximum": 9223372036854775807,\n\s*"x-qmp": \{\n\s*"int": "int"/);
    expect(definitionText(committed('qemu-10.0-x86_64', 'types.json'), 'BackupPerf')).toMatch(/"min-cluster-size": \{\n[^}]*"minimum": 0,\n\s*"maximum": 18446744073709551615,\n\s*"x-qmp": \{\n\s*"int": "size"/);
  });
});

describe('bad input: an ImportError naming the file and entry, nothing written', () => {
  it('a missing path, a folder without the schema, a QMP schema instead of the agent one', async () => {
    await withTempDir(async (dir) => {
      const missing = join(dir, 'nope');
      expect((await importError(importQga({ qgaSource: missing }))).message).toContain(missing);
      expect((await importError(importQga({ qgaSource: dir }))).message).toContain('no qapi-schema.json');
      const qmp = join(projectRoot, '.cache', 'qapi-10.0');
      expect((await importError(importQga({ qgaSource: qmp }))).message).toMatch(/not the guest agent's QAPI schema/);
    });
  });

  it('malformed QAPI text, an unknown type, an unknown condition symbol: named, and the out folder untouched', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'out');
      const cases: [string, RegExp][] = [
        [`{ 'command': 'broken', 'data': { 'x': 'str' }\n`, /qapi-schema\.json/],
        [`{ 'command': 'guest-x',\n  'returns': 'NoSuchType' }\n`, /qapi-schema\.json:15 "guest-x" \(command\).*unknown type "NoSuchType"/],
        [`{ 'command': 'guest-y', 'if': 'CONFIG_MARS' }\n`, /"guest-y" \(command\).*unknown condition symbol "CONFIG_MARS"/],
        [`{ 'struct': 'S', 'data': { 'a': { 'type': 'int', 'if': { 'all': [] } } } }\n{ 'command': 'guest-z', 'data': 'S' }\n`, /"S" \(struct\) member "a".*malformed condition/],
      ];
      for (const [i, [extra, message]] of cases.entries()) {
        const src = miniSource(join(dir, `case${i}`), extra);
        expect((await importError(importQga({ qgaSource: src, outDir: out }))).message).toMatch(message);
        expect(existsSync(out)).toBe(false);
      }
      // an existing target stays as it was
      const good = miniSource(join(dir, 'good'), '');
      await importQga({ qgaSource: good, outDir: out });
      const before = snapshot(out);
      const bad = miniSource(join(dir, 'bad'), `{ 'command': 'guest-x', 'returns': 'Nope' }\n`);
      await importError(importQga({ qgaSource: bad, outDir: out }));
      expect(snapshot(out)).toEqual(before);
    });
  });

  it('without a version, the target name must be given', async () => {
    await withTempDir(async (dir) => {
      const src = miniSource(dir, '', '');
      expect((await importError(importQga({ qgaSource: src }))).message).toContain('give a target name');
      const r = await importQga({ qgaSource: src, targetName: 'qga-mine' });
      expect(r.meta).toMatchObject({ target: 'qga-mine', protocol: 'qga', qemu: null });
    });
  });
});

describe('sources and the command line', () => {
  it('a QEMU source tarball gives the same schemas as the extracted folder', async () => {
    await withTempDir(async (dir) => {
      const top = join(dir, 'qemu-10.0.2');
      mkdirSync(join(top, 'qga'), { recursive: true });
      cpSync(join(qgaSourceDir('10.0'), 'qapi-schema.json'), join(top, 'qga', 'qapi-schema.json'));
      writeFileSync(join(top, 'VERSION'), '10.0.2\n');
      const tarball = join(dir, 'qemu_10.0.2.orig.tar.xz');
      execFileSync('tar', ['-cJf', tarball, '-C', dir, 'qemu-10.0.2']);
      const r = await importQga({ qgaSource: tarball });
      expect(r.target).toBe('qga-10.0');
      for (const file of ['commands.json', 'events.json', 'returns.json', 'types.json']) expect(r.files.get(file), file).toBe(committed('qga-10.0', file));
      // a source tree (qga/qapi-schema.json below the folder, VERSION beside qga/) works too
      expect((await importQga({ qgaSource: top })).files.get('types.json')).toBe(committed('qga-10.0', 'types.json'));
    });
  });

  it('qmp-codegen import --qga-source … --out … writes the target and prints the summary', async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, 'qga');
      const logs: string[] = [];
      const log = console.log;
      console.log = (s: string) => logs.push(s);
      let code: number;
      try {
        code = await importCli(['--qga-source', qgaSourceDir('7.2'), '--out', out]);
      } finally {
        console.log = log;
      }
      expect(code).toBe(0);
      expect(logs[0]).toMatch(/^qga-7\.2 \(from qapi-source\): 42 commands, 0 events, 43 types/);
      expect(logs.join('\n')).toMatch(/integer widths from the source: .*uint64 92/);
      expect(snapshot(out)['types.json']).toBe(committed('qga-7.2', 'types.json'));
      const err = console.error;
      console.error = () => {};
      try {
        expect(await importCli(['--qga-source', qgaSourceDir('7.2'), '--qapi-source', qgaSourceDir('7.2')])).toBe(2);
        expect(await importCli(['--qga-source', qgaSourceDir('7.2'), '--file', 'x.json'])).toBe(2);
      } finally {
        console.error = err;
      }
    });
  });

  it('parses Debian and QEMU version strings', () => {
    expect(parseQemuVersion('1:10.0.2+ds-2+deb13u1~bpo12+1')).toEqual({ major: 10, minor: 0, micro: 2 });
    expect(parseQemuVersion('1:7.2+dfsg-7+deb12u18')).toEqual({ major: 7, minor: 2, micro: 0 });
    expect(parseQemuVersion('10.0.2\n')).toEqual({ major: 10, minor: 0, micro: 2 });
    expect(parseQemuVersion('garbage')).toBeUndefined();
  });
});

describe('QAPI → JSON Schema for the agent (a small source exercising every construct)', () => {
  const extra = `
##
# @Kind:
#
# @a: the a
#
# @b: the b
#
# @w: Windows only
#
# Since: 1.0
##
{ 'enum': 'Kind', 'data': [ 'a', { 'name': 'b', 'features': [ 'deprecated' ] }, { 'name': 'w', 'if': 'CONFIG_WIN32' } ] }

##
# @Base:
#
# @kind: which
#
# @n: a count
##
{ 'struct': 'Base', 'data': { 'kind': 'Kind', '*n': 'uint16' } }

##
# @BranchA:
#
# @sizes: sizes
#
# @win: compiled out
##
{ 'struct': 'BranchA', 'data': { 'sizes': [ 'size' ], '*win': { 'type': 'int8', 'if': 'CONFIG_WIN32' }, '*lin': { 'type': 'int8', 'if': 'CONFIG_LINUX' } } }

##
# @U:
#
# A union.
##
{ 'union': 'U', 'base': 'Base', 'discriminator': 'kind', 'data': { 'a': { 'type': 'BranchA', 'if': 'CONFIG_POSIX' }, 'w': { 'type': 'BranchA', 'if': 'CONFIG_WIN32' } } }

##
# @Alt:
#
# @i: an int32
#
# @s: a string
##
{ 'alternate': 'Alt', 'data': { 'i': 'int32', 's': 'str' } }

##
# @guest-mini:
#
# Does nothing.
#
# @u: the union
#
# @alt: the alternate
#
# Since: 9.9
##
{ 'command': 'guest-mini', 'data': { 'u': 'U', '*alt': 'Alt' }, 'returns': [ 'uint32' ],
  'features': [ 'unstable' ], 'allow-oob': true, 'if': { 'all': [ 'CONFIG_POSIX', { 'not': 'CONFIG_WIN32' } ] } }

##
# @guest-off:
#
# Windows only.
##
{ 'command': 'guest-off', 'if': 'CONFIG_WIN32', 'returns': 'NotDefinedAnywhere' }
`;

  it('maps structs, unions, alternates, enums, lists, optional members, features, conditions and widths', async () => {
    await withTempDir(async (dir) => {
      const r = await importQga({ qgaSource: miniSource(dir, extra) });
      const d = (file: string) => r.documents[file]!.definitions as Record<string, Record<string, unknown>>;
      expect(Object.keys(d('commands.json'))).toEqual(['guest-mini', 'guest-sync-delimited']); // guest-off compiled out (its bad type never read)
      const mini = d('commands.json')['guest-mini']!;
      expect(mini).toMatchObject({
        title: 'GuestMiniArguments',
        description: 'Does nothing.',
        type: 'object',
        properties: { u: { description: 'the union', $ref: 'types.json#/definitions/U' }, alt: { $ref: 'types.json#/definitions/Alt' } },
        required: ['u'],
        additionalProperties: false,
        'x-qmp': { if: { all: ['CONFIG_POSIX', { not: 'CONFIG_WIN32' }] }, features: ['unstable'], since: '9.9', allowOob: true },
      });
      expect(d('returns.json')['guest-mini']).toEqual({ type: 'array', items: { type: 'integer', minimum: 0, maximum: 4294967295, 'x-qmp': { int: 'uint32' } } });
      const types = d('types.json');
      // Base is flattened into U and used nowhere else: like QEMU's introspection, no type of its own
      expect(Object.keys(types)).toEqual(['Alt', 'BranchA', 'Kind', 'U']);
      expect(types.Kind).toMatchObject({ type: 'string', enum: ['a', 'b'], 'x-qmp': { qapiName: true, since: '1.0', values: { a: { description: 'the a' }, b: { description: 'the b', features: ['deprecated'] } } } });
      expect(types.Alt).toMatchObject({ anyOf: [{ type: 'integer', minimum: -2147483648, maximum: 2147483647, 'x-qmp': { int: 'int32' } }, { type: 'string' }] });
      const u = types.U as { discriminator: unknown; oneOf: Record<string, unknown>[]; 'x-qmp': unknown };
      expect(u.discriminator).toEqual({ propertyName: 'kind' });
      expect(u['x-qmp']).toMatchObject({ qapiName: true, tagEnum: 'Kind' });
      expect(u.oneOf).toHaveLength(2);
      expect(u.oneOf[0]).toMatchObject({
        properties: {
          kind: { const: 'a' },
          n: { type: 'integer', minimum: 0, maximum: 65535, 'x-qmp': { int: 'uint16' } },
          sizes: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 18446744073709551615n, 'x-qmp': { int: 'size' } } },
          lin: { type: 'integer', minimum: -128, maximum: 127, 'x-qmp': { int: 'int8', if: 'CONFIG_LINUX' } },
        },
        required: ['kind', 'sizes'],
        'x-qmp': { variant: 'BranchA', if: 'CONFIG_POSIX' },
      });
      expect(Object.keys(u.oneOf[0]!.properties as object)).toEqual(['kind', 'n', 'sizes', 'lin']); // 'win' compiled out
      expect(u.oneOf[1]).toMatchObject({ properties: { kind: { const: 'b' } }, required: ['kind'], additionalProperties: false });
      expect(r.files.get('types.json')).toContain('"maximum": 18446744073709551615,');
    });
  });
});

describe('evaluateCondition (a Linux build)', () => {
  it('symbols, all/any/not, and errors naming an unknown symbol or a malformed condition', async () => {
    const { evaluateCondition } = await import('../../codegen/import/qga-conditions.js');
    expect(evaluateCondition('CONFIG_LINUX')).toBe(true);
    expect(evaluateCondition('CONFIG_WIN32')).toBe(false);
    expect(evaluateCondition({ any: ['CONFIG_WIN32', 'CONFIG_FSFREEZE'] })).toBe(true);
    expect(evaluateCondition({ all: ['CONFIG_POSIX', 'CONFIG_WIN32'] })).toBe(false);
    expect(evaluateCondition({ not: { any: ['CONFIG_WIN32', 'CONFIG_BSD'] } })).toBe(true);
    expect(() => evaluateCondition('CONFIG_MARS')).toThrow(/unknown condition symbol "CONFIG_MARS"/);
    expect(() => evaluateCondition({ any: [] })).toThrow(/malformed condition/);
    expect(() => evaluateCondition({ all: ['CONFIG_LINUX'], any: ['CONFIG_LINUX'] })).toThrow(/malformed condition/);
    expect(() => evaluateCondition(['CONFIG_LINUX'])).toThrow(/malformed condition/);
  });
});
