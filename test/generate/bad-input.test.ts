import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTarget } from '../../codegen/generate/generate.js';
import { isGenerateError } from '../../codegen/generate/errors.js';
import { copyFixture, tempDir, writeSchema } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.done());

const out = join(tmp.dir, 'out');
const snapshot = (): Map<string, string> => new Map(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
let before: Map<string, string>;

beforeAll(async () => {
  const good = join(tmp.dir, 'good');
  copyFixture(good);
  await generateTarget({ schemaDir: good, outDir: out });
  before = snapshot();
});

async function expectFailure(schemaDir: string, pattern: RegExp): Promise<void> {
  let error: unknown;
  try {
    await generateTarget({ schemaDir, outDir: out });
  } catch (err) {
    error = err;
  }
  expect(isGenerateError(error), String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
  // previous output untouched, no temporary sibling left behind
  expect(snapshot()).toEqual(before);
  expect(readdirSync(tmp.dir).filter((n) => n.startsWith('.'))).toEqual([]);
}

function modified(name: string, edit: (defs: Record<string, Record<string, unknown>>) => void): string {
  const dir = join(tmp.dir, name);
  copyFixture(dir);
  const defs: Record<string, Record<string, unknown>> = {};
  for (const f of ['types', 'commands', 'returns', 'events']) {
    defs[f] = (JSON.parse(readFileSync(join(dir, `${f}.json`), 'utf8')) as { definitions: Record<string, unknown> }).definitions;
  }
  edit(defs);
  for (const f of ['types', 'commands', 'returns', 'events']) {
    const doc = JSON.parse(readFileSync(join(dir, `${f}.json`), 'utf8')) as { definitions: unknown };
    doc.definitions = defs[f];
    writeFileSync(join(dir, `${f}.json`), JSON.stringify(doc));
  }
  return dir;
}

describe('bad schema input', () => {
  it('a schema that does not compile names the definition', async () => {
    const dir = modified('bad-type', (d) => {
      (d['types'] as Record<string, Record<string, unknown>>)['RunState'] = { type: 'strnig' };
    });
    await expectFailure(dir, /schema\/bad-type\/types\.json#\/definitions\/RunState: does not compile/);
  });

  it('a $ref to nothing names the place of the reference', async () => {
    const dir = modified('dangling', (d) => {
      (d['returns'] as Record<string, unknown>)['query-status'] = { $ref: 'types.json#/definitions/NoSuchType' };
    });
    await expectFailure(dir, /returns\.json#\/definitions\/query-status: \$ref "types\.json#\/definitions\/NoSuchType" points to nothing/);
  });

  it('an unsupported $ref is refused', async () => {
    const dir = modified('external', (d) => {
      (d['returns'] as Record<string, unknown>)['query-status'] = { $ref: 'https://example.com/x.json' };
    });
    await expectFailure(dir, /returns\.json#\/definitions\/query-status: unsupported \$ref/);
  });

  it('commands whose names collide after camel-casing are refused, naming both', async () => {
    const dir = join(tmp.dir, 'collide');
    const noArgs = { type: 'object', properties: {}, additionalProperties: false, 'x-qmp': { noArguments: true } };
    writeSchema(dir, 'collide', {
      commands: { 'query-foo': noArgs, query_foo: noArgs },
      returns: { 'query-foo': { type: 'string' }, query_foo: { type: 'string' } },
    });
    await expectFailure(dir, /command 'query_foo'.*method name 'queryFoo' collides with the one of command 'query-foo'/);
  });

  it('types whose names collide after sanitising are refused', async () => {
    const dir = join(tmp.dir, 'collide-types');
    writeSchema(dir, 'collide-types', { types: { 'a-b': { type: 'string' }, a_b: { type: 'string' } } });
    await expectFailure(dir, /types\.json#\/definitions\/a_b: type name 'a_b' collides/);
  });

  it('invalid JSON names the file', async () => {
    const dir = modified('badjson', () => {});
    writeFileSync(join(dir, 'events.json'), '{"definitions": {');
    await expectFailure(dir, /schema\/badjson\/events\.json: not valid JSON/);
  });

  it('a command without a return entry is refused', async () => {
    const dir = modified('noreturn', (d) => {
      delete (d['returns'] as Record<string, unknown>)['cont'];
    });
    await expectFailure(dir, /returns\.json: has no entry for command 'cont'/);
  });

  it('refuses to replace a folder holding files it did not write', async () => {
    const dir = join(tmp.dir, 'user-folder');
    copyFixture(join(tmp.dir, 'fx2'));
    writeSchema(dir, 'x', {});
    let error: unknown;
    try {
      await generateTarget({ schemaDir: join(tmp.dir, 'fx2'), outDir: dir });
    } catch (err) {
      error = err;
    }
    expect((error as Error).message).toMatch(/is not a file written by qmp-codegen; refusing/);
    expect(readdirSync(dir).sort()).toEqual(['commands.json', 'events.json', 'returns.json', 'target.json', 'types.json']);
  });
});
