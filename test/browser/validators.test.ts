/**
 * The validators in a real browser: `qmp-sdk/validators` bundled with esbuild for a browser target
 * (no Node built-in may be reached) and run in headless Chromium. A valid and an invalid
 * `blockdev-add` must give the expected results there.
 */
import { beforeAll, expect, it } from 'vitest';
import { bundleForBrowser, type Bundle } from './bundle.js';
import { launchChromium } from './chromium.js';

const entry = `import { validateArguments } from 'qmp-sdk/validators';
(globalThis as any).qmpResults = {
  valid: validateArguments('blockdev-add', { driver: 'qcow2', 'node-name': 'disk0', file: { driver: 'file', filename: '/var/lib/vm.qcow2' } }),
  missing: validateArguments('blockdev-add', { driver: 'qcow2', 'node-name': 'disk0' }),
  wrongType: validateArguments('blockdev-add', { driver: 'qcow2', 'node-name': 7, file: 'disk-file' }),
};`;

let bundle: Bundle;

beforeAll(async () => {
  bundle = await bundleForBrowser(entry);
}, 120_000);

it('the bundle holds only the validators, the socket-free runtime module and no Node built-in', () => {
  const inputs = Object.keys(bundle.metafile.inputs).sort();
  expect(inputs).toEqual(['entry.ts', 'generated/qemu-10.0-x86_64/validators-code.ts', 'generated/qemu-10.0-x86_64/validators.ts', 'runtime/device-validation.ts', 'runtime/validation.ts']);
  const imports = Object.values(bundle.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
  expect(imports.filter((p) => p.startsWith('node:') || p.includes('node_modules'))).toEqual([]);
  expect(bundle.code).not.toMatch(/\brequire\(|\bprocess\.|\bBuffer\b/);
});

it('in headless Chromium, a valid blockdev-add passes and two invalid ones name the path and the rule', async () => {
  const chromium = await launchChromium(); // fails here, with the install command, when Chromium is missing
  try {
    const page = await chromium.browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto('about:blank');
    await page.addScriptTag({ content: bundle.code, type: 'module' });
    await page.waitForFunction(() => 'qmpResults' in globalThis, { timeout: 20_000 });
    const r = (await page.evaluate(() => ({ results: (globalThis as unknown as { qmpResults: unknown }).qmpResults, agent: (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent }))) as {
      results: Record<string, { ok: boolean; errors?: Array<{ path: string; message: string }> }>;
      agent: string;
    };
    expect(pageErrors).toEqual([]);
    expect(r.agent).toMatch(/HeadlessChrome\//);
    expect(r.results.valid?.ok).toBe(true);
    expect(r.results.missing).toEqual({ ok: false, errors: [{ path: '/arguments/file', message: 'is required' }] });
    expect(r.results.wrongType?.ok).toBe(false);
    expect(r.results.wrongType?.errors?.[0]).toEqual({ path: '/arguments/node-name', message: 'must be string' });
  } finally {
    await chromium.close();
  }
}, 60_000);
