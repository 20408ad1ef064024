/**
 * Folder = layer (CONTRIBUTING.md): what each folder may import. The runtime's own rule (node:* only)
 * is in test/runtime/transport-and-layering.test.ts; this file checks the generated targets, the
 * test server and the generator side.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot as root } from '../scripts/qemus.js';

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** Module specifiers a file imports or re-exports, static and dynamic (as TypeScript's pre-processor reads them). */
function specifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

function offending(dir: string, allowed: (spec: string, file: string) => boolean): string[] {
  return tsFiles(dir).flatMap((f) => specifiers(f).filter((s) => !allowed(s, f)).map((s) => `${f} imports ${s}`));
}

describe('layering', () => {
  it('generated targets import only their own files, the runtime entry and its validation module, and Ajv runtime helpers', () => {
    const problems = offending('generated', (s) => /^\.\/[\w-]+\.js$/.test(s) || s === '../../runtime/index.js' || s === '../../runtime/validation.js' || s.startsWith('ajv/dist/runtime/'));
    expect(problems).toEqual([]);
  });

  it("a target's validator-only entry reaches no socket code: only validators-code, the runtime's validation module and Ajv", () => {
    for (const target of readdirSync(join(root, 'generated'))) {
      const reach = [...specifiers(`generated/${target}/validators.ts`), ...specifiers(`generated/${target}/validators-code.ts`)];
      expect(reach.filter((s) => s !== './validators-code.js' && s !== '../../runtime/validation.js' && !s.startsWith('ajv/dist/runtime/')), target).toEqual([]);
    }
  });

  it('runtime/validation.ts imports types only (it is loaded by the validator-only entries)', () => {
    const text = readFileSync(join(root, 'runtime/validation.ts'), 'utf8');
    expect([...text.matchAll(/^import\s+(?!type\s)/gm)]).toEqual([]);
  });

  it('the test server (runtime/testing) imports only node:* and the runtime', () => {
    expect(offending('runtime/testing', (s) => s.startsWith('node:') || s.startsWith('./') || /^\.\.\/[\w-]+\.js$/.test(s))).toEqual([]);
  });

  it('nothing in runtime/ or generated/ imports the generator or its libraries', () => {
    const banned = /(^|\/)codegen\/|^ts-morph$|^typescript$|^json-schema-to-typescript$|^ajv$|^ajv\/dist\/(standalone|core|compile)/;
    const problems = [...offending('runtime', (s) => !banned.test(s)), ...offending('generated', (s) => !banned.test(s))];
    expect(problems).toEqual([]);
  });
});
