/**
 * Folder = layer (CONTRIBUTING.md): what each folder may import — the runtime, the test server,
 * the generated targets and the generator side — read with TypeScript's own pre-processor.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot as root } from '../scripts/qemus.js';

function tsFiles(dir: string, recursive = true): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

/** Module specifiers a file imports or re-exports, static and dynamic (as TypeScript's pre-processor reads them). */
function specifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

function offending(dir: string, allowed: (spec: string, file: string) => boolean, recursive = true): string[] {
  return tsFiles(dir, recursive).flatMap((f) => specifiers(f).filter((s) => !allowed(s, f)).map((s) => `${f} imports ${s}`));
}

describe('layering', () => {
  it('runtime/ (outside runtime/testing) imports only node:* and its own modules', () => {
    expect(tsFiles('runtime', false)).toContain('runtime/index.ts');
    expect(offending('runtime', (s) => s.startsWith('node:') || /^\.\/[\w-]+\.js$/.test(s), false)).toEqual([]);
  });

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

  it('the test server (runtime/testing) imports only node:*, its own files, the runtime contract and the option checker', () => {
    expect(offending('runtime/testing', (s) => s.startsWith('node:') || s.startsWith('./') || s === '../target.js' || s === '../options.js')).toEqual([]);
  });

  it('nothing in runtime/ or generated/ imports the generator or its libraries', () => {
    const banned = /(^|\/)codegen\/|^ts-morph$|^typescript$|^json-schema-to-typescript$|^ajv$|^ajv\/dist\/(standalone|core|compile)/;
    const problems = [...offending('runtime', (s) => !banned.test(s)), ...offending('generated', (s) => !banned.test(s))];
    expect(problems).toEqual([]);
  });
});
