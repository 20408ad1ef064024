/**
 * The API reference: `npm run docs` (TypeDoc, `typedoc.json`) builds with no warning, one module
 * per entry point of the package, and the newest target's commands carry their QAPI docs. Then a
 * real headless Chromium opens the built reference, searches for `query-status` with the page's own
 * search box, follows the hit and finds the command's documentation there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { projectRoot as root } from '../../scripts/qemus.js';
import { launchChromium } from './chromium.js';

const out = mkdtempSync(join(tmpdir(), 'qmp-sdk-docs-'));
let build: { status: number | null; output: string };

beforeAll(async () => {
  // What `npm run docs` runs, into a temporary folder.
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out], { cwd: root, encoding: 'utf8' });
  build = { status: r.status, output: `${r.stdout}${r.stderr}` };
}, 240_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

it('npm run docs builds without a warning: one module per public entry point, commands with their QAPI docs', () => {
  expect(build.output.trim()).toBe('');
  expect(build.status).toBe(0);
  expect(readdirSync(join(out, 'modules')).sort()).toEqual(['qmp-sdk.html', 'qmp-sdk_codegen.html', 'qmp-sdk_qga.html', 'qmp-sdk_qga_validators.html', 'qmp-sdk_runtime.html', 'qmp-sdk_testing.html', 'qmp-sdk_validators.html']);
  const commands = readFileSync(join(out, 'interfaces/qmp-sdk.QmpCommandMap.html'), 'utf8');
  expect(commands).toContain('Query the run status of the VM');
  const events = readFileSync(join(out, 'interfaces/qmp-sdk.QmpEventMap.html'), 'utf8');
  expect(events).toContain('id="block_io_error"');
  for (const page of ['classes/qmp-sdk_testing.QmpTestServer.html', 'functions/qmp-sdk_codegen.generateTarget.html', 'classes/qmp-sdk_runtime.QmpClient.html']) {
    expect(readdirSync(join(out, page.split('/')[0] as string)), page).toContain(page.split('/')[1]);
  }
  // The API added since the reference was first built, each with its doc comment.
  const text = (page: string): string => readFileSync(join(out, page), 'utf8').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
  const client = text('classes/qmp-sdk_runtime.QmpClient.html');
  for (const member of ['executeUntyped', 'jobs', 'migration', 'devices', 'supports', 'versionMismatch']) {
    expect(client, member).toMatch(new RegExp(`${member}\\b`));
  }
  expect(client).toContain('neither its arguments nor its reply are validated');
  const options = text('interfaces/qmp-sdk.ClientOptions.html');
  expect(options).toContain("'warn' (default), 'error' or 'ignore'");
  expect(options).toContain('Reconnect when the connection drops');
  for (const page of ['types/qmp-sdk_runtime.Jobs.html', 'types/qmp-sdk_runtime.Migration.html', 'interfaces/qmp-sdk_runtime.Devices.html', 'interfaces/qmp-sdk_runtime.ReconnectOptions.html', 'classes/qmp-sdk_runtime.QmpVersionMismatchError.html', 'functions/qmp-sdk_codegen.diffSchemas.html', 'functions/qmp-sdk_codegen.schemaSupports.html']) {
    expect(existsSync(join(out, page)), page).toBe(true);
    expect(readFileSync(join(out, page), 'utf8'), page).toContain('tsd-comment');
  }
});

it('in headless Chromium, searching the reference for query-status finds its page with its doc text', async () => {
  const chromium = await launchChromium(); // fails here, with the install command, when Chromium is missing
  try {
    const page = await chromium.browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(pathToFileURL(join(out, 'index.html')).href);
    await page.click('#tsd-search-trigger');
    await page.type('#tsd-search-input', 'query-status');
    await page.waitForSelector('#tsd-search-results li a', { timeout: 20_000 });
    const hits = await page.$$eval('#tsd-search-results li a', (as) => as.map((a) => ({ text: (a.textContent ?? '').trim(), href: a.getAttribute('href') ?? '' })));
    const hit = hits.find((h) => h.text.endsWith('.query-status'));
    expect(hit, JSON.stringify(hits.slice(0, 5))).toBeDefined();
    expect(hits[0]).toEqual(hit);
    await Promise.all([page.waitForNavigation(), page.click(`#tsd-search-results a[href="${hit!.href}"]`)]);
    expect(page.url()).toMatch(/\/interfaces\/qmp-sdk\.QmpCommandMap\.html#query-status$/);
    const doc = await page.$eval('[id="query-status"]', (anchor) => (anchor.closest('section') ?? anchor.parentElement)?.textContent ?? '');
    expect(doc).toContain('Query the run status of the VM');
    expect(doc).toContain('Wire name: query-status');
    expect(pageErrors).toEqual([]);
  } finally {
    await chromium.close();
  }
}, 60_000);
