/** Helpers of the generator tests: temp folders (removed), programmatic type checks, transpiling to ESM. */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync, readdirSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { transformSync } from 'esbuild';

/** Repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The small fixture target covering every schema construct. */
export const fixtureDir = join(root, 'test/generate/fixtures/qemu-9.9-fixture');
/** The runtime entry as an absolute specifier (for output generated outside the repository). */
export const runtimeAbs = join(root, 'runtime/index.js');
/** The runtime's socket-free validation module that generated validators import beside it. */
export const validationAbs = join(root, 'runtime/validation.js');

/** A temp folder with `node_modules` linked to the repository's; `done()` removes it. */
export function tempDir(prefix = 'qmp-gen-'): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{"type":"module","private":true}\n');
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The project's compiler options (strict, NodeNext, …) for programmatic checks. */
export function projectOptions(extra: ts.CompilerOptions = {}): ts.CompilerOptions {
  const cfg = ts.readConfigFile(join(root, 'tsconfig.json'), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, root);
  return { ...parsed.options, rootDir: undefined, noEmit: true, ignoreDeprecations: '6.0', ...extra } as ts.CompilerOptions;
}

/** Type-checks `files`; returns diagnostics of files under `within` (one folder or several) as `file(line): message`. */
export function typecheck(files: string[], within: string | string[], extra: ts.CompilerOptions = {}): string[] {
  const program = ts.createProgram(files, projectOptions(extra));
  const dirs = (Array.isArray(within) ? within : [within]).map((d) => resolve(d));
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || dirs.some((dir) => resolve((d.file as ts.SourceFile).fileName).startsWith(dir)))
    .map((d) => {
      const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.file === undefined || d.start === undefined) return msg;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${d.file.fileName}(${line + 1}): TS${d.code} ${msg}`;
    });
}

/** Transpiles every `.ts` of `from` into `.js` files in `to` (ES modules, imports kept). */
export function transpileFolder(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (!name.endsWith('.ts')) continue;
    const out = transformSync(readFileSync(join(from, name), 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022' });
    writeFileSync(join(to, name.replace(/\.ts$/, '.js')), out.code);
  }
}

/** Writes a target schema folder from definition maps (for bad-input and hostile fixtures). */
export function writeSchema(dir: string, target: string, defs: { types?: object; commands?: object; returns?: object; events?: object }): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'target.json'), JSON.stringify({ target, qemu: { major: 0, minor: 0, micro: 0 }, package: '', arch: 'x86_64', importer: { version: '1.0', from: 'file', qapiSource: null }, counts: {} }));
  for (const file of ['types', 'commands', 'returns', 'events'] as const) {
    writeFileSync(
      join(dir, `${file}.json`),
      JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', $id: `https://qmp-sdk.invalid/schema/${target}/${file}.json`, title: file, definitions: defs[file] ?? {} }),
    );
  }
}

/** Copies the fixture to `dir` so a test may change it. */
export function copyFixture(dir: string): void {
  cpSync(fixtureDir, dir, { recursive: true });
}
