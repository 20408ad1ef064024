/** QAPI JSON dialect, includes, tarball input and syntax errors of the QAPI source reader. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  QapiSourceError,
  QapiSyntaxError,
  isQapiSourceError,
  isQapiSyntaxError,
  loadQapiSource,
  parseQapiFile,
} from '../../codegen/qapi/index.js';

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

/** Writes `files` (path → text) into a new temp folder and returns it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'qapi-test-'));
  temps.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

const dialect = `# -*- Mode: Python -*-
# a plain comment
{ 'pragma': { 'doc-required': true } }

##
# = A free-form section
#
# Not attached to anything.
##

##
# @Color:
#
# A color.
#
# @red: warm
#
# @blue: cold
##
{ 'enum': 'Color', 'data': [ 'red', { 'name': 'blue', 'if': 'CONFIG_BLUE' } ] }

##
# @Base:
#
# @id: identifier
##
{ 'struct': 'Base', 'data': { 'id': 'str' } }

##
# @Thing:
#
# A thing.
#
# @color: its color
#
# @tags: its tags
#
# @x: conditional  # not a comment inside a doc
#
# Features:
#
# @deprecated: Use @Other.
#
# Since: 1.0
##
{ 'struct': 'Thing', 'base': 'Base',   # a comment inside an expression
  'data': { 'color': 'Color', '*tags': ['str'],
            'x': { 'type': 'int', 'if': { 'all': [ 'CONFIG_A', 'CONFIG_B' ] } } },
  'features': [ 'deprecated', { 'name': 'unstable', 'if': 'CONFIG_X' } ] }

{ 'union': 'Shape', 'base': { 'kind': 'Color' }, 'discriminator': 'kind',
  'data': { 'red': 'Thing', 'blue': { 'type': 'Base', 'if': 'CONFIG_BLUE' } } }
{ 'alternate': 'ThingOrName', 'data': { 'thing': 'Thing', 'name': 'str' } }
{ 'command': 'make-thing', 'data': 'Thing', 'boxed': true, 'returns': ['Thing'],
  'allow-oob': true }
{ 'command': 'with-args', 'data': { 'a': 'str', '*b': 'bool' } }
{ 'event': 'THING_MADE', 'data': { 'path': 'str' } }
{ 'struct': 'Escapes', 'data': { 'back\\\\slash': 'str', 'proto': 'str', '__proto__': 'str' } }
`;

describe('QAPI dialect', () => {
  it('reads every construct of the dialect and attaches docs to definitions', async () => {
    const root = tree({ 'qapi-schema.json': dialect });
    const src = await loadQapiSource(root);
    expect(src.files).toEqual(['qapi-schema.json']);
    expect(src.definitions.map((d) => `${d.kind} ${d.name}`)).toEqual([
      'enum Color',
      'struct Base',
      'struct Thing',
      'union Shape',
      'alternate ThingOrName',
      'command make-thing',
      'command with-args',
      'event THING_MADE',
      'struct Escapes',
    ]);
    const thing = src.byName.get('Thing')!;
    expect(thing.location).toEqual({ file: 'qapi-schema.json', line: 46 });
    expect(thing.expr).toEqual({
      struct: 'Thing',
      base: 'Base',
      data: { color: 'Color', '*tags': ['str'], x: { type: 'int', if: { all: ['CONFIG_A', 'CONFIG_B'] } } },
      features: ['deprecated', { name: 'unstable', if: 'CONFIG_X' }],
    });
    expect(thing.doc).toEqual({
      description: 'A thing.',
      members: { color: 'its color', tags: 'its tags', x: 'conditional  # not a comment inside a doc' },
      features: { deprecated: 'Use @Other.' },
      since: '1.0',
      deprecated: 'Use @Other.',
    });
    expect(src.byName.get('Color')!.expr.data).toEqual(['red', { name: 'blue', if: 'CONFIG_BLUE' }]);
    expect(src.byName.get('Color')!.doc?.members).toEqual({ red: 'warm', blue: 'cold' });
    expect(src.byName.get('make-thing')!.expr).toMatchObject({ boxed: true, 'allow-oob': true, returns: ['Thing'] });
    expect(src.byName.get('Shape')!.expr).toMatchObject({ base: { kind: 'Color' }, discriminator: 'kind' });
    expect(src.byName.get('Shape')!.doc).toBeUndefined();
    const escapes = src.byName.get('Escapes')!.expr.data as Record<string, unknown>;
    expect(Object.keys(escapes)).toEqual(['back\\slash', 'proto', '__proto__']);
    expect(Object.getPrototypeOf(escapes)).toBe(Object.prototype);
  });

  it('accepts the file itself as input, and true/false values', async () => {
    const root = tree({ 'main.json': "{ 'command': 'c', 'allow-preconfig': true, 'coroutine': false }" });
    const src = await loadQapiSource(join(root, 'main.json'));
    expect(src.byName.get('c')!.expr).toEqual({ command: 'c', 'allow-preconfig': true, coroutine: false });
  });

  it('includes relative to the including file, each file once, in include order', async () => {
    const root = tree({
      'qapi-schema.json': "{ 'include': 'sub/a.json' }\n{ 'include': 'b.json' }\n{ 'include': 'sub/a.json' }\n{ 'enum': 'Main', 'data': [] }",
      'sub/a.json': "{ 'include': '../b.json' }\n{ 'include': 'c.json' }\n{ 'enum': 'A', 'data': [] }",
      'sub/c.json': "{ 'enum': 'C', 'data': [] }",
      'b.json': "{ 'enum': 'B', 'data': [] }",
    });
    const src = await loadQapiSource(root);
    expect(src.files).toEqual(['qapi-schema.json', 'sub/a.json', 'b.json', 'sub/c.json']);
    expect(src.definitions.map((d) => d.name)).toEqual(['B', 'C', 'A', 'Main']);
    expect(src.byName.get('C')!.location).toEqual({ file: 'sub/c.json', line: 1 });
  });

  it('reports an include cycle, a missing include and a duplicate definition with file and line', async () => {
    const cycle = tree({
      'qapi-schema.json': "{ 'include': 'a.json' }",
      'a.json': "{ 'enum': 'A', 'data': [] }\n{ 'include': 'qapi-schema.json' }",
    });
    const e1 = await rejection(loadQapiSource(cycle));
    expect(e1).toBeInstanceOf(QapiSyntaxError);
    expect(e1).toMatchObject({ file: join(cycle, 'a.json'), line: 2, reason: 'inclusion loop for qapi-schema.json' });

    const missing = tree({ 'qapi-schema.json': "\n\n  { 'include': 'nope.json' }" });
    const e2 = await rejection(loadQapiSource(missing));
    expect(isQapiSyntaxError(e2)).toBe(true);
    expect((e2 as Error).message).toBe(`${join(missing, 'qapi-schema.json')}:3:3: can't read include file 'nope.json'`);

    const dup = tree({ 'qapi-schema.json': "{ 'enum': 'A', 'data': [] }\n{ 'struct': 'A', 'data': {} }" });
    expect(await rejection(loadQapiSource(dup))).toMatchObject({ line: 2, reason: "'A' is already defined" });
  });

  it.each([
    ["{ 'enum': 'A', 'data': [] }\n{ 'enum': 'B' 'data': [] }", 2, 15, "expected ',' or '}', got 'data'"],
    ["{ 'enum': 'A',\n  'data': [ \"x\" ] }", 2, 13, `stray '"'`],
    ["{ 'enum': 'A',\n  'data': [ 'x ] }", 2, 13, `missing terminating "'"`],
    ["{ 'enum': 'A', 'data': [ 'x', ] }", 1, 31, "expected value, got ']'"],
    ["{ 'enum': 'A', 'enum': 'B' }", 1, 16, "duplicate key 'enum'"],
    ["{ 'enum': 'A', 'data': [ 'a\\n' ] }", 1, 29, 'unknown escape \\n'],
    ["{ 'enum': 'A', 'data': [] }\n\n['x']", 3, 1, "expected '{'"],
    ["{ 'enum': 'A', 'data': [ 1 ] }", 1, 26, "stray '1'"],
    ["{ 'enum': 'A', 'data': []", 1, 26, "expected ',' or '}', got end of file"],
    ['##\n# @A:\n#\n{ }', 1, 1, "documentation comment must end with '##'"],
    ['##\n# @A:\n#bad\n##', 3, 1, 'missing space after #'],
    ['## junk\n##', 1, 1, "junk after '##' at start of documentation comment"],
    ["{ 'data': [] }", 1, 1, 'expression is missing metatype'],
  ])('syntax error in %j → line %i column %i', async (text, line, column, reason) => {
    const root = tree({ 'qapi-schema.json': text });
    const e = await rejection(loadQapiSource(root));
    expect(e).toBeInstanceOf(QapiSyntaxError);
    const file = join(root, 'qapi-schema.json');
    expect(e).toMatchObject({ name: 'QapiSyntaxError', file, line, column, reason });
    expect((e as Error).message).toBe(`${file}:${line}:${column}: ${reason}`);
  });

  it('names the included file where the syntax error is', async () => {
    const root = tree({ 'qapi-schema.json': "{ 'include': 'x.json' }", 'x.json': "# ok\n{ 'enum': 'A' 'data': [ 'a' ] }\n" });
    const e = await rejection(loadQapiSource(root));
    expect(e).toMatchObject({ file: join(root, 'x.json'), line: 2 });
  });

  it('parseQapiFile keeps items in source order (docs and expressions)', () => {
    const items = parseQapiFile("##\n# @A:\n##\n{ 'enum': 'A', 'data': [] }", 'mem.json');
    expect(items).toEqual([
      { kind: 'doc', lines: ['@A:'], line: 1 },
      { kind: 'expr', expr: { enum: 'A', data: [] }, line: 4, column: 1 },
    ]);
  });

  it('a missing path or a folder without qapi-schema.json is a QapiSourceError', async () => {
    const e1 = await rejection(loadQapiSource('/nonexistent/qapi'));
    expect(e1).toBeInstanceOf(QapiSourceError);
    expect(isQapiSourceError(e1)).toBe(true);
    const empty = tree({ 'readme.txt': 'x' });
    expect((await rejection(loadQapiSource(empty))) as Error).toMatchObject({ name: 'QapiSourceError', path: empty });
  });
});

describe('source tarball', () => {
  const qmpTemps = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('qmp-qapi-'));

  it('extracts only */qapi/*.json with tar, reads it, and removes its temp folder', async () => {
    const root = tree({
      'qemu-9.9.9/qapi/qapi-schema.json': "##\n# @A:\n#\n# The A.\n##\n{ 'enum': 'A', 'data': [ 'x' ] }\n{ 'include': 'b.json' }",
      'qemu-9.9.9/qapi/b.json': "{ 'struct': 'B', 'data': { 'a': 'A' } }",
      'qemu-9.9.9/qga/qapi-schema.json': "{ 'enum': 'Guest', 'data': [] }",
      'qemu-9.9.9/tests/qapi-schema/bad.json': '{ bad',
      'qemu-9.9.9/README': 'not json',
    });
    const before = qmpTemps();
    for (const [ext, flag] of [
      ['tar.gz', '-z'],
      ['tar.xz', '-J'],
      ['tar.bz2', '-j'],
    ] as const) {
      const tarball = join(root, `qemu-9.9.9.${ext}`);
      execFileSync('tar', ['-c', flag, '-f', tarball, '-C', root, 'qemu-9.9.9']);
      const src = await loadQapiSource(tarball);
      expect(src.files).toEqual(['qapi-schema.json', 'b.json']);
      expect(src.definitions.map((d) => d.name)).toEqual(['A', 'B']);
      expect(src.byName.get('A')!.doc?.description).toBe('The A.');
    }
    expect(qmpTemps()).toEqual(before);
    // The unpacked tree works as a folder too (QEMU source root: qapi/qapi-schema.json below it).
    expect((await loadQapiSource(join(root, 'qemu-9.9.9'))).definitions).toHaveLength(2);
  });

  it('a syntax error inside a tarball names the archive member; the temp folder is still removed', async () => {
    const root = tree({ 'q/qapi/qapi-schema.json': "{ 'enum': 'A',, }" });
    const tarball = join(root, 'q.tar.gz');
    execFileSync('tar', ['-czf', tarball, '-C', root, 'q']);
    const before = qmpTemps();
    const e = await rejection(loadQapiSource(tarball));
    expect(e).toMatchObject({ name: 'QapiSyntaxError', file: `${tarball}!q/qapi/qapi-schema.json`, line: 1, column: 15 });
    expect(qmpTemps()).toEqual(before);
  });

  it('a tarball without qapi/*.json is a QapiSourceError, temp folder removed', async () => {
    const root = tree({ 'q/README': 'x' });
    const tarball = join(root, 'q.tar.gz');
    execFileSync('tar', ['-czf', tarball, '-C', root, 'q']);
    const before = qmpTemps();
    const e = await rejection(loadQapiSource(tarball));
    expect(e).toBeInstanceOf(QapiSourceError);
    expect((e as Error).message).toContain('cannot extract qapi/*.json');
    expect(qmpTemps()).toEqual(before);
  });
});
