/**
 * `runtime/generated-symbols.ts`, the runtime's table of names generated code imports or
 * re-exports: each one is really exported by the runtime module it names, as the kind it says
 * (read with TypeScript's checker over the runtime's sources).
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { generatedSymbols } from '../../runtime/generated-symbols.js';
import { projectOptions, root } from './helpers.js';

const modules = { 'index.js': join(root, 'runtime/index.ts'), 'validation.js': join(root, 'runtime/validation.ts'), 'qga/index.js': join(root, 'runtime/qga/index.ts') } as const;
const program = ts.createProgram(Object.values(modules), projectOptions());
const checker = program.getTypeChecker();

/** Exports of a runtime module: name → `value` (it has a run-time value) or `type` (types only). */
function exportsOf(file: string): Map<string, 'value' | 'type'> {
  const source = program.getSourceFile(file);
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) throw new Error(`no module symbol for ${file}`);
  const out = new Map<string, 'value' | 'type'>();
  for (const s of checker.getExportsOfModule(moduleSymbol)) {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    // `export type { X }` of a value makes it type-only for importers
    const typeOnly = (s.declarations ?? []).some((d) => ts.isTypeOnlyImportOrExportDeclaration(d)) || !(target.flags & ts.SymbolFlags.Value);
    out.set(s.name, typeOnly ? 'type' : 'value');
  }
  return out;
}

describe('runtime/generated-symbols.ts', () => {
  const exported = { 'index.js': exportsOf(modules['index.js']), 'validation.js': exportsOf(modules['validation.js']), 'qga/index.js': exportsOf(modules['qga/index.js']) };

  it('reads real exports (the checker sees the runtime entry and its validation module)', () => {
    expect(exported['index.js'].get('QmpClient')).toBe('value');
    expect(exported['index.js'].get('TargetBinding')).toBe('type');
    expect(exported['validation.js'].get('createTargetValidators')).toBe('value');
    expect(exported['index.js'].has('noSuchName')).toBe(false);
  });

  it('every listed name is exported by the module it names, as a value or a type as listed', () => {
    const wrong = Object.entries(generatedSymbols).flatMap(([name, sym]) => {
      const kind = exported[sym.module].get(name);
      if (kind === undefined) return [`${name}: not exported by runtime/${sym.module}`];
      if (sym.kind === 'value' && kind !== 'value') return [`${name}: listed as a value, runtime/${sym.module} exports only its type`];
      return [];
    });
    expect(wrong).toEqual([]);
    expect(Object.keys(generatedSymbols).length).toBeGreaterThan(40);
  });

  it('the validator-only entry needs nothing of the runtime entry (only validation.js names are values it imports)', () => {
    const fromValidation = Object.entries(generatedSymbols).filter(([, s]) => s.module === 'validation.js').map(([n]) => n);
    expect(fromValidation.sort()).toEqual(['CompiledValidator', 'createDeviceAddValidator', 'createTargetValidators']);
  });
});
