/**
 * `schemaSupports` / `supports()` given pathological queries over the committed QEMU 10.0 folder:
 * very long, very deep, odd characters, names of Object.prototype. Each answers a boolean or throws a
 * QmpUsageError naming the step, with the query cut short in the message.
 */
import { describe, expect, it } from 'vitest';
import { isQmpProtocolError, isQmpUsageError } from '../../runtime/index.js';
import { indexIntrospection, querySchema } from '../../runtime/schema-query.js';
import { loadSchemaFolder, schemaSupports } from '../../codegen/index.js';
import { projectRoot } from '../../scripts/qemus.js';
import { join } from 'node:path';

const schema = loadSchemaFolder(join(projectRoot, 'schema/qemu-10.0-x86_64'));

function usageError(query: string): Error {
  let caught: unknown;
  try {
    schemaSupports(schema, query);
  } catch (err) {
    caught = err;
  }
  expect(isQmpUsageError(caught), String(caught)).toBe(true);
  return caught as Error;
}

describe('pathological supports() queries', () => {
  it('a malformed query of a megabyte names the step, and quotes the query cut to 200 characters', () => {
    const query = `${'x'.repeat(1_000_000)}//y`;
    const err = usageError(query);
    expect(err.message).toBe(`supports: malformed query "${'x'.repeat(200)}…": step 2 "" is empty`);
    const longStep = `query-status/ret-type/status/^running/^${'z'.repeat(5000)}`;
    expect(usageError(longStep).message).toMatch(/step 5 "\^z{199}…" follows the enum value step "\^running": only a \$feature may$/);
  });

  it('answers false, never throws, for long, deep and odd well-formed queries', () => {
    const queries = [
      'a'.repeat(1_000_000),
      `blockdev-add/arg-type/${'*x/'.repeat(990)}y`,
      `blockdev-add/arg-type/${'+file/'.repeat(990)}aio`,
      '__proto__',
      'constructor',
      'toString',
      'blockdev-add/arg-type/+__proto__',
      'blockdev-add/arg-type/driver/^__proto__',
      'blockdev-add/arg-type/ __proto__',
      'query-status/ret-type/$constructor',
      '\u0000',
      'query-\u00e9tat',
      '\ud800',
    ];
    for (const q of queries) expect(schemaSupports(schema, q), q.slice(0, 40)).toBe(false);
  });
});

describe('deep queries over recursive types', () => {
  // ImageInfo.backing-image is an ImageInfo: any depth is a real path of QEMU 10.0's schema.
  const deep = (n: number) => `query-named-block-nodes/ret-type/image/${'backing-image/'.repeat(n)}filename`;

  it('a path of 1000 steps through a recursive type is true, not "a loop in the schema"', () => {
    // 1000 steps, 1001 types visited (the reply's array is entered without a step): the old limit of
    // 1000 visits called this a loop in QEMU's schema.
    expect(deep(996).split('/')).toHaveLength(1000);
    expect(schemaSupports(schema, deep(996))).toBe(true);
    expect(schemaSupports(schema, `${deep(995)}/x`)).toBe(false);
  });

  it('a query of more than 1000 steps is a usage error about the query, not a protocol error about QEMU', () => {
    expect(usageError(deep(2000)).message).toMatch(/^supports: query "query-named-block-nodes\/ret-type\/image\/backing-image\/.{100,}…" has more than 1000 steps$/);
  });

  it('an array or an alternate that contains itself is still a loop in the schema', () => {
    const loops = indexIntrospection([
      { name: 'c', 'meta-type': 'command', 'arg-type': 'A', 'ret-type': 'L' },
      { name: 'A', 'meta-type': 'alternate', members: [{ type: 'B' }] },
      { name: 'B', 'meta-type': 'alternate', members: [{ type: 'A' }] },
      { name: 'L', 'meta-type': 'array', 'element-type': 'L' },
    ]);
    for (const [q, entry] of [['c/arg-type/x', 'A'], ['c/ret-type/x', 'L']] as const) {
      let err: unknown;
      try {
        querySchema(loops, q);
      } catch (e) {
        err = e;
      }
      expect(isQmpProtocolError(err), String(err)).toBe(true);
      expect((err as Error).message).toContain(`entry "${entry}": possible loop in the schema: reached again without taking a step`);
    }
  });
});
