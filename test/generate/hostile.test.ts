import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTarget } from '../../codegen/generate/generate.js';
import { runtimeAbs, tempDir, typecheck, writeSchema } from './helpers.js';

/** Texts that would run code if a generator pasted them into code or out of a comment. */
const evil = [
  '*/ globalThis.__pwned = 1; /*',
  '`${globalThis.__pwned = 1}`',
  '</script><script>globalThis.__pwned = 1</script>',
  '"; globalThis.__pwned = 1; "',
  "'; globalThis.__pwned = 1; '",
  'line\n*/ globalThis.__pwned = 1 /*\nbreak',
  'sep\u2028globalThis.__pwned = 1\u2029end',
  '\\u0022; globalThis.__pwned = 1',
  '@returns */ globalThis.__pwned = 1',
  '```\n*/globalThis.__pwned = 1/*\n```',
];
const doc = (i: number): Record<string, unknown> => ({
  description: evil[i % evil.length],
  'x-qmp': { since: evil[(i + 1) % evil.length], deprecation: evil[(i + 2) % evil.length], features: ['deprecated', 'unstable'], examples: [evil[(i + 3) % evil.length]], returnsDoc: evil[(i + 4) % evil.length], errorsDoc: evil[(i + 5) % evil.length], notes: evil[(i + 6) % evil.length] },
  deprecated: true,
});

const typeKeys = ['__proto__', 'class', 'QmpClient', '*/ Evil`${x}`', 'constructor', 'Object', '9"lives'];
/** A record whose `__proto__` key is an own member, like JSON.parse gives. */
const rec = (): Record<string, unknown> => Object.create(null) as Record<string, unknown>;
const types = rec();
typeKeys.forEach((k, i) => {
  types[k] = {
    ...doc(i),
    type: 'object',
    properties: Object.fromEntries([...evil.map((e, j): [string, unknown] => [e, { ...doc(j), type: 'string', enum: evil }]), ['__proto__', { type: 'integer' }], ['constructor', { type: 'boolean' }]]),
    required: ['__proto__'],
    additionalProperties: false,
  };
});
types['EvilEnum'] = { ...doc(3), type: 'string', enum: evil, 'x-qmp': { values: Object.fromEntries(evil.map((e) => [e, { description: e }])) } };
types['EvilUnion'] = {
  type: 'object',
  discriminator: { propertyName: evil[0] as string },
  oneOf: evil.slice(0, 3).map((tag) => ({ type: 'object', properties: { [evil[0] as string]: { const: tag }, [tag]: { $ref: '#/definitions/EvilEnum' } }, required: [evil[0] as string], additionalProperties: false })),
};
const ref = (k: string): { $ref: string } => ({ $ref: `types.json#/definitions/${encodeURIComponent(k.replace(/~/g, '~0').replace(/\//g, '~1'))}` });
const commandNames = ['__proto__', 'constructor', 'toString', '*/ evil ${x}', 'hasOwnProperty', 'line\nbreak'];
const commands = rec();
const returns = rec();
commandNames.forEach((c, i) => {
  commands[c] = { ...doc(i), type: 'object', properties: { arg: ref(typeKeys[i % typeKeys.length] as string), u: ref('EvilUnion') }, additionalProperties: false };
  returns[c] = ref(typeKeys[(i + 1) % typeKeys.length] as string);
});
const events = rec();
['__proto__', 'EVIL*/`${x}`', 'TO_STRING'].forEach((e, i) => {
  events[e] = { ...doc(i), type: 'object', properties: { e: ref('EvilEnum') }, additionalProperties: false };
});

const tmp = tempDir();
const out = join(tmp.dir, 'hostile-out');
beforeAll(async () => {
  writeSchema(join(tmp.dir, 'hostile'), 'hostile', { types, commands, returns, events });
  await generateTarget({ schemaDir: join(tmp.dir, 'hostile'), outDir: out, runtimeImport: runtimeAbs });
});
afterAll(() => tmp.done());

describe('hostile schema', () => {
  it('generates code that compiles (strict)', () => {
    const files = readdirSync(out).map((f) => join(out, f));
    expect(typecheck(files, out)).toEqual([]);
  });

  it('no schema text became code: `__pwned` only ever occurs in string literals and comments', () => {
    for (const name of readdirSync(out)) {
      const text = readFileSync(join(out, name), 'utf8');
      const sf = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
      expect((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics, name).toEqual([]);
      const visit = (n: ts.Node): void => {
        if ((ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) && n.text.includes('pwned')) expect.fail(`${name}: identifier ${n.text} in code`);
        if (ts.isTemplateExpression(n) || ts.isNoSubstitutionTemplateLiteral(n)) {
          if (n.getText(sf).includes('pwned')) expect.fail(`${name}: template literal with schema text`);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
  });

  it('importing it sets no global, and its tables are safe', async () => {
    const g = globalThis as { __pwned?: unknown };
    delete g.__pwned;
    const mod = {
      ...((await import(join(out, 'index.ts'))) as { commandInfo: Record<string, { method: string }>; eventNames: string[] }),
      ...((await import(join(out, 'validators.ts'))) as {
        validateArguments: (c: string, a: unknown) => { ok: boolean; errors?: { path: string; message: string }[] };
        validateEvent: (e: string, d: unknown) => { ok: boolean };
      }),
    };
    expect(g.__pwned).toBeUndefined();
    expect(Object.getPrototypeOf(mod.commandInfo)).toBe(null);
    expect(Object.keys(mod.commandInfo).sort()).toEqual([...commandNames].sort());
    expect(mod.commandInfo['__proto__']?.method).toBe('proto');
    expect(mod.commandInfo['constructor']?.method).toBe('constructor_');
    expect(mod.eventNames).toContain('__proto__');
    expect(mod.validateArguments('toString', {}).ok).toBe(true);
    const bad = mod.validateArguments('__proto__', { nope: 1 });
    expect(bad.ok).toBe(false);
    expect(bad.errors?.[0]).toEqual({ path: '/arguments/nope', message: 'is not a known member' });
    expect(mod.validateArguments('valueOf', {}).ok).toBe(false);
    expect(mod.validateEvent('EVIL*/`${x}`', { e: 'anything new' }).ok).toBe(true);
    expect(g.__pwned).toBeUndefined();
  });
});
