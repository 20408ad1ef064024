/**
 * The query language of `supports()` (libvirt's `virQEMUQAPISchemaPathGet` grammar) on its own:
 * malformed queries (typed, naming the step), and the evaluator over small hand-written introspection
 * for what the two real QEMUs do not show (old-style enums, escapes, inconsistent introspection).
 */
import { describe, expect, it } from 'vitest';
import { isQmpProtocolError, isQmpUsageError } from '../../runtime/index.js';
import { indexIntrospection, parseSchemaQuery, querySchema } from '../../runtime/schema-query.js';

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isQmpUsageError(err), String(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('no error thrown');
}

const intro = [
  { name: 'cmd', 'meta-type': 'command', 'arg-type': 'A', 'ret-type': 'L', features: ['fast'] },
  { name: 'EV', 'meta-type': 'event', 'arg-type': 'E0' },
  { name: 'A', 'meta-type': 'object', members: [{ name: 'kind', type: 'K' }, { name: '0x', type: 'str', default: null }, { name: 'alt', type: 'Alt' }], tag: 'kind', variants: [{ case: 'one', type: 'V' }, { case: 'two', type: 'E0' }] },
  { name: 'K', 'meta-type': 'enum', values: ['one', 'two'] },
  { name: 'V', 'meta-type': 'object', members: [{ name: 'x', type: 'int' }], features: ['shiny'] },
  { name: 'E0', 'meta-type': 'object', members: [] },
  { name: 'Alt', 'meta-type': 'alternate', members: [{ type: 'str' }, { type: 'V' }] },
  { name: 'L', 'meta-type': 'array', 'element-type': 'V' },
  { name: 'str', 'meta-type': 'builtin', 'json-type': 'string' },
  { name: 'int', 'meta-type': 'builtin', 'json-type': 'int' },
];

describe('query syntax', () => {
  it.each([
    ['a//b', 'step 2 "" is empty'],
    ['a/', 'step 2 "" is empty'],
    ['/a', 'step 1 "" is empty'],
    ['q/#x', 'step 2 "#x" starts with "#"'],
    ['q/+', 'step 2 "+" has no name after its modifier'],
    ['q/!float', 'step 2 "!float" names no JSON type'],
    ['q/arg-type/$f/x', 'step 4 "x" follows the terminal step "$f"'],
    ['q/ret-type/!int/x', 'step 4 "x" follows the terminal step "!int"'],
    ['q/arg-type/e/^v/x', 'step 5 "x" follows the enum value step "^v": only a $feature may'],
    ['q/arg-type/e/^v/$f/$g', 'step 6 "$g" follows the terminal step "$f"'],
  ])('%s is malformed: %s', (query, why) => {
    const message = usageError(() => parseSchemaQuery(query));
    expect(message).toContain(`malformed query ${JSON.stringify(query)}: ${why}`);
  });

  it('a query that is not a non-empty string is a usage error', () => {
    expect(usageError(() => parseSchemaQuery(''))).toContain('non-empty string');
    expect(usageError(() => parseSchemaQuery(42))).toContain('got number');
  });

  it('parses every step kind', () => {
    expect(parseSchemaQuery('c/arg-type/m/*o/+v/ 0x/^e/$f').map((s) => [s.kind, s.name])).toEqual([
      ['entry', 'c'], ['member', 'arg-type'], ['member', 'm'], ['optional-member', 'o'], ['variant', 'v'], ['member', '0x'], ['enum-value', 'e'], ['feature', 'f'],
    ]);
    expect(parseSchemaQuery('c/ret-type/!value').map((s) => s.kind)).toEqual(['entry', 'member', 'json-type']);
  });
});

describe('evaluation', () => {
  const index = indexIntrospection(intro);
  it.each([
    ['cmd', true],
    ['EV', true],
    ['nope', false],
    ['A', false], // types are not entry points
    ['cmd/$fast', true],
    ['cmd/$slow', false],
    ['cmd/arg-type', true],
    ['cmd/arg-type/kind/^one', true],
    ['cmd/arg-type/kind/^three', false],
    ['cmd/arg-type/kind/^one/$x', false], // old-style "values": no features at all
    ['cmd/arg-type/*kind', false],
    ['cmd/arg-type/*0x', true],
    ['cmd/arg-type/ 0x/!string', true],
    ['cmd/arg-type/ 0x/!int', false],
    ['cmd/arg-type/+one/x/!int', true],
    ['cmd/arg-type/+one/$shiny', true],
    ['cmd/arg-type/+two', true],
    ['cmd/arg-type/+two/x', false],
    ['cmd/arg-type/x', false], // variant members are reached through +case only
    ['cmd/arg-type/alt/!string', true], // alternates: each member in turn
    ['cmd/arg-type/alt/x', true],
    ['cmd/arg-type/alt/$shiny', true],
    ['cmd/ret-type/x', true], // arrays are entered transparently
    ['cmd/ret-type/^one', false],
    ['cmd/name', false],
    ['EV/ret-type', false],
    ['EV/arg-type/+x', false],
  ])('%s → %s', (query, want) => {
    expect(querySchema(index, query)).toBe(want);
  });

  it('introspection that is inconsistent where a query reads it is a protocol error naming the entry', () => {
    const broken = indexIntrospection([{ name: 'c', 'meta-type': 'command', 'arg-type': 'Missing', 'ret-type': 'Missing' }]);
    expect(() => querySchema(broken, 'c')).not.toThrow();
    let err: unknown;
    try {
      querySchema(broken, 'c/arg-type');
    } catch (e) {
      err = e;
    }
    expect(isQmpProtocolError(err)).toBe(true);
    expect((err as Error).message).toContain('entry "c": refers to undefined type "Missing"');
    const loop = indexIntrospection([
      { name: 'c', 'meta-type': 'command', 'arg-type': 'X', 'ret-type': 'X' },
      { name: 'X', 'meta-type': 'alternate', members: [{ type: 'X' }] },
    ]);
    expect(() => querySchema(loop, 'c/arg-type/a')).toThrow(/possible loop/);
  });

  it('a reply that is not introspection is a protocol error', () => {
    for (const bad of [null, 42, { return: {} }, [{ name: 1, 'meta-type': 'object' }], [{ name: 'x' }]]) {
      let err: unknown;
      try {
        indexIntrospection(bad);
      } catch (e) {
        err = e;
      }
      expect(isQmpProtocolError(err), JSON.stringify(bad)).toBe(true);
    }
  });
});
