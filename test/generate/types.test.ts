import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, typecheck } from './helpers.js';

describe('type tests (test/types/*.ts)', () => {
  it('compile with the project options; every @ts-expect-error line fails as it must', () => {
    const dir = join(root, 'test/types');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    // diagnostics of the type tests and of the generated code they pull in
    const problems = typecheck(files, [dir, join(root, 'generated')]);
    expect(problems).toEqual([]);
  });
});
