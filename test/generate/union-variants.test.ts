/**
 * Flat unions with named variant types: base members once, branches `{ tag: value } & <Variant>`
 * in the same form (closed / open), inline where the variant is not emitted in that form; and the
 * result still narrows on the tag and refuses unknown members (checked with tsc).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTarget } from '../../codegen/generate/generate.js';
import { runtimeAbs, tempDir, typecheck, writeSchema } from './helpers.js';

const tmp = tempDir('qmp-gen-union-');
afterAll(() => tmp.done());

const int = { type: 'integer', minimum: -9223372036854775808, maximum: 18446744073709551615 };
const closed = (properties: object, required: string[], extra: object = {}): object => ({ type: 'object', properties, required, additionalProperties: false, ...extra });
const base = { id: { description: 'the id', type: 'string' }, note: { type: 'string' } };
const tagDoc = 'the kind';
const optsX = { size: { description: 'the size', ...int }, mode: { $ref: '#/definitions/Mode' } };

const types = {
  Mode: { title: 'Mode', type: 'string', enum: ['a', 'b'] },
  OptsX: { title: 'OptsX', ...closed(optsX, ['size']) },
  OptsY: { title: 'OptsY', ...closed({ path: { type: 'string' } }, ['path']) },
  // OptsZ is openable (an enum) but reached by nothing but the union: emitted closed only
  OptsZ: { title: 'OptsZ', ...closed({ level: { $ref: '#/definitions/Mode' } }, ['level']) },
  Opts: {
    title: 'Opts',
    description: 'Options of a thing.',
    type: 'object',
    discriminator: { propertyName: 'kind' },
    oneOf: [
      closed({ kind: { description: tagDoc, const: 'x' }, ...base, ...optsX }, ['kind', 'id', 'size'], { 'x-qmp': { variant: 'OptsX' } }),
      closed({ kind: { description: tagDoc, const: 'y' }, ...base, path: { type: 'string' } }, ['kind', 'id', 'path'], { 'x-qmp': { variant: 'OptsY' } }),
      closed({ kind: { description: tagDoc, const: 'z' }, ...base, level: { $ref: '#/definitions/Mode' } }, ['kind', 'id', 'level'], { 'x-qmp': { variant: 'OptsZ' } }),
      closed({ kind: { description: tagDoc, enum: ['v', 'w'] }, ...base }, ['kind', 'id']),
    ],
  },
  SockInet: { title: 'SockInet', ...closed({ host: { type: 'string' }, port: { type: 'string' } }, ['host', 'port']) },
  SockUnix: { title: 'SockUnix', ...closed({ path: { type: 'string' } }, ['path']) },
  Sock: {
    title: 'Sock',
    type: 'object',
    discriminator: { propertyName: 'type' },
    oneOf: [
      closed({ type: { const: 'inet' }, host: { type: 'string' }, port: { type: 'string' } }, ['type', 'host', 'port'], { 'x-qmp': { variant: 'SockInet' } }),
      closed({ type: { const: 'unix' }, path: { type: 'string' } }, ['type', 'path'], { 'x-qmp': { variant: 'SockUnix' } }),
    ],
  },
  ExecAddr: { title: 'ExecAddr', ...closed({ args: { type: 'array', items: { type: 'string' } } }, ['args']) },
  Addr: {
    title: 'Addr',
    type: 'object',
    discriminator: { propertyName: 'transport' },
    oneOf: [
      {
        type: 'object',
        properties: { transport: { const: 'socket' } },
        required: ['transport'],
        discriminator: { propertyName: 'type' },
        oneOf: [
          closed({ transport: { const: 'socket' }, type: { const: 'inet' }, host: { type: 'string' }, port: { type: 'string' } }, ['transport', 'type', 'host', 'port'], { 'x-qmp': { variant: 'SockInet' } }),
          closed({ transport: { const: 'socket' }, type: { const: 'unix' }, path: { type: 'string' } }, ['transport', 'type', 'path'], { 'x-qmp': { variant: 'SockUnix' } }),
        ],
        'x-qmp': { variant: 'Sock' },
      },
      closed({ transport: { const: 'exec' }, args: { type: 'array', items: { type: 'string' } } }, ['transport', 'args'], { 'x-qmp': { variant: 'ExecAddr' } }),
    ],
  },
};
const ref = (name: string): object => ({ $ref: `types.json#/definitions/${name}` });
const noArgs = { type: 'object', properties: {}, additionalProperties: false, 'x-qmp': { noArguments: true } };
const commands = {
  'add-opts': ref('Opts'),
  'add-x': ref('OptsX'),
  'query-opts': noArgs,
  'query-x': noArgs,
  'set-addr': ref('Addr'),
};
const empty = { type: 'object', properties: {}, additionalProperties: false };
const returns = { 'add-opts': empty, 'add-x': empty, 'query-opts': ref('Opts'), 'query-x': ref('OptsX'), 'set-addr': empty };

const schemaDir = join(tmp.dir, 'schema');
const outDir = join(tmp.dir, 'out');
writeSchema(schemaDir, 'qemu-0.0-x86_64', { types, commands, returns });

describe('flat unions reference their named variant types', () => {
  let text = '';
  it('emits base members once and branches as tag & variant, in the same form', async () => {
    await generateTarget({ schemaDir, outDir, runtimeImport: runtimeAbs });
    text = readFileSync(join(outDir, 'types.ts'), 'utf8');
    const decl = (name: string): string => {
      const i = text.indexOf(`export type ${name} = `);
      expect(i).toBeGreaterThanOrEqual(0);
      return text.slice(i, text.indexOf('\n\n', i)).replace(/\s+/g, ' ');
    };
    expect(decl('Opts')).toBe(
      'export type Opts = { /** the kind */ kind: "x" | "y" | "z" | "v" | "w"; /** the id */ id: string; note?: string; } & (({ kind: "x"; } & OptsX) | ({ kind: "y"; } & OptsY) | ({ kind: "z"; } & OptsZ) | { kind: "v" | "w"; });',
    );
    // the open form references the open forms; OptsZ has no open form, so its branch stays inline
    expect(decl('OptsOpen')).toBe(
      'export type OptsOpen = { /** the kind */ kind: "x" | "y" | "z" | "v" | "w"; /** the id */ id: string; note?: string; } & (({ kind: "x"; } & OptsXOpen) | ({ kind: "y"; } & OptsY) | { kind: "z"; level: Mode | (string & {}); } | { kind: "v" | "w"; });',
    );
    // a nested union references the variant union
    expect(decl('Addr')).toBe('export type Addr = { transport: "socket" | "exec"; } & (({ transport: "socket"; } & Sock) | ({ transport: "exec"; } & ExecAddr));');
    expect(decl('Sock')).toBe('export type Sock = { type: "inet" | "unix"; } & (({ type: "inet"; } & SockInet) | ({ type: "unix"; } & SockUnix));');
    expect(text).toContain('export interface OptsX {');
    expect(text).toContain('export interface OptsXOpen {');
  });

  it('still narrows on the tag and refuses unknown members (tsc)', () => {
    const check = join(outDir, 'check.ts');
    writeFileSync(
      check,
      [
        "import type { Addr, Opts, OptsOpen } from './types.js';",
        'declare const o: Opts;',
        "if (o.kind === 'x') { const n: number | bigint = o.size; void n; }",
        "if (o.kind === 'y') { const p: string = o.path; void p; }",
        "if (o.kind === 'v') {",
        '  // @ts-expect-error no member of another branch after narrowing',
        '  void o.size;',
        '}',
        'function take(a: Opts): void { void a; }',
        "take({ kind: 'x', id: 'i', size: 1, mode: 'a' });",
        "take({ kind: 'w', id: 'i', note: 'n' });",
        '// @ts-expect-error unknown member (closed)',
        "take({ kind: 'x', id: 'i', size: 1, bogus: 1 });",
        '// @ts-expect-error member of another branch',
        "take({ kind: 'y', id: 'i', path: 'p', size: 1 });",
        '// @ts-expect-error member of a branch on a tag value without members',
        "take({ kind: 'v', id: 'i', path: 'p' });",
        '// @ts-expect-error missing base member',
        "take({ kind: 'y', path: 'p' });",
        '// @ts-expect-error missing variant member',
        "take({ kind: 'x', id: 'i' });",
        '// @ts-expect-error wrong tag',
        "take({ kind: 'u', id: 'i' });",
        '// @ts-expect-error closed enum in the closed form',
        "take({ kind: 'x', id: 'i', size: 1, mode: 'c' });",
        "const open: OptsOpen = { kind: 'x', id: 'i', size: 1, mode: 'newer' };",
        "const openZ: OptsOpen = { kind: 'z', id: 'i', level: 'newer' };",
        "if (open.kind === 'x') { const m: string | undefined = open.mode; void m; }",
        'void openZ;',
        'function addr(a: Addr): void { void a; }',
        "addr({ transport: 'socket', type: 'inet', host: 'h', port: '1' });",
        "addr({ transport: 'exec', args: ['x'] });",
        '// @ts-expect-error member of the other inner branch',
        "addr({ transport: 'socket', type: 'unix', path: 'p', host: 'h' });",
        '// @ts-expect-error inner member on the outer exec branch',
        "addr({ transport: 'exec', args: [], path: 'p' });",
        'declare const ad: Addr;',
        "if (ad.transport === 'socket' && ad.type === 'unix') { const p: string = ad.path; void p; }",
        '',
      ].join('\n'),
    );
    expect(typecheck([check], outDir)).toEqual([]);
  });
});
