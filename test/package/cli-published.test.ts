/**
 * `qmp` as published, with no TypeScript and no ts-morph installed: the CLI's module graph is
 * compiled with `tsc` (cli/main.ts and what it imports) into a package folder whose node_modules
 * holds only Ajv and its own dependencies. It must start, reach a real QEMU, validate with the live
 * schema (the importer's code and Ajv) and find the committed docs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findQemu, projectRoot as root } from '../../scripts/qemus.js';

const work = mkdtempSync(join(tmpdir(), 'qmp-cli-package-'));
const pkg = join(work, 'node_modules/qmp-sdk');
const qmp = join(pkg, 'dist/cli/main.js');

function run(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [qmp, ...args], { encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  mkdirSync(pkg, { recursive: true });
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(root, 'schema'), join(pkg, 'schema'), { recursive: true });
  // Only the CLI's module graph, compiled as the build does.
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({ extends: join(root, 'tsconfig.json'), compilerOptions: { noEmit: false, declaration: false, rootDir: root, outDir: join(pkg, 'dist'), typeRoots: [join(root, 'node_modules/@types')] }, files: [join(root, 'cli/main.ts')], include: [] }),
  );
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(work, 'tsconfig.json')], { cwd: root });
  // Ajv and its dependencies, nothing else (no typescript, no ts-morph).
  const ajvDeps = Object.keys((JSON.parse(readFileSync(join(root, 'node_modules/ajv/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  mkdirSync(join(pkg, 'node_modules'));
  for (const dep of ['ajv', ...ajvDeps]) symlinkSync(join(root, 'node_modules', dep), join(pkg, 'node_modules', dep), 'dir');
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('qmp as published, without TypeScript or ts-morph', () => {
  it('the package folder has neither', () => {
    expect(() => execFileSync(process.execPath, ['-e', 'import("typescript")'], { cwd: pkg, stdio: 'pipe' })).toThrow(/Cannot find (package|module) 'typescript'/);
    expect(() => execFileSync(process.execPath, ['-e', 'import("ts-morph")'], { cwd: pkg, stdio: 'pipe' })).toThrow(/Cannot find (package|module) 'ts-morph'/);
  });

  it('--help, a one-shot, a validation error from the live schema and the committed docs, against QEMU 7.2', () => {
    expect(run(['--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('Exit codes:') });
    const q = findQemu('7.2');
    const launch = ['--launch', '--', q.binary, '-machine', 'none', '-nodefaults', '-display', 'none', '-S'];
    const ok = run(['--json', 'query-status', ...launch]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'prelaunch' });
    const bad = run(['blockdev-add', 'driver=file', 'node-name=f0', ...launch]);
    expect(bad.status).toBe(3);
    expect(bad.stderr).toContain('/arguments/filename: is required');
    const help = run(['shell', '--history', join(work, 'history'), ...launch], 'help query-status\nexit\n');
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/query-status\nQuery the run status of [\s\S]*Since: 0\.14/);
    expect(help.stdout).not.toContain('connection ended');
  }, 60_000);
});
