/**
 * The package as a user installs it: built with `tsc`, resolved through the `exports` map by
 * Node and by TypeScript, from a separate application folder. Covers the three uses end to end:
 *  1. the typed SDK (`qmp-sdk`) driving a real QEMU 10.0;
 *  2. regenerating for the user's own QEMU with the published `qmp-codegen`, the user's code
 *     importing the runtime from the installed package — and the compiler pointing at the call
 *     site that a QEMU upgrade broke;
 *  3. validators only (`qmp-sdk/validators`), with no socket code loaded.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findQemu, projectRoot as root } from '../../scripts/qemus.js';

const work = mkdtempSync(join(tmpdir(), 'qmp-sdk-package-'));
const pkg = join(work, 'node_modules/qmp-sdk');
const app = join(work, 'app');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

function node(args: string[], cwd: string, env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Runs tsc in `cwd`; returns its diagnostics (empty when it compiled). */
function compile(cwd: string): string {
  const r = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd, encoding: 'utf8' });
  return r.status === 0 ? '' : r.stdout + r.stderr;
}

const appTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    types: ['node'],
    typeRoots: [join(root, 'node_modules/@types')],
    rootDir: 'src',
    outDir: 'out',
    skipLibCheck: false,
  },
  include: ['src'],
};

beforeAll(() => {
  // The package folder as npm would lay it out: package.json, dist/ (fresh build), schema/.
  mkdirSync(pkg, { recursive: true });
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(root, 'schema'), join(pkg, 'schema'), { recursive: true });
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')], { cwd: root });
  // Its dependencies (ajv, ts-morph, …) as installed beside it.
  symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module', private: true }));
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(appTsconfig));
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the published package', () => {
  it('typed SDK: `qmp-sdk` drives a real QEMU 10.0 through the exports map', () => {
    const q = findQemu('10.0');
    writeFileSync(
      join(app, 'src/main.ts'),
      `import { launchQemu, isQmpCommandError, type StatusInfo } from 'qmp-sdk';
const vm = await launchQemu({ binary: process.env.QEMU_BINARY!, env: { QEMU_MODULE_DIR: process.env.QEMU_MODULE_DIR! }, args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'] });
try {
  const status: StatusInfo = await vm.qmp.commands.queryStatus();
  let errorClass = '';
  try { await vm.qmp.execute('device_del', { id: 'nope' }); } catch (e) { if (isQmpCommandError(e)) errorClass = e.errorClass; }
  console.log(JSON.stringify({ major: vm.qmp.greeting.QMP.version.qemu.major, status: status.status, errorClass }));
} finally { await vm.close(); }
`,
    );
    expect(compile(app)).toBe('');
    const out = node(['out/main.js'], app, { QEMU_BINARY: q.binary, QEMU_MODULE_DIR: q.env.QEMU_MODULE_DIR ?? '' });
    expect(JSON.parse(out)).toEqual({ major: 10, status: 'prelaunch', errorClass: 'DeviceNotFound' });
    rmSync(join(app, 'src/main.ts'));
    rmSync(join(app, 'out'), { recursive: true, force: true });
  }, 60_000);

  it('regenerate: the published qmp-codegen makes a target the user code imports; an upgrade breaks the right call site', () => {
    const q = findQemu('7.2');
    const cli = join(pkg, 'dist/codegen/cli.js');
    // The user's own QEMU 7.2 target, importing the runtime from the installed package.
    node([cli, 'generate', '--schema', join(pkg, 'schema/qemu-7.2-x86_64'), '--out', 'src/qmp'], app);
    writeFileSync(
      join(app, 'src/main.ts'),
      `import { launchQemu } from './qmp/index.js';
const vm = await launchQemu({ binary: ${JSON.stringify(q.binary)}, args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'] });
try {
  const v = await vm.qmp.commands.queryVersion();
  const profile = vm.qmp.commands.xQueryProfile(); // exists in QEMU 7.2, removed later
  const outcome = await profile.then((p) => typeof p['human-readable-text'], (e: Error) => e.name);
  console.log(JSON.stringify({ minor: v.qemu.minor, profile: outcome }));
} finally { await vm.close(); }
`,
    );
    expect(compile(app)).toBe('');
    expect(JSON.parse(node(['out/main.js'], app))).toEqual({ minor: 2, profile: 'QmpCommandError' }) // Debian builds it without the profiler;

    // QEMU upgraded to 10.0: regenerate, and the compiler names the call site that broke.
    node([cli, 'generate', '--schema', join(pkg, 'schema/qemu-10.0-x86_64'), '--out', 'src/qmp'], app);
    const diagnostics = compile(app);
    expect(diagnostics).toMatch(/src\/main\.ts\(5,\d+\): error TS2339: Property 'xQueryProfile' does not exist/);
    // Only the user's call site breaks (line 6 then uses the unknown-typed result); the target compiles.
    const errors = diagnostics.trim().split('\n').filter((l) => l.includes('error TS'));
    expect(errors.every((l) => /^src\/main\.ts\((5|6),/.test(l)), errors.join('\n')).toBe(true);
    rmSync(join(app, 'src'), { recursive: true, force: true });
    rmSync(join(app, 'out'), { recursive: true, force: true });
    mkdirSync(join(app, 'src'));
  }, 120_000);

  it('validators only: `qmp-sdk/validators` works as real ESM and loads no socket code', () => {
    const out = node(
      [
        '--input-type=module',
        '-e',
        `import { validateArguments, validateReturn, validateGreeting } from 'qmp-sdk/validators';
const ok = validateArguments('blockdev-del', { 'node-name': 'n0' });
const bad = validateArguments('blockdev-del', { 'node-name': 1 });
const unknown = validateReturn('no-such-command', {});
const greeting = validateGreeting({ QMP: { version: { qemu: { major: 11, minor: 0, micro: 0 }, package: '' }, capabilities: ['oob', 'new-cap'] }, extra: 1 });
const { builtinModules } = await import('node:module');
const loaded = process.moduleLoadList.filter((m) => /^NativeModule (net|tls|child_process|dgram)$/.test(m));
console.log(JSON.stringify({ ok: ok.ok, bad, unknown: unknown.ok, greeting: greeting.ok, socketModules: loaded, builtins: builtinModules.length > 0 }));`,
      ],
      app,
    );
    const r = JSON.parse(out) as { ok: boolean; bad: { ok: boolean; errors: { path: string }[] }; unknown: boolean; greeting: boolean; socketModules: string[] };
    expect(r.ok).toBe(true);
    expect(r.bad.ok).toBe(false);
    expect(r.bad.errors[0]?.path).toBe('/arguments/node-name');
    expect(r.unknown).toBe(false);
    expect(r.greeting).toBe(true);
    expect(r.socketModules).toEqual([]);
  });
});
