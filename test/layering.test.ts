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
  it('runtime/ top level: index.ts re-exports the layers; every other file (contract and shared helpers) imports only node:* and its top-level siblings', () => {
    expect(tsFiles('runtime', false)).toContain('runtime/index.ts');
    const sibling = (s: string): boolean => /^\.\/[\w-]+\.js$/.test(s);
    const layer = (s: string): boolean => /^\.\/(core|qmp|qga)\/[\w-]+\.js$/.test(s) || s === './operations/index.js' || s === './qga/helpers/index.js';
    expect(offending('runtime', (s, f) => s.startsWith('node:') || sibling(s) || (f === 'runtime/index.ts' && layer(s)), false)).toEqual([]);
  });

  it('runtime/core (the request core) imports only node:*, its own files and the shared top-level modules, and knows no QMP name', () => {
    expect(tsFiles('runtime/core')).toContain('runtime/core/request-core.ts');
    const shared = (s: string): boolean => /^\.\.\/[\w-]+\.js$/.test(s) && s !== '../index.js';
    expect(offending('runtime/core', (s) => s.startsWith('node:') || /^\.\/[\w-]+\.js$/.test(s) || shared(s))).toEqual([]);
    const qmpNames = /['"`](execute|exec-oob|qmp_capabilities|return|event|greeting|QMP|arguments|oob|capabilities)['"`]/g;
    const leaks = tsFiles('runtime/core').flatMap((f) => [...readFileSync(join(root, f), 'utf8').matchAll(qmpNames)].map((m) => `${f}: ${m[0]}`));
    expect(leaks).toEqual([]);
  });

  it('runtime/qmp (session, face, launcher) imports node:*, its own files, the core and the shared modules; operations only from the face; the session sits on the core, the face on the session', () => {
    const allowed = (s: string, f: string): boolean =>
      s.startsWith('node:') ||
      /^\.\/[\w-]+\.js$/.test(s) ||
      /^\.\.\/core\/[\w-]+\.js$/.test(s) ||
      (/^\.\.\/[\w-]+\.js$/.test(s) && s !== '../index.js') ||
      (s === '../operations/index.js' && f === 'runtime/qmp/client.ts');
    expect(offending('runtime/qmp', allowed)).toEqual([]);
    expect(specifiers('runtime/qmp/session.ts')).toContain('../core/request-core.js');
    expect(specifiers('runtime/qmp/client.ts')).toContain('./session.js');
    // The launcher reaches the client only through its seam (LaunchConnector), never the class.
    expect(specifiers('runtime/qmp/launcher.ts').filter((s) => s === './client.js' || s === './session.js')).toEqual([]);
  });

  it('runtime/qga (the guest agent session and face) imports node:*, its own files, the core and the shared modules; never the QMP dialect', () => {
    const allowed = (s: string, f: string): boolean =>
      f.startsWith('runtime/qga/helpers/') || // their own rule below
      s.startsWith('node:') || /^\.\/[\w-]+\.js$/.test(s) || /^\.\.\/core\/[\w-]+\.js$/.test(s) || (/^\.\.\/[\w-]+\.js$/.test(s) && s !== '../index.js') ||
      (s === './helpers/index.js' && (f === 'runtime/qga/client.ts' || f === 'runtime/qga/index.ts'));
    expect(tsFiles('runtime/qga')).toContain('runtime/qga/session.ts');
    expect(offending('runtime/qga', allowed)).toEqual([]);
    expect(specifiers('runtime/qga/session.ts')).toContain('../core/request-core.js');
    expect(specifiers('runtime/qga/client.ts')).toContain('./session.js');
  });

  it('runtime/operations imports only node:*, its own files and the contract\'s errors, target, timers and guards', () => {
    const contract = new Set(['../errors.js', '../target.js', '../timers.js', '../guards.js']);
    expect(tsFiles('runtime/operations')).toContain('runtime/operations/jobs.ts');
    expect(offending('runtime/operations', (s) => s.startsWith('node:') || /^\.\/[\w-]+\.js$/.test(s) || contract.has(s))).toEqual([]);
  });

  it('runtime/qga/helpers (exec, files, fsfreeze) imports only node:*, its own files and the shared top-level modules: it works over any executor, never the session', () => {
    expect(tsFiles('runtime/qga/helpers')).toContain('runtime/qga/helpers/exec.ts');
    const shared = (s: string): boolean => /^\.\.\/\.\.\/[\w-]+\.js$/.test(s) && s !== '../../index.js';
    expect(offending('runtime/qga/helpers', (s) => s.startsWith('node:') || /^\.\/[\w-]+\.js$/.test(s) || shared(s))).toEqual([]);
  });

  it('no file in runtime/ is over 450 lines', () => {
    const long = tsFiles('runtime')
      .map((f) => ({ f, lines: readFileSync(join(root, f), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > 450)
      .map(({ f, lines }) => `${f}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it('no import cycle in runtime/ or testing/ (types included: every relative import, static or dynamic)', () => {
    const files = [...tsFiles('runtime'), ...tsFiles('testing')];
    const edges = new Map(files.map((f) => [f, specifiers(f).filter((s) => s.startsWith('.')).map((s) => relative(root, join(root, f, '..', s.replace(/\.js$/, '.ts'))))]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const next of edges.get(f) ?? []) visit(next, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('no QMP name the operations use appears in the runtime core (they stay in runtime/operations)', () => {
    const quoted = (f: string): string[] => [...readFileSync(join(root, f), 'utf8').matchAll(/'([a-z]+(?:[-_][a-z]+)+|[A-Z]+(?:_[A-Z]+)+)'/g)].map((m) => m[1]!);
    const names = new Set(tsFiles('runtime/operations').flatMap(quoted));
    expect(names).toContain('JOB_STATUS_CHANGE');
    const core = [...tsFiles('runtime', false), ...tsFiles('runtime/core'), ...tsFiles('runtime/qmp')];
    const leaks = core.flatMap((f) => quoted(f).filter((n) => names.has(n)).map((n) => `${f}: '${n}'`));
    expect(leaks).toEqual([]);
  });

  it('generated targets import only their own files, the runtime entry and its validation module, and Ajv runtime helpers', () => {
    const problems = offending('generated', (s) => /^\.\/[\w-]+\.js$/.test(s) || s === '../../runtime/index.js' || s === '../../runtime/validation.js' || s === '../../runtime/qga/index.js' || s.startsWith('ajv/dist/runtime/'));
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

  it('the test server (testing/, its own layer) imports only node:*, its own files, the runtime contract, the option checker and the lossless JSON parser/serialiser', () => {
    expect(tsFiles('testing')).toContain('testing/server.ts');
    const runtime = new Set(['../runtime/target.js', '../runtime/options.js', '../runtime/json-parse.js', '../runtime/json-stringify.js', '../runtime/qga/types.js']);
    expect(offending('testing', (s) => s.startsWith('node:') || s.startsWith('./') || runtime.has(s))).toEqual([]);
  });

  it('codegen/diff reads the importer\'s model and the runtime\'s socket-free query module, nothing else of the runtime', () => {
    const shared = (s: string) => /^\.\.\/(import|qapi|schema-format)\/[\w-]+\.js$/.test(s) || s === '../guards.js';
    const allowed = (s: string) => s.startsWith('node:') || /^\.\/[\w-]+\.js$/.test(s) || shared(s) || s === '../../runtime/schema-query.js';
    expect(tsFiles('codegen/diff').length).toBeGreaterThan(0);
    expect(offending('codegen/diff', allowed)).toEqual([]);
    expect(specifiers('runtime/schema-query.ts').sort()).toEqual(['./errors.js', './guards.js']);
  });

  it('cli/ imports node:*, its own files, the runtime, the importer (codegen/import) and ajv; runtime/ and codegen/ never import cli/', () => {
    const allowed = (s: string) => s.startsWith('node:') || /^\.\/[\w-]+\.js$/.test(s) || /^\.\.\/runtime\/[\w-]+\.js$/.test(s) || s === '../runtime/qga/index.js' || /^\.\.\/codegen\/(import|schema-format)\/[\w-]+\.js$/.test(s);
    expect(offending('cli', allowed)).toEqual([]);
    expect([...offending('runtime', (s) => !/(^|\/)cli\//.test(s)), ...offending('codegen', (s) => !/(^|\/)cli\//.test(s))]).toEqual([]);
  });

  it('everything `qmp` loads (cli/main.ts and what it reaches) needs no TypeScript or ts-morph at run time', () => {
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const s of specifiers(file)) {
        if (s.startsWith('.')) visit(relative(root, join(root, file, '..', s.replace(/\.js$/, '.ts'))));
        else bare.add(s);
      }
    };
    visit('cli/main.ts');
    expect(seen).toContain('codegen/import/build.ts');
    expect([...bare].filter((s) => !s.startsWith('node:')).sort()).toEqual(['ajv']);
  });

  it('nothing in runtime/ or generated/ imports the generator or its libraries', () => {
    const banned = /(^|\/)codegen\/|^ts-morph$|^typescript$|^json-schema-to-typescript$|^ajv$|^ajv\/dist\/(standalone|core|compile)/;
    const problems = [...offending('runtime', (s) => !banned.test(s)), ...offending('generated', (s) => !banned.test(s))];
    expect(problems).toEqual([]);
  });

  it('the published folders (runtime, codegen, generated) import nothing the package does not ship (scripts, test, bench, examples)', () => {
    const unpublished = /(^|\/)(scripts|test|bench|examples)\//;
    const problems = ['runtime', 'codegen', 'generated'].flatMap((dir) => offending(dir, (s) => !(s.startsWith('.') && unpublished.test(s))));
    expect(problems).toEqual([]);
  });

  it('codegen/ has no import cycle (type-only imports count: a cycle of types still ties two modules together)', () => {
    const files = tsFiles('codegen');
    const edges = new Map(files.map((f) => [f, specifiers(f).filter((s) => s.startsWith('.')).map((s) => relative(root, join(root, f, '..', s.replace(/\.js$/, '.ts'))))]));
    expect(edges.get('codegen/generate/generate.ts')).toContain('codegen/generate/model.ts');
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const to of edges.get(f) ?? []) if (edges.has(to)) visit(to, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it("typedoc/entries re-export only the package's public entry points (the API reference shows what users import)", () => {
    const publicEntries = new Set(['../../runtime/index.js', '../../testing/index.js', '../../codegen/index.js', '../../generated/qemu-10.0-x86_64/index.js', '../../generated/qemu-10.0-x86_64/validators.js', '../../generated/qemu-10.0-x86_64/bigint.js', '../../generated/qga-10.0/index.js', '../../generated/qga-10.0/validators.js']);
    expect(offending('typedoc/entries', (s) => publicEntries.has(s))).toEqual([]);
  });
});
