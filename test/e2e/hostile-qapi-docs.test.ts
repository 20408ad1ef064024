/**
 * Issue 7's bad input, end to end: a QAPI source whose doc text holds `*∕`, backquotes, `${…}`,
 * `</script>` and quotes goes through the importer (names + docs) and the generator, and the result
 * is correct, compiling and inert: the text is kept in doc comments and strings only, the code
 * type-checks, and importing it runs nothing.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importTarget } from '../../codegen/import/index.js';
import { generateTarget } from '../../codegen/generate/generate.js';
import { runtimeAbs, tempDir, typecheck } from '../generate/helpers.js';

const tmp = tempDir('qmp-hostile-qapi-'); // an ES-module folder with the project's node_modules
const work = tmp.dir;
afterAll(() => tmp.done());

const evil = "end */ globalThis.pwned = 1; /* `tick` ${globalThis.pwned = 2} </script> \"quote\" 'single' \\ backslash";

/** A QAPI source with one enum, one struct, one command and one event, all documented with `evil`. */
function writeSource(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const doc = (lines: string[]) => lines.map((l) => `# ${l}`.trimEnd()).join('\n');
  writeFileSync(
    join(dir, 'qapi-schema.json'),
    `##
${doc(['@HostileState:', '', `States. ${evil}`, '', `@calm: calm ${evil}`, '', `@angry: angry ${evil}`, '', 'Since: 9.9'])}
##
{ 'enum': 'HostileState', 'data': [ 'calm', 'angry' ] }

##
${doc(['@HostileInfo:', '', `Info. ${evil}`, '', `@state: the state ${evil}`, '', 'Since: 9.9'])}
##
{ 'struct': 'HostileInfo', 'data': { 'state': 'HostileState' } }

##
${doc(['@query-hostile:', '', `Queries. ${evil}`, '', `@name: a name ${evil}`, '', `Returns: info ${evil}`, '', 'Since: 9.9', '', '.. qmp-example::', '', `    -> { "execute": "query-hostile", "arguments": { "name": "*/ \${x}" } }`, '    <- { "return": { "state": "calm" } }'])}
##
{ 'command': 'query-hostile', 'data': { 'name': 'str' }, 'returns': 'HostileInfo' }

##
${doc(['@HOSTILE_EVENT:', '', `Emitted. ${evil}`, '', `@state: new state ${evil}`, '', 'Since: 9.9'])}
##
{ 'event': 'HOSTILE_EVENT', 'data': { 'state': 'HostileState' } }
`,
  );
}

/** The matching introspection, type names masked as QEMU does. */
const introspection = [
  { name: 'query-hostile', 'meta-type': 'command', 'arg-type': '0', 'ret-type': '1' },
  { name: 'HOSTILE_EVENT', 'meta-type': 'event', 'arg-type': '3' },
  { name: '0', 'meta-type': 'object', members: [{ name: 'name', type: 'str' }] },
  { name: '1', 'meta-type': 'object', members: [{ name: 'state', type: '2' }] },
  { name: '2', 'meta-type': 'enum', values: ['calm', 'angry'], members: [{ name: 'calm' }, { name: 'angry' }] },
  { name: '3', 'meta-type': 'object', members: [{ name: 'state', type: '2' }] },
  { name: 'str', 'meta-type': 'builtin', 'json-type': 'string' },
];

describe('hostile QAPI doc text, through import and generate', () => {
  it('is kept as documentation, names are recovered, and the generated code compiles and runs nothing', async () => {
    const source = join(work, 'qapi');
    writeSource(source);
    const file = join(work, 'introspect.json');
    writeFileSync(file, JSON.stringify({ return: introspection }));
    const schemaDir = join(work, 'schema');
    const imported = await importTarget({ source: { file }, qapiSource: source, outDir: schemaDir, targetName: 'qemu-9.9-hostile' });
    expect(imported.summary).toBeDefined();

    const types = JSON.parse(readFileSync(join(schemaDir, 'types.json'), 'utf8')) as { definitions: Record<string, { description?: string }> };
    expect(Object.keys(types.definitions).sort()).toEqual(['HostileInfo', 'HostileState']); // QAPI names recovered
    expect(types.definitions['HostileInfo']?.description).toBe(`Info. ${evil}`); // docs verbatim in the schema

    const out = join(work, 'generated');
    await generateTarget({ schemaDir, outDir: out, runtimeImport: runtimeAbs });
    const typesTs = readFileSync(join(out, 'types.ts'), 'utf8');
    const commandsTs = readFileSync(join(out, 'commands.ts'), 'utf8');
    // the documentation arrived (with its comment terminator neutralised) …
    expect(typesTs).toContain('Info. end *\\/ globalThis.pwned = 1;');
    expect(commandsTs).toContain('Queries. end *\\/');
    // … and no line of code outside a comment or string carries any of it
    for (const text of [typesTs, commandsTs, readFileSync(join(out, 'events.ts'), 'utf8')]) {
      const code = text
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
        .replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
      expect(code).not.toContain('pwned');
      expect(code).not.toContain('</script>');
    }

    // type-checks under the project's strict options
    expect(typecheck([join(out, 'index.ts'), join(out, 'validators.ts')], out)).toEqual([]);

    // importing the target runs nothing hostile, and its validators work
    const before = (globalThis as { pwned?: unknown }).pwned;
    const index = (await import(join(out, 'index.ts'))) as { target: { name: string; commands: Record<string, { method: string }> } };
    const validators = (await import(join(out, 'validators.ts'))) as { validateArguments(c: string, a: unknown): { ok: boolean } };
    expect((globalThis as { pwned?: unknown }).pwned).toBe(before);
    expect(before).toBeUndefined();
    expect(index.target.name).toBe('qemu-9.9-hostile');
    expect(index.target.commands['query-hostile']?.method).toBe('queryHostile');
    expect(validators.validateArguments('query-hostile', { name: evil }).ok).toBe(true);
    expect(validators.validateArguments('query-hostile', {}).ok).toBe(false);
  });
});
