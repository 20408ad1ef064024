import { describe, expect, it } from 'vitest';
import { camelCase, NameAllocator, propertyKey, safeIdentifier, stringLiteral } from '../../codegen/generate/names.js';
import { pascalCase } from '../../codegen/pascal-case.js';
import { commentText, proseText } from '../../codegen/generate/doc.js';

describe('names', () => {
  it.each([
    ['query-status', 'queryStatus'],
    ['query_status', 'queryStatus'],
    ['BLOCK_JOB_READY', 'blockJobReady'],
    ['x-blockdev-reopen', 'xBlockdevReopen'],
    ['qom-list-properties', 'qomListProperties'],
  ])('camelCase(%s) = %s', (given, want) => expect(camelCase(given)).toBe(want));

  it.each([
    ['query-status', 'QueryStatus'],
    ['BLOCK_JOB_READY', 'BlockJobReady'],
    ['StatusInfo', 'StatusInfo'],
  ])('pascalCase(%s) = %s', (given, want) => expect(pascalCase(given)).toBe(want));

  it.each([
    ['class', 'class_'],
    ['string', 'string_'],
    ['9lives', '_9lives'],
    ['a-b c', 'a_b_c'],
    ['*/`${x}`', '___$_x__'],
    ['', '_'],
    ['StatusInfo', 'StatusInfo'],
  ])('safeIdentifier(%j) = %j', (given, want) => expect(safeIdentifier(given)).toBe(want));

  it('reserves extra names', () => {
    expect(safeIdentifier('QmpClient', new Set(['QmpClient']))).toBe('QmpClient_');
  });

  it('quotes keys that are not identifiers and escapes line separators', () => {
    expect(propertyKey('node-name')).toBe('"node-name"');
    expect(propertyKey('id')).toBe('id');
    expect(stringLiteral('a\u2028b"')).toBe('"a\\u2028b\\""');
  });

  it('reports names that collide after camel-casing, naming both places', () => {
    const n = new NameAllocator('method');
    n.claim(camelCase('query-foo'), "command 'query-foo'");
    expect(() => n.claim(camelCase('query_foo'), "command 'query_foo'")).toThrow(/query_foo.*queryFoo.*query-foo/);
    expect(n.derive('queryFoo', 'other')).toBe('queryFoo_');
  });

  it('makes comment text inert', () => {
    expect(commentText('a */ b')).toBe('a *\\/ b');
    expect(commentText('x\n@tag')).toBe('x\n\\@tag');
    expect(proseText('see @node-name and @x')).toBe('see `node-name` and `x`');
  });
});
