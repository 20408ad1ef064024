/**
 * `schemaSupports` / `supports()` given pathological queries over the committed QEMU 10.0 folder:
 * very long, very deep, odd characters, names of Object.prototype. Each answers a boolean or throws a
 * QmpUsageError naming the step, with the query cut short in the message.
 */
import { describe, expect, it } from 'vitest';
import { isQmpUsageError } from '../../runtime/index.js';
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
      `blockdev-add/arg-type/${'*x/'.repeat(50_000)}y`,
      `blockdev-add/arg-type/${'+file/'.repeat(10_000)}aio`,
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
