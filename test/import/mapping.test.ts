/** Mapping of every introspection construct to JSON Schema (schema/FORMAT.md), on a small fixture. */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../codegen/import/index.js';
import type { ImportResult } from '../../codegen/import/index.js';
import type { QapiDoc, QapiNames, QapiSource } from '../../codegen/qapi/types.js';
import { constructsFixture } from './fixture.js';
import { fetched } from './helpers.js';

type Json = Record<string, any>;

function parsed(r: ImportResult): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [f, text] of r.files) out[f] = JSON.parse(text) as Json;
  return out;
}

function ajvOf(r: ImportResult): Ajv {
  const ajv = new Ajv({ strict: true, discriminator: true });
  ajv.addKeyword({ keyword: 'x-qmp' });
  for (const [f, text] of r.files) if (f !== 'target.json') ajv.addSchema(JSON.parse(text));
  return ajv;
}

const id = (file: string, name: string) => `https://qmp-sdk.invalid/schema/t-1/${file}#/definitions/${name}`;

describe('mapping without a QAPI source', async () => {
  const r = await buildTarget(fetched(constructsFixture()), { targetName: 't-1' });
  const d = parsed(r);
  const types = d['types.json']!.definitions as Json;
  const commands = d['commands.json']!.definitions as Json;
  const returns = d['returns.json']!.definitions as Json;
  const events = d['events.json']!.definitions as Json;

  it('writes the four schema files and target.json, definitions sorted', () => {
    expect([...r.files.keys()].sort()).toEqual(['commands.json', 'events.json', 'returns.json', 'target.json', 'types.json']);
    expect(Object.keys(commands)).toEqual(['cmd-a', 'list-cmd', 'oob-cmd', 'union-cmd']);
    expect(Object.keys(events)).toEqual(['EV', 'EV_NO_DATA']);
    expect(Object.keys(types)).toEqual([...Object.keys(types)].sort());
    expect(d['target.json']).toEqual({
      target: 't-1',
      qemu: { major: 9, minor: 1, micro: 0 },
      package: '',
      arch: 'x86_64',
      importer: { version: '1.1', from: 'file', qapiSource: null },
      counts: { commands: 4, events: 2, types: 7, qapiNamed: 0, pathNamed: 9 },
    });
  });

  it('maps commands without arguments, returns of objects, any and lists', () => {
    expect(commands['cmd-a']).toEqual({ type: 'object', properties: {}, additionalProperties: false, 'x-qmp': { noArguments: true } });
    expect(returns['cmd-a']).toEqual({ $ref: 'types.json#/definitions/CmdAResult' });
    expect(returns['union-cmd']).toEqual({});
    expect(returns['list-cmd']).toEqual({ type: 'array', items: { type: 'integer', minimum: -(2 ** 63), maximum: 2 ** 64 } });
    expect(returns['oob-cmd']).toEqual({ type: 'object', properties: {}, additionalProperties: false });
    expect(commands['oob-cmd']['x-qmp']).toEqual({ features: ['unstable'], allowOob: true, noArguments: true });
    expect(r.files.get('returns.json')).toContain('"minimum": -9223372036854775808,\n        "maximum": 18446744073709551615');
  });

  it('maps objects: required by absence of default, members in order, closed; wire names unchanged', () => {
    const o = types.CmdAResult;
    expect(Object.keys(o.properties)).toEqual(['status', '__proto__', '0lead', 'class', '_', '-']);
    expect(Object.prototype.hasOwnProperty.call(o.properties, '__proto__')).toBe(true);
    expect(o.properties.__proto__).toEqual({ type: 'string' });
    expect(o.required).toEqual(['status', '0lead', '_']);
    expect(o.additionalProperties).toBe(false);
    expect(o.properties._).toEqual({});
    expect(o.properties.class).toEqual({ type: 'array', items: { $ref: '#/definitions/CmdAResultClassItem' } });
    expect(r.files.get('types.json')).toContain('"__proto__": {');
  });

  it('inlines arguments used once, with features and deprecation', () => {
    const c = commands['list-cmd'];
    expect(c.title).toBe('ListCmdArguments');
    expect(Object.keys(c.properties)).toEqual(['__proto__', 'constructor']);
    expect(c.required).toEqual(['__proto__']);
    expect(c.properties.constructor).toEqual({ deprecated: true, type: 'number', 'x-qmp': { features: ['deprecated', 'unstable'] } });
  });

  it('maps enums with member features, and recursion through an object as $ref', () => {
    expect(types.CmdAResultStatus).toEqual({
      title: 'CmdAResultStatus',
      type: 'string',
      enum: ['running', 'paused'],
      'x-qmp': { values: { paused: { features: ['deprecated'] } } },
    });
    expect(types.CmdAResultClassItem.properties.children.items).toEqual({ $ref: '#/definitions/CmdAResultClassItem' });
  });

  it('maps a flat union: discriminator, closed branches, empty variant shares the branch of values without one', () => {
    expect(commands['union-cmd']).toEqual({ $ref: 'types.json#/definitions/UnionCmdArguments' });
    const u = types.UnionCmdArguments;
    expect(u.discriminator).toEqual({ propertyName: 'kind' });
    expect(u.oneOf).toHaveLength(2);
    expect(u.oneOf[0]['x-qmp']).toEqual({ variant: 'UnionCmdArgumentsA' });
    expect(u.oneOf[0].properties.kind).toEqual({ const: 'a' });
    expect(Object.keys(u.oneOf[0].properties)).toEqual(['kind', 'id', 'x']);
    expect(u.oneOf[1].properties.kind).toEqual({ enum: ['b', 'c'] });
    expect(types.UnionCmdArgumentsA.properties.x).toEqual({ $ref: '#/definitions/UnionCmdArgumentsAX' });
    const v = ajvOf(r).getSchema(id('commands.json', 'union-cmd'))!;
    expect(v({ kind: 'a', id: 'i', x: 5 })).toBe(true);
    expect(v({ kind: 'a', id: 'i', x: { name: 'n', children: [{ name: 'm' }] } })).toBe(true);
    expect(v({ kind: 'c', id: 'i' })).toBe(true);
    expect(v({ kind: 'c', id: 'i', x: 1 })).toBe(false);
    expect(v({ kind: 'a', id: 'i', y: 1 })).toBe(false);
    expect(v({ kind: 'd', id: 'i' })).toBe(false);
  });

  it('maps an alternate to anyOf', () => {
    expect(types.UnionCmdArgumentsAX.anyOf).toEqual([
      { type: 'integer', minimum: -(2 ** 63), maximum: 2 ** 64 },
      { type: 'string' },
      { type: 'null' },
      { $ref: '#/definitions/CmdAResultClassItem' },
    ]);
  });

  it('maps events with and without data, with features', () => {
    expect(events.EV_NO_DATA).toEqual({ type: 'object', properties: {}, additionalProperties: false, 'x-qmp': { noData: true } });
    expect(events.EV.title).toBe('EvData');
    expect(events.EV.deprecated).toBe(true);
    expect(events.EV['x-qmp']).toEqual({ features: ['deprecated'] });
    expect(events.EV.properties.info).toEqual({ $ref: 'types.json#/definitions/CmdAResult' });
  });

  it('never shows a masked number, and does not depend on them or on entry order', async () => {
    for (const text of r.files.values()) expect(text).not.toMatch(/definitions\/[0-9]/);
    // Renumber the masked names and reverse the entries: same output.
    const rename = (n: string) => n.replace(/^(\[?)([0-9]+)(\]?)$/, (_m, a: string, num: string, b: string) => `${a}${100 + Number(num) * 7}${b}`);
    const renamed = JSON.parse(JSON.stringify(constructsFixture()), (k, v) =>
      typeof v === 'string' && ['name', 'type', 'arg-type', 'ret-type', 'element-type'].includes(k) ? rename(v) : v,
    ) as unknown[];
    const again = await buildTarget(fetched(renamed.reverse()), { targetName: 't-1' });
    expect([...again.files]).toEqual([...r.files]);
  });
});

describe('mapping with QAPI names and docs (fake name recovery)', async () => {
  const doc = (d: Partial<QapiDoc>): QapiDoc => ({ members: {}, features: {}, ...d });
  const names: QapiNames = {
    typeNames: new Map([['1', 'StatusThing'], ['2', 'RunThing']]),
    typeDocs: new Map([
      ['StatusThing', doc({ description: 'A status. `*/` ${x}', members: JSON.parse('{"status": "the status", "__proto__": "proto member"}') as Record<string, string>, since: '1.0' })],
      ['RunThing', doc({ description: 'Run states', members: { paused: 'paused now' }, features: { deprecated: 'Value @paused is gone.' } })],
    ]),
    commandDocs: new Map([
      ['cmd-a', doc({ description: 'Does A', since: '2.0', returns: 'a thing', errors: 'never', notes: ['note 1'], examples: ['-> { "execute": "cmd-a" }'] })],
      ['list-cmd', doc({ description: 'Lists', members: { constructor: 'ctor' }, features: { deprecated: 'Member @constructor is deprecated.' } })],
    ]),
    eventDocs: new Map([['EV', doc({ description: 'An event', since: '3.0', deprecated: 'Use something else.', examples: ['<- { "event": "EV" }'] })]]),
    unnamed: new Map([['8', 'implicit arguments'], ['4', 'implicit arguments']]),
    warnings: [{ path: 'command cmd-a/returns/x', message: 'member x is not in the source' }],
  };
  const source: QapiSource = {
    files: ['qapi-schema.json'],
    definitions: [],
    byName: new Map([['cmd-a', { kind: 'command', name: 'cmd-a', expr: { command: 'cmd-a', 'allow-preconfig': true }, location: { file: 'x.json', line: 1 } }]]),
  };
  const r = await buildTarget(fetched(constructsFixture()), { targetName: 't-1', qapiSource: '/nonexistent' }, { source, recover: () => names });
  const d = parsed(r);
  const types = d['types.json']!.definitions as Json;
  const commands = d['commands.json']!.definitions as Json;
  const events = d['events.json']!.definitions as Json;

  it('renames types to their QAPI names and names the rest by path below them', () => {
    expect(Object.keys(types)).toContain('StatusThing');
    expect(Object.keys(types)).toContain('RunThing');
    expect(Object.keys(types)).toContain('StatusThingClassItem');
    expect(types.StatusThing.title).toBe('StatusThing');
    expect(types.StatusThing['x-qmp']).toEqual({ qapiName: true, since: '1.0' });
    expect(d['returns.json']!.definitions['cmd-a']).toEqual({ $ref: 'types.json#/definitions/StatusThing' });
  });

  it('places docs: descriptions, member docs, enum value docs, deprecation, sections', () => {
    expect(types.StatusThing.description).toBe('A status. `*/` ${x}');
    expect(types.StatusThing.properties.status).toEqual({ $ref: '#/definitions/RunThing', description: 'the status' });
    expect(types.StatusThing.properties.__proto__.description).toBe('proto member');
    expect(types.RunThing['x-qmp'].values).toEqual({ paused: { description: 'paused now', features: ['deprecated'], deprecation: 'Value @paused is gone.' } });
    expect(commands['cmd-a']).toEqual({
      description: 'Does A',
      type: 'object',
      properties: {},
      additionalProperties: false,
      'x-qmp': { since: '2.0', allowPreconfig: true, noArguments: true, returnsDoc: 'a thing', errorsDoc: 'never', notes: ['note 1'], examples: ['-> { "execute": "cmd-a" }'] },
    });
    expect(commands['list-cmd'].properties.constructor).toEqual({
      description: 'ctor',
      deprecated: true,
      type: 'number',
      'x-qmp': { features: ['deprecated', 'unstable'], deprecation: 'Member @constructor is deprecated.' },
    });
    expect(events.EV.description).toBe('An event');
    expect(events.EV['x-qmp']).toEqual({ features: ['deprecated'], since: '3.0', deprecation: 'Use something else.', examples: ['<- { "event": "EV" }'] });
  });

  it('summarises names, reasons and warnings', () => {
    expect(r.summary.qapi).toEqual({ named: 2, pathNamed: 7, reasons: { 'implicit arguments': 2, 'not reached by name recovery': 5 } });
    expect(r.summary.warnings).toEqual(['command cmd-a/returns/x: member x is not in the source']);
    expect(r.meta.importer.qapiSource).toEqual({ version: null });
  });
});
