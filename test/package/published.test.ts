/**
 * The publish path end to end, as a publisher and then a user run it: a fresh `git clone` of the
 * committed HEAD → `npm ci` → `npm pack` (whose `prepack` builds) → the tarball installed into fresh
 * projects that have no TypeScript and no dev tools. Covers the three uses:
 *  1. the typed SDK (`qmp-sdk`) driving a real QEMU 10.0 from plain JavaScript, and its types as a
 *     TypeScript user sees them through the exports map;
 *  2. regenerating with the published `qmp-codegen` (after installing the generator's libraries, the
 *     one line the CLI prints without them) — and the compiler pointing at the call site a QEMU
 *     upgrade broke;
 *  3. validators only (`qmp-sdk/validators`), with no socket code loaded;
 * plus the test server (`qmp-sdk/testing`), the runtime-only install holding no generator package,
 * and the tarball's contents. Uncommitted changes are not in the clone: commit before running this.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatorPeers } from '../../codegen/peers.js';
import { cleanEnv, installedPackages, installProject, packCommit, type PackedCommit } from '../../scripts/pack.js';
import { findQemu, projectRoot as root } from '../../scripts/qemus.js';

const work = mkdtempSync(join(tmpdir(), 'qmp-sdk-package-'));
/** A runtime/validator user: `npm install qmp-sdk`, nothing else. */
const app = join(work, 'app');
/** A user who regenerates: `npm install qmp-sdk ts-morph`. */
const regen = join(work, 'regen');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
let packed: PackedCommit;

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function spawn(cmd: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Ran {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(env), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `node args` in `cwd`; returns stdout, throws with both streams on failure. */
function node(args: readonly string[], cwd: string, env: Record<string, string> = {}): string {
  const r = spawn(process.execPath, args, cwd, env);
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${String(r.status)}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Type-checks `cwd` with the repository's tsc (the user's project has none); returns the diagnostics. */
function compile(cwd: string): string {
  const r = spawn(process.execPath, [tsc, '-p', '.'], cwd);
  return r.status === 0 ? '' : r.stdout + r.stderr;
}

function writeTsconfig(dir: string): void {
  const tsconfig = {
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
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
}

beforeAll(() => {
  packed = packCommit(work);
  installProject(app, [packed.tarball]);
  installProject(regen, [packed.tarball, ...Object.entries(generatorPeers).map(([name, range]) => `${name}@${range}`)]);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

describe('npm pack from a clean clone', () => {
  it('builds first (prepack) and ships the code, the schemas and the examples, not the repository scripts', () => {
    for (const f of ['dist/runtime/index.js', 'dist/testing/index.d.ts', 'dist/generated/qemu-10.0-x86_64/validators.js', 'dist/codegen/cli.js', 'schema/protocol/greeting.json', 'examples/demo.ts', 'README.md', 'LICENSE', 'package.json']) {
      expect(packed.files, f).toContain(f);
    }
    expect(packed.files.filter((f) => /^(dist\/)?(scripts|test|bench)\//.test(f) || f.startsWith('src/') || f.startsWith('node_modules/'))).toEqual([]);
  });

  it("the build step removed tsc's indentation from the validator code (scripts/unindent-validators.ts)", () => {
    for (const target of ['qemu-10.0-x86_64', 'qemu-7.2-x86_64']) {
      const code = readFileSync(join(app, 'node_modules/qmp-sdk/dist/generated', target, 'validators-code.js'), 'utf8');
      expect(code.length, target).toBeGreaterThan(1_000_000);
      expect(code.match(/^[ \t]+\S.*$/m)?.[0], target).toBeUndefined();
    }
  });

  it("the README's relative links all point at files in the package; absolute ones at the package's repository", () => {
    const readme = readFileSync(join(app, 'node_modules/qmp-sdk/README.md'), 'utf8');
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/qmp-sdk/package.json'), 'utf8')) as { homepage: string };
    const repository = manifest.homepage.replace(/#.*$/, '');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
    expect(links.length).toBeGreaterThan(0);
    const relative = links.filter((l) => !/^[a-z]+:/.test(l) && !l.startsWith('#'));
    expect(relative.filter((l) => !existsSync(join(app, 'node_modules/qmp-sdk', l.split('#')[0] as string)))).toEqual([]);
    expect(links.filter((l) => /^https?:/.test(l) && !l.startsWith(`${repository}/`) && !/^https:\/\/(www\.qemu\.org|nodejs\.org|www\.npmjs\.com|typedoc\.org)\//.test(l))).toEqual([]);
  });
});

describe('package hygiene of the tarball', () => {
  it('publint (strict, down to suggestions) finds nothing', async () => {
    const buf = readFileSync(packed.tarball);
    const r = await publint({ pack: { tarball: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer }, level: 'suggestion', strict: true });
    expect(r.messages).toEqual([]);
  });

  it('are the types wrong: ESM and bundlers get every entry with types; node16 CommonJS gets dynamic import only; node10 is unsupported', () => {
    const r = spawn(process.execPath, [join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'), packed.tarball, '--profile', 'esm-only', '--format', 'json'], work);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const { analysis } = JSON.parse(r.stdout) as { analysis: { entrypoints: Record<string, unknown>; problems: Array<{ kind: string; entrypoint: string; resolutionKind: string }> } };
    const entries = Object.keys(analysis.entrypoints).filter((e) => e !== './package.json');
    // every entry of the exports map (the bigint entries of issue 13 included)
    const exportsMap = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports;
    expect(entries.sort()).toEqual(Object.keys(exportsMap).filter((e) => e !== './package.json').sort());
    expect(entries).toContain('./bigint');
    expect(entries).toContain('./qga');
    const problems = analysis.problems.map((p) => `${p.entrypoint} ${p.resolutionKind} ${p.kind}`).sort();
    const expected = entries.flatMap((e) => [`${e} node10 NoResolution`, `${e} node16-cjs CJSResolvesToESM`]).sort();
    expect(problems).toEqual(expected);
  }, 60_000);
});

describe('a runtime user (npm install qmp-sdk)', () => {
  it('installs no generator package: qmp-sdk and Ajv (for the `qmp` command\'s live validators) with its own dependencies', () => {
    const names = installedPackages(join(app, 'node_modules')).map((p) => p.name);
    const generator = ['ts-morph', '@ts-morph/common', 'typescript', 'ajv-formats'];
    expect(names.filter((n) => generator.includes(n))).toEqual([]);
    const ajvDeps = Object.keys((JSON.parse(readFileSync(join(app, 'node_modules/ajv/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
    expect([...names].sort()).toEqual(['ajv', 'qmp-sdk', ...ajvDeps].sort());
  });

  it('npx qmp --help runs from the runtime install (no generator library needed)', () => {
    const r = spawn('npx', ['--no-install', 'qmp', '--help'], app);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('qmp');
  });

  it('typed SDK from plain JavaScript: `qmp-sdk` drives a real QEMU 10.0', () => {
    const q = findQemu('10.0');
    writeFileSync(
      join(app, 'main.mjs'),
      `import { launchQemu, isQmpCommandError } from 'qmp-sdk';
const vm = await launchQemu({ binary: process.env.QEMU, args: ['-machine', 'none', '-nodefaults', '-display', 'none', '-S'] });
try {
  const status = await vm.qmp.commands.queryStatus();
  let errorClass = '';
  try { await vm.qmp.execute('device_del', { id: 'nope' }); } catch (e) { if (isQmpCommandError(e)) errorClass = e.errorClass; }
  let invalid = '';
  try { await vm.qmp.commands.deviceDel({ id: 42 }); } catch (e) { invalid = e.name; }
  console.log(JSON.stringify({ major: vm.qmp.greeting.QMP.version.qemu.major, status: status.status, errorClass, invalid }));
} finally { await vm.close(); }
`,
    );
    const out = node(['main.mjs'], app, { ...q.env, QEMU: q.binary });
    expect(JSON.parse(out)).toEqual({ major: 10, status: 'prelaunch', errorClass: 'DeviceNotFound', invalid: 'QmpValidationError' });
  }, 60_000);

  it('the bundled runtime entries share one class per error: an agent client error from `qmp-sdk/qga` is a `QmpError` of `qmp-sdk/runtime` and of `qmp-sdk`', () => {
    writeFileSync(
      join(app, 'classes.mjs'),
      `import { QmpError, QmpConnectionError } from 'qmp-sdk/runtime';
import { QmpError as TargetQmpError } from 'qmp-sdk';
import { QgaClient } from 'qmp-sdk/qga';
let e;
try { await QgaClient.connect({ path: '/nonexistent/qmp-sdk-no-agent.sock', connectTimeoutMs: 2000 }); } catch (x) { e = x; }
console.log(JSON.stringify({ name: e?.name, runtime: e instanceof QmpError, connection: e instanceof QmpConnectionError, target: e instanceof TargetQmpError }));
`,
    );
    expect(JSON.parse(node(['classes.mjs'], app))).toEqual({ name: 'QmpConnectionError', runtime: true, connection: true, target: true });
  });

  it('the types resolve through the exports map for a TypeScript user (NodeNext, strict)', () => {
    const dir = join(app, 'ts');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeTsconfig(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(
      join(dir, 'src/main.ts'),
      `import { QmpClient, type StatusInfo } from 'qmp-sdk';
import { validateArguments } from 'qmp-sdk/validators';
import { createQmpServer } from 'qmp-sdk/testing';
import type { QmpCommandMap } from 'qmp-sdk/qemu-7.2-x86_64';
import { QmpClient as BigintClient, type QapiInt } from 'qmp-sdk/bigint';
import type { BlockDeviceStats } from 'qmp-sdk/qemu-7.2-x86_64/bigint';
import type { QmpEventMap } from 'qmp-sdk/qemu-10.0-x86_64/bigint';
export const rd = (s: BlockDeviceStats): bigint => s.rd_bytes;
export const offset = (d: QmpEventMap['RTC_CHANGE']): bigint => d.offset;
export async function size(qmp: BigintClient): Promise<bigint | undefined> { return (await qmp.commands.queryNamedBlockNodes())[0]?.image['virtual-size']; }
export const wide: QapiInt = 1n;
import { QgaClient, type GuestOSInfo } from 'qmp-sdk/qga';
export async function osinfo(qga: QgaClient): Promise<GuestOSInfo> { return qga.commands.guestGetOsinfo(); }
export async function status(qmp: QmpClient): Promise<StatusInfo> { return qmp.commands.queryStatus(); }
export const ok: boolean = validateArguments('blockdev-del', { 'node-name': 'n' }).ok;
export type Q = QmpCommandMap['query-status']['returns'];
export const server = createQmpServer;
// @ts-expect-error TS2345: not a command of this target
export const bad = (qmp: QmpClient) => qmp.execute('no-such-command');
`,
    );
    // The README's first typed example, as a user pastes it.
    const readme = readFileSync(join(app, 'node_modules/qmp-sdk/README.md'), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toContain("from 'qmp-sdk'");
    writeFileSync(join(dir, 'src/readme.ts'), `${example ?? ''}\nexport {};\n`);
    // and the README's bigint-mode example (issue 13)
    const bigintExample = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes("from 'qmp-sdk/bigint'"));
    expect(bigintExample).toBeDefined();
    writeFileSync(join(dir, 'src/readme-bigint.ts'), `${bigintExample ?? ''}\nexport {};\n`);
    expect(compile(dir)).toBe('');
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
const loaded = process.moduleLoadList.filter((m) => /^NativeModule (net|tls|child_process|dgram)$/.test(m));
console.log(JSON.stringify({ ok: ok.ok, bad, unknown: unknown.ok, greeting: greeting.ok, socketModules: loaded }));`,
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

  it('the test server: `qmp-sdk/testing` answers the typed client and logs what it received', () => {
    const out = node(
      [
        '--input-type=module',
        '-e',
        `import { QmpClient, target } from 'qmp-sdk';
import { createQmpServer, QmpServerError } from 'qmp-sdk/testing';
const server = createQmpServer({ target, handlers: {
  'query-status': () => ({ status: 'paused', running: false }),
  device_del: ({ id }) => { throw new QmpServerError('DeviceNotFound', 'Device ' + id + ' not found'); },
} });
const qmp = await QmpClient.connect({ stream: server.connectStream() });
const status = await qmp.execute('query-status');
const err = await qmp.commands.deviceDel({ id: 'd1' }).catch((e) => e.errorClass);
await qmp.close();
await server.close();
console.log(JSON.stringify({ status: status.status, err, received: server.received.map((c) => c.name) }));`,
      ],
      app,
    );
    expect(JSON.parse(out)).toEqual({ status: 'paused', err: 'DeviceNotFound', received: ['qmp_capabilities', 'query-status', 'device_del'] });
  });

  it('the guest agent: `qmp-sdk/qga` (and `qmp-sdk/qga-7.2`, `qmp-sdk/qga/validators`) talks to the test agent of `qmp-sdk/testing`', () => {
    const out = node(
      [
        '--input-type=module',
        '-e',
        `import { QgaClient, target, isQgaNoAgentError } from 'qmp-sdk/qga';
import { QgaClient as Qga72 } from 'qmp-sdk/qga-7.2';
import { validateArguments } from 'qmp-sdk/qga/validators';
import { createQgaServer } from 'qmp-sdk/testing';
const agent = createQgaServer({ target, handlers: { 'guest-get-time': () => 1795979482353939000n, 'guest-shutdown': () => undefined } });
await agent.whenReady();
const qga = await QgaClient.connect({ stream: agent.connect(), validateReturns: true });
const time = await qga.commands.guestGetTime();
const down = await qga.commands.guestShutdown();
await qga.close();
const silent = createQgaServer({ noAgent: true });
const none = await Qga72.connect({ stream: silent.connect(), syncTimeoutMs: 100 }).catch((e) => isQgaNoAgentError(e));
await agent.close();
await silent.close();
console.log(JSON.stringify({ time: String(time), down: down === undefined, none, bad: validateArguments('guest-exec', {}).ok, v72: Qga72.target.name }));`,
      ],
      app,
    );
    expect(JSON.parse(out)).toEqual({ time: '1795979482353939000', down: true, none: true, bad: false, v72: 'qga-7.2' });
  });

  it('`qmp-sdk/codegen` without ts-morph: diffSchemas of the two shipped schema folders and schemaSupports work; generateTarget rejects with the one line to install', () => {
    const out = node(
      [
        '--input-type=module',
        '-e',
        `import { diffSchemas, loadSchema, schemaSupports, generateTarget, isGenerateError } from 'qmp-sdk/codegen';
const dir = 'node_modules/qmp-sdk/schema/';
const report = await diffSchemas(dir + 'qemu-7.2-x86_64', dir + 'qemu-10.0-x86_64');
const schema = await loadSchema(dir + 'qemu-10.0-x86_64');
const gen = await generateTarget({ schemaDir: dir + 'qemu-10.0-x86_64', outDir: 'src/gen' }).then(() => 'generated', (e) => (isGenerateError(e) ? e.message : String(e)));
console.log(JSON.stringify({ breaking: report.summary.breaking, ioUring: schemaSupports(schema, 'blockdev-add/arg-type/+file/aio/^io_uring'), gen }));`,
      ],
      app,
    );
    expect(JSON.parse(out)).toEqual({
      breaking: 43,
      ioUring: true,
      gen: "generateTarget: qmp-codegen needs the generator's libraries, which runtime users do not install: npm install --save-dev ts-morph@^28.0.0",
    });
    expect(existsSync(join(app, 'src'))).toBe(false);
  });

  it('npx qmp-codegen --help lists only the user commands; generate and import --generate name the one line to install; import alone works', () => {
    const help = spawn('npx', ['--no-install', 'qmp-codegen', '--help'], app);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout.trim()).toBe('usage: qmp-codegen <import|generate|diff> [options]   (qmp-codegen <command> --help)');
    for (const dev of ['import-all', 'generate-all']) {
      const r = spawn('npx', ['--no-install', 'qmp-codegen', dev], app);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`unknown command '${dev}'`);
    }
    const gen = spawn('npx', ['--no-install', 'qmp-codegen', 'generate', '--schema', 'node_modules/qmp-sdk/schema/qemu-10.0-x86_64', '--out', 'src/qmp'], app);
    expect(gen.status).toBe(1);
    expect(gen.stderr.trim().split('\n')).toEqual([
      "qmp-codegen needs the generator's libraries, which runtime users do not install: npm install --save-dev ts-morph@^28.0.0",
    ]);
    expect(existsSync(join(app, 'src'))).toBe(false);
    // `import --generate` needs the generator too: the same line, nothing written.
    const both = spawn('npx', ['--no-install', 'qmp-codegen', 'import', '--file', 'x.json', '--out', 'schema/x', '--generate', 'src/qmp'], app);
    expect(both.status).toBe(1);
    expect(both.stderr).toContain('npm install --save-dev ts-morph@');
    expect(existsSync(join(app, 'schema'))).toBe(false);
    // `import` alone needs only the importer (Ajv): it works from the runtime install.
    expect(spawn('npx', ['--no-install', 'qmp-codegen', 'import', '--help'], app).stdout).toContain('usage: qmp-codegen import');
    const q = findQemu('7.2');
    const imported = spawn('npx', ['--no-install', 'qmp-codegen', 'import', '--qemu', q.binary, '--out', 'schema/my-qemu'], app, q.env);
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(app, 'schema/my-qemu/target.json'), 'utf8'))).toMatchObject({ target: 'qemu-7.2-x86_64', qemu: { major: 7, minor: 2 }, arch: 'x86_64' });
    rmSync(join(app, 'schema'), { recursive: true });
  }, 60_000);
});

describe("a new user who follows the README's first screen in an empty folder", () => {
  it('npm init -y, the install block as written (the tarball for qmp-sdk), the ten-line example saved as example.ts and run with tsx: QEMU 10.0, and QEMU 7.2 through the import its comment names, print what its comments say and warn of nothing', () => {
    const dir = join(work, 'first-screen');
    mkdirSync(dir);
    // What `npm init -y` makes is a CommonJS project (npm 11): the README has to say how to run ESM there.
    expect(spawn('npm', ['init', '-y'], dir).status).toBe(0);
    const readme = readFileSync(join(app, 'node_modules/qmp-sdk/README.md'), 'utf8');
    const firstScreen = readme.slice(0, readme.indexOf('\n## '));
    const commands = (/```sh\n([\s\S]*?)```/.exec(firstScreen)?.[1] ?? '').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '');
    expect(commands).toContain('npm install qmp-sdk');
    for (const command of commands) {
      const [cmd = '', ...args] = command === 'npm install qmp-sdk' ? ['npm', 'install', '--prefer-offline', '--no-audit', '--no-fund', packed.tarball] : command.split(/\s+/);
      const r = spawn(cmd, args, dir);
      expect(r.status, `${command}\n${r.stderr}`).toBe(0);
    }
    const example = /```ts\n([\s\S]*?)```/.exec(firstScreen)?.[1] ?? '';
    expect(example.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(10);
    expect(/\bnpx tsx example\.ts\b/.test(firstScreen)).toBe(true);
    const tsx = join(root, 'node_modules/tsx/dist/cli.mjs'); // what `npx tsx` runs
    const tsxTmp = join(work, 'tsx-tmp'); // tsx's compile cache, removed with `work`
    mkdirSync(tsxTmp);
    const run = (source: string, env: Record<string, string>): Ran => {
      writeFileSync(join(dir, 'example.ts'), source);
      return spawn(process.execPath, [tsx, 'example.ts'], dir, { ...env, TMPDIR: tsxTmp });
    };
    const q10 = findQemu('10.0');
    const on10 = run(example.replace("'/usr/bin/qemu-system-x86_64'", JSON.stringify(q10.binary)), q10.env);
    expect(on10.stderr).toBe('');
    expect(on10.stdout).toMatch(/^resumed at \d+\nDeviceNotFound\n$/);
    const q72 = findQemu('7.2');
    expect(example).toContain(`'${q72.binary}'`);
    const entry72 = /\(7\.2: '(qmp-sdk\/[^']+)'\)/.exec(example)?.[1];
    expect(entry72).toBe('qmp-sdk/qemu-7.2-x86_64');
    const on72 = run(example.replace("from 'qmp-sdk'", `from '${entry72 ?? ''}'`), q72.env);
    expect(on72.stderr).toBe(''); // no QmpVersionMismatchWarning
    expect(on72.stdout).toMatch(/^resumed at \d+\nDeviceNotFound\n$/);
  }, 120_000);
});

describe('a user who regenerates (npm install qmp-sdk ts-morph)', () => {
  it('the published qmp-codegen makes a target the user code imports; an upgrade breaks the right call site', () => {
    const q = findQemu('7.2');
    writeTsconfig(regen);
    const codegen = (schema: string): void => {
      const r = spawn('npx', ['--no-install', 'qmp-codegen', 'generate', '--schema', `node_modules/qmp-sdk/schema/${schema}`, '--out', 'src/qmp'], regen);
      expect(r.status, r.stderr).toBe(0);
    };
    // The user's own QEMU 7.2 target, importing the runtime from the installed package.
    codegen('qemu-7.2-x86_64');
    writeFileSync(
      join(regen, 'src/main.ts'),
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
    expect(compile(regen)).toBe('');
    expect(JSON.parse(node(['out/main.js'], regen))).toEqual({ minor: 2, profile: 'QmpCommandError' }); // Debian builds it without the profiler

    // QEMU upgraded to 10.0: regenerate, and the compiler names the call site that broke.
    codegen('qemu-10.0-x86_64');
    const diagnostics = compile(regen);
    expect(diagnostics).toMatch(/src\/main\.ts\(5,\d+\): error TS2339: Property 'xQueryProfile' does not exist/);
    // Only the user's call site breaks (line 6 then uses the unknown-typed result); the target compiles.
    const errors = diagnostics.trim().split('\n').filter((l) => l.includes('error TS'));
    expect(errors.every((l) => /^src\/main\.ts\((5|6),/.test(l)), errors.join('\n')).toBe(true);
  }, 120_000);
});
