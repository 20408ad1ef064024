import { describe, expect, it } from 'vitest';
import { printNode } from '../../codegen/generate/generated-file.js';
import { buildModel, type Form } from '../../codegen/generate/model.js';
import { TypeRenderer } from '../../codegen/generate/render.js';
import { typeRef } from '../../codegen/generate/syntax.js';
import { reservedTypeNames } from '../../codegen/generate/reserved-names.js';
import { loadTargetSchema } from '../../codegen/generate/schema.js';
import type { JsonSchema } from '../../codegen/schema-format/json-schema.js';
import { fixtureDir } from './helpers.js';

const model = buildModel(loadTargetSchema(fixtureDir), reservedTypeNames());
const r = new TypeRenderer(model, undefined, { wideInt: () => typeRef('QapiInt') });
const render = (node: JsonSchema, form: Form): string => printNode(r.type(node, form, 'types', 'test')).replace(/\s+/g, ' ');

describe('schema → type (per construct)', () => {
  it.each<[string, JsonSchema, Form, string]>([
    ['string', { type: 'string' }, 'closed', 'string'],
    ['integer without a maximum (64-bit)', { type: 'integer', minimum: 0 }, 'open', 'QapiInt'],
    ['uint64', { type: 'integer', minimum: 0, maximum: 18446744073709551615 }, 'open', 'QapiInt'],
    ['int64', { type: 'integer', minimum: -9223372036854775808, maximum: 9223372036854775807 }, 'closed', 'QapiInt'],
    ['uint32 (narrow)', { type: 'integer', minimum: 0, maximum: 4294967295 }, 'open', 'number'],
    ['int8 (narrow)', { type: 'integer', minimum: -128, maximum: 127 }, 'closed', 'number'],
    ['any', {}, 'open', 'unknown'],
    ['null', { type: 'null' }, 'closed', 'null'],
    ['array of builtin', { type: 'array', items: { type: 'boolean' } }, 'closed', 'boolean[]'],
    ['enum closed', { type: 'string', enum: ['a', 'b'] }, 'closed', '"a" | "b"'],
    ['enum open', { type: 'string', enum: ['a', 'b'] }, 'open', '"a" | "b" | (string & {})'],
    ['named enum closed', { $ref: '#/definitions/RunState' }, 'closed', 'RunState'],
    ['named enum open', { $ref: '#/definitions/RunState' }, 'open', 'RunState | (string & {})'],
    ['array of open enum', { type: 'array', items: { $ref: '#/definitions/RunState' } }, 'open', '(RunState | (string & {}))[]'],
    ['dual-use type closed', { $ref: '#/definitions/SocketAddress' }, 'closed', 'SocketAddress'],
    ['dual-use type open', { $ref: '#/definitions/SocketAddress' }, 'open', 'SocketAddressOpen'],
    ['server-only type', { $ref: '#/definitions/StatusInfo' }, 'open', 'StatusInfo'],
    ['alternate', { anyOf: [{ type: 'string' }, { type: 'integer' }] }, 'closed', 'string | QapiInt'],
    ['const', { const: 'x' }, 'open', '"x"'],
    ['empty closed object', { type: 'object', properties: {}, additionalProperties: false }, 'closed', 'Record<string, never>'],
    ['free-form object', { type: 'object' }, 'closed', '{ [key: string]: unknown; }'],
    ['object', { type: 'object', properties: { 'a-b': { type: 'string' }, c: { type: 'integer' } }, required: ['c'], additionalProperties: false }, 'closed', '{ "a-b"?: string; c: QapiInt; }'],
    [
      'tagged union: tag stays literal in the open form',
      { type: 'object', discriminator: { propertyName: 't' }, oneOf: [
        { type: 'object', properties: { t: { const: 'x' }, e: { type: 'string', enum: ['p'] } }, required: ['t'], additionalProperties: false },
        { type: 'object', properties: { t: { enum: ['y', 'z'] } }, required: ['t'], additionalProperties: false },
      ] },
      'open',
      '{ t: "x" | "y" | "z"; } & ({ t: "x"; e?: "p" | (string & {}); } | { t: "y" | "z"; })',
    ],
  ])('%s', (_name, node, form, want) => {
    expect(render(node, form)).toBe(want);
  });
});
