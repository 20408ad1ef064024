import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTarget } from '../../codegen/generate/generate.js';
import { fixtureDir, root, runtimeAbs, tempDir, transpileFolder, writeSchema } from './helpers.js';

type Result = { ok: true; value: unknown } | { ok: false; errors: { path: string; message: string }[] };
interface Validators {
  validateArguments(c: string, a: unknown): Result;
  validateReturn(c: string, v: unknown): Result;
  validateEvent(e: string, d: unknown): Result;
  validateGreeting(m: unknown): Result;
  validateMessage(m: unknown): Result;
}

const tmp = tempDir();
const out = join(tmp.dir, 'fixture');
let v: Validators;
beforeAll(async () => {
  await generateTarget({ schemaDir: fixtureDir, outDir: out, runtimeImport: runtimeAbs });
  v = (await import(join(out, 'validators.ts'))) as Validators;
});
afterAll(() => tmp.done());

const errors = (r: Result): { path: string; message: string }[] => (r.ok ? [] : r.errors);

describe('fixture validators', () => {
  it('arguments are exact: required, unknown members, types, enums, union tags', () => {
    expect(v.validateArguments('human-monitor-command', { 'command-line': 'info status' })).toEqual({ ok: true, value: { 'command-line': 'info status' } });
    expect(errors(v.validateArguments('human-monitor-command', {}))).toEqual([{ path: '/arguments/command-line', message: 'is required' }]);
    expect(errors(v.validateArguments('human-monitor-command', { 'command-line': 'x', extra: 1 }))).toEqual([{ path: '/arguments/extra', message: 'is not a known member' }]);
    expect(errors(v.validateArguments('human-monitor-command', { 'command-line': 1 }))).toEqual([{ path: '/arguments/command-line', message: 'must be string' }]);
    expect(errors(v.validateArguments('x-old-command', { mode: 'flying' }))).toEqual([{ path: '/arguments/mode', message: 'must be one of "debug", "paused", "running", "shutdown"' }]);
    expect(v.validateArguments('blockdev-add', { driver: 'qcow2', file: { driver: 'file', filename: '/x' } }).ok).toBe(true);
    expect(v.validateArguments('blockdev-add', { driver: 'qcow2', file: 'node0' }).ok).toBe(true);
    expect(errors(v.validateArguments('blockdev-add', { driver: 'vmdk' }))[0]?.path).toBe('/arguments/driver');
    expect(errors(v.validateArguments('blockdev-add', { driver: 'file' }))).toEqual([{ path: '/arguments/filename', message: 'is required' }]);
  });

  it('nested unions: the inner tag picks the sub-branch; compatible replies accept unknown inner tags', () => {
    expect(v.validateArguments('migrate-to', { uri: { transport: 'socket', type: 'unix', path: '/s' } }).ok).toBe(true);
    expect(v.validateArguments('migrate-to', { uri: { transport: 'exec', args: ['cat'] } }).ok).toBe(true);
    expect(errors(v.validateArguments('migrate-to', { uri: { transport: 'socket', type: 'unix' } }))).toEqual([{ path: '/arguments/uri/path', message: 'is required' }]);
    expect(errors(v.validateArguments('migrate-to', { uri: { transport: 'socket', type: 'vsock' } }))[0]?.path).toBe('/arguments/uri/type');
    expect(v.validateReturn('query-endpoint', { transport: 'socket', type: 'vsock', cid: '3' }).ok).toBe(true);
    expect(v.validateReturn('query-endpoint', { transport: 'rdma', host: 'h' }).ok).toBe(true);
    expect(errors(v.validateReturn('query-endpoint', { transport: 'socket', type: 'inet', host: 'h' }))).toEqual([{ path: '/return/port', message: 'is required' }]);
  });

  it('commands without arguments accept none (undefined or {}) and nothing else', () => {
    expect(v.validateArguments('query-status', undefined).ok).toBe(true);
    expect(v.validateArguments('query-status', {}).ok).toBe(true);
    expect(errors(v.validateArguments('query-status', { x: 1 }))).toEqual([{ path: '/arguments/x', message: 'is not a known member' }]);
  });

  it('unknown names are ok:false results naming them, not exceptions', () => {
    expect(errors(v.validateArguments('no-such-command', {}))).toEqual([{ path: '/execute', message: 'unknown command "no-such-command"' }]);
    expect(errors(v.validateReturn('toString', {}))).toEqual([{ path: '/execute', message: 'unknown command "toString"' }]);
    expect(errors(v.validateEvent('__proto__', {}))).toEqual([{ path: '/event', message: 'unknown event "__proto__"' }]);
  });

  it('returns and events are compatible: new members, enum values and union tags are accepted', () => {
    expect(v.validateReturn('query-status', { running: true, status: 'running' }).ok).toBe(true);
    expect(v.validateReturn('query-status', { running: true, status: 'hibernating', added: 1 }).ok).toBe(true);
    expect(errors(v.validateReturn('query-status', { status: 'running' }))).toEqual([{ path: '/return/running', message: 'is required' }]);
    expect(errors(v.validateReturn('query-status', { running: 'yes', status: 'running' }))).toEqual([{ path: '/return/running', message: 'must be boolean' }]);
    expect(v.validateReturn('query-vnc', { enabled: true, address: { type: 'vsock', cid: '3' } }).ok).toBe(true);
    expect(errors(v.validateReturn('query-vnc', { enabled: true, address: { type: 'unix' } }))).toEqual([{ path: '/return/address/path', message: 'is required' }]);
    expect(v.validateEvent('STOP', undefined).ok).toBe(true);
    expect(v.validateEvent('BLOCK_IMAGE_CORRUPTED', { device: 'd', fatal: false, format: 'vmdk', 'node-name': 'n' }).ok).toBe(true);
    expect(errors(v.validateEvent('BLOCK_IMAGE_CORRUPTED', { device: 'd' }))).toEqual([{ path: '/data/fatal', message: 'is required' }]);
  });

  it('greeting and whole messages, both directions', () => {
    const greeting = { QMP: { version: { qemu: { major: 10, minor: 0, micro: 0 }, package: '' }, capabilities: ['oob'] } };
    expect(v.validateGreeting(greeting).ok).toBe(true);
    expect(v.validateGreeting({ QMP: { version: {}, capabilities: [] } }).ok).toBe(false);
    expect(v.validateMessage(greeting).ok).toBe(true);
    expect(v.validateMessage({ execute: 'query-status', id: 1 }).ok).toBe(true);
    expect(errors(v.validateMessage({ execute: 'human-monitor-command', arguments: {} }))).toEqual([{ path: '/arguments/command-line', message: 'is required' }]);
    expect(errors(v.validateMessage({ 'exec-oob': 'nope' }))).toEqual([{ path: '/exec-oob', message: 'unknown command "nope"' }]);
    expect(v.validateMessage({ return: {}, id: 'x' }).ok).toBe(true);
    expect(v.validateMessage({ error: { class: 'GenericError', desc: 'd' } }).ok).toBe(true);
    expect(v.validateMessage({ event: 'STOP', timestamp: { seconds: 1, microseconds: 2 } }).ok).toBe(true);
    expect(errors(v.validateMessage({ event: 'BLOCK_IMAGE_CORRUPTED', data: {}, timestamp: { seconds: 1, microseconds: 2 } }))[0]?.path).toBe('/data/device');
    expect(v.validateMessage({ execute: 'query-status', bogus: 1 }).ok).toBe(false);
    expect(v.validateMessage(42).ok).toBe(false);
  });
});

describe('validator code shape', () => {
  it('no compiled validator function is too large for V8 to optimise (union branches are functions of their own)', () => {
    for (const target of ['qemu-10.0-x86_64', 'qemu-7.2-x86_64']) {
      const code = readFileSync(join(root, 'generated', target, 'validators-code.ts'), 'utf8');
      const starts = [...code.matchAll(/^function (validate\d+)\(/gm)].map((m) => ({ name: m[1] as string, at: m.index }));
      expect(starts.length).toBeGreaterThan(100);
      // the device_add table (data, not a function) follows the last Ajv function
      const end = code.search(/^\/\*\* device_add: /m);
      const sizes = starts.map((f, i) => ({ name: f.name, bytes: (starts[i + 1]?.at ?? (end > f.at ? end : code.length)) - f.at }));
      const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
      // Before branches were split out, BlockdevOptions' validator alone was ~280 KB and ran ~9x slower.
      expect(largest.bytes, `${target}: ${largest.name}`).toBeLessThan(64 * 1024);
    }
  });
});

describe('validator-only entry', () => {
  for (const target of ['qemu-10.0-x86_64', 'qemu-7.2-x86_64']) {
    it(`${target}: runs as real ESM in node (no require), and loads no socket code`, () => {
      const base = join(tmp.dir, `${target}-esm`);
      transpileFolder(join(root, 'runtime'), join(base, 'runtime'));
      const js = join(base, 'generated', target);
      transpileFolder(join(root, 'generated', target), js);
      const script = `
        const before = new Set(process.moduleLoadList ?? []);
        const v = await import(${JSON.stringify(join(js, 'validators.js'))});
        const r = v.validateArguments('query-status', undefined);
        const g = v.validateGreeting({ QMP: { version: { qemu: { major: 1, minor: 2, micro: 3 }, package: '' }, capabilities: [] } });
        const loaded = (process.moduleLoadList ?? []).filter((m) => !before.has(m) && /^NativeModule (net|tls|child_process)$/.test(m));
        console.log(JSON.stringify({ r: r.ok, g: g.ok, keys: Object.keys(v).sort(), loaded }));`;
      const outText = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: tmp.dir, encoding: 'utf8' });
      expect(JSON.parse(outText)).toEqual({
        r: true,
        g: true,
        keys: ['validateArguments', 'validateEvent', 'validateGreeting', 'validateMessage', 'validateReturn'],
        loaded: [],
      });
    });

    it(`${target}: importing the client (index) does not load the validators; loadValidators() does`, () => {
      const base = join(tmp.dir, `${target}-lazy`);
      transpileFolder(join(root, 'runtime'), join(base, 'runtime'));
      transpileFolder(join(root, 'runtime/operations'), join(base, 'runtime/operations')); // the client's qmp.jobs/migration/devices
      transpileFolder(join(root, 'runtime/core'), join(base, 'runtime/core')); // the request core under the client
      transpileFolder(join(root, 'runtime/qmp'), join(base, 'runtime/qmp')); // the QMP session and the client
      transpileFolder(join(root, 'runtime/qga'), join(base, 'runtime/qga')); // the guest agent client (the runtime entry exports it)
      transpileFolder(join(root, 'runtime/qga/helpers'), join(base, 'runtime/qga/helpers')); // its exec/files/fsfreeze helpers
      transpileFolder(join(root, 'generated', target), join(base, 'generated', target));
      rmSync(join(base, 'generated', target, 'validators-code.js'));
      const script = `
        const m = await import(${JSON.stringify(join(base, 'generated', target, 'index.js'))});
        const loaded = await m.loadValidators().then(() => 'loaded', (e) => e.code);
        console.log(JSON.stringify({ client: typeof m.QmpClient.connect, target: m.target.name, loaded }));`;
      const outText = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: tmp.dir, encoding: 'utf8' });
      expect(JSON.parse(outText)).toEqual({ client: 'function', target, loaded: 'ERR_MODULE_NOT_FOUND' });
    });

    it(`${target}: bundles for the browser with only validators code and ajv runtime helpers`, async () => {
      const result = await build({
        entryPoints: [join(root, 'generated', target, 'validators.ts')],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        metafile: true,
        logLevel: 'silent',
        absWorkingDir: root,
      });
      const inputs = Object.keys(result.metafile.inputs).sort();
      // the target's tables and entry, and from the runtime only its socket-free validation modules
      expect(inputs.filter((i) => !/^node_modules\/(ajv|fast-deep-equal|fast-uri)\//.test(i))).toEqual([
        `generated/${target}/validators-code.ts`,
        `generated/${target}/validators.ts`,
        'runtime/device-validation.ts',
        'runtime/validation.ts',
      ]);
      writeFileSync(join(tmp.dir, `${target}-bundle.mjs`), result.outputFiles[0]?.text ?? '');
    });
  }

  it('Ajv runtime helpers become imports: the output has no require() and runs as real ESM', async () => {
    const schemaDir = join(tmp.dir, 'helpers-schema');
    writeSchema(schemaDir, 'helpers', {
      commands: { 'set-thing': { type: 'object', properties: { name: { type: 'string', minLength: 2 }, shape: { enum: [{ a: 1 }, 'plain'] } }, additionalProperties: false } },
      returns: { 'set-thing': { type: 'object', properties: {}, additionalProperties: false } },
    });
    const gen = join(tmp.dir, 'helpers-gen');
    await generateTarget({ schemaDir, outDir: gen, runtimeImport: '../runtime/index.js' });
    const code = readFileSync(join(gen, 'validators-code.ts'), 'utf8');
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).toContain('import ajvRuntime0 from "ajv/dist/runtime/');
    const js = join(tmp.dir, 'helpers-js');
    transpileFolder(gen, js);
    transpileFolder(join(root, 'runtime'), join(tmp.dir, 'runtime'));
    const script = `
      const v = await import(${JSON.stringify(join(js, 'validators.js'))});
      console.log(JSON.stringify([
        v.validateArguments('set-thing', { name: '\u{1F600}\u{1F600}', shape: { a: 1 } }).ok,
        v.validateArguments('set-thing', { name: '\u{1F600}' }).ok,
        v.validateArguments('set-thing', { shape: { a: 2 } }).ok,
      ]));`;
    const outText = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: tmp.dir, encoding: 'utf8' });
    expect(JSON.parse(outText)).toEqual([true, false, false]);
  });
});
