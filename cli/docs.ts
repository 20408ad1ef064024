/**
 * `help CMD` in the shell: the command's QAPI docs when the connected QEMU matches a schema folder
 * with docs — one of the package's committed targets (`schema/<target>/`) or one the user imported
 * with its QAPI source (`--schema DIR`) — otherwise its members and types from the live schema.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaNavigator } from './schema-nav.js';
import type { Paint } from './colors.js';
import type { LiveSchema } from './live-schema.js';
import type { RawTree } from './key-value.js';

type Schema = Record<string, unknown>;

/** A schema folder read for its docs. */
interface DocsFolder {
  dir: string;
  nav: SchemaNavigator;
}

/** The package's `schema/` folder: the nearest one above this module (source or `dist/`). */
export function packageSchemaDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) if (existsSync(join(dir, 'schema', 'protocol'))) return join(dir, 'schema');
  return undefined;
}

/** Largest schema file read for docs (the committed `types.json` of QEMU 10.0 is about 1 MB). */
const maxDocsFileBytes = 64 * 1024 * 1024;

/**
 * A JSON object from a regular file of at most {@link maxDocsFileBytes}; `undefined` otherwise. Opened
 * with `O_NONBLOCK` and checked with `fstat` before reading, so a FIFO or a device (`/dev/zero`) in a
 * `--schema` folder is passed over at once instead of hanging the shell.
 */
function readJson(file: string): Schema | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxDocsFileBytes) return undefined;
    const v: unknown = JSON.parse(readFileSync(fd, 'utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads `dir` when its `target.json` names the same QEMU major.minor and architecture as `live`; else says why not. */
function matchingFolder(dir: string, live: LiveSchema): DocsFolder | string {
  const meta = readJson(join(dir, 'target.json'));
  if (meta === undefined) return `${join(dir, 'target.json')} is missing or not a JSON object in a regular file`;
  const q = meta['qemu'] as Schema | null | undefined;
  if (q == null || q['major'] !== live.version.major || q['minor'] !== live.version.minor || meta['arch'] !== live.arch) {
    return `${dir} is ${String(meta['target'])}, not ${live.target}`;
  }
  const commands = readJson(join(dir, 'commands.json'));
  const types = readJson(join(dir, 'types.json'));
  if (commands === undefined || types === undefined) return `${dir} lacks a readable commands.json or types.json`;
  return { dir, nav: new SchemaNavigator({ documents: { 'commands.json': commands, 'types.json': types, 'returns.json': {}, 'events.json': {} } }) };
}

/**
 * Finds the docs for `live`: `--schema DIR` first, then the package's committed target. `note` says
 * why a `--schema` folder was not used.
 */
export function findDocs(live: LiveSchema, userDir: string | undefined): { docs: DocsFolder | undefined; note?: string } {
  let note: string | undefined;
  if (userDir !== undefined) {
    const f = matchingFolder(userDir, live);
    if (typeof f !== 'string') return { docs: f };
    note = `--schema not used: ${f}`;
  }
  const pkg = packageSchemaDir();
  const committed = pkg === undefined ? undefined : matchingFolder(join(pkg, live.target), live);
  return { docs: typeof committed === 'object' ? committed : undefined, ...(note === undefined ? {} : { note }) };
}

function typeText(nav: SchemaNavigator, s: Schema): string {
  const forms = nav.forms(s, undefined);
  const titled = nav.resolve(s)['title'];
  const values = nav.values(forms);
  if (values.length > 0 && values.length <= 8 && !forms.some((f) => f['type'] === 'boolean')) return values.join('|');
  if (typeof titled === 'string') return titled;
  const f = forms[0];
  if (f?.['type'] === 'array' && typeof f['items'] === 'object') return `list of ${typeText(nav, f['items'] as Schema)}`;
  return [...(nav.types(forms) ?? new Set(['any']))].join('|');
}

function firstParagraph(text: unknown): string {
  return typeof text === 'string' ? (text.split(/\n\s*\n/)[0] ?? '').replace(/\s*\n\s*/g, ' ') : '';
}

/** The help text of `command`, or a line saying the QEMU has no such command. */
export function helpText(command: string, live: LiveSchema, docs: DocsFolder | undefined, paint: Paint, given: RawTree = {}): string {
  const liveNav = new SchemaNavigator(live);
  const liveRoot = liveNav.command(command);
  if (liveRoot === undefined) return `no command ${JSON.stringify(command)} in this QEMU (${live.target})`;
  const docRoot = docs?.nav.command(command);
  const nav = docRoot !== undefined ? docs!.nav : liveNav;
  const root = docRoot ?? liveRoot;
  const lines: string[] = [paint('bold', command)];
  if (docRoot !== undefined) {
    const x = (root['x-qmp'] ?? {}) as Schema;
    lines.push(`${String(root['description'] ?? '')}`.trim());
    if (typeof x['since'] === 'string') lines.push(paint('dim', `Since: ${x['since']}`));
  } else {
    lines.push(paint('dim', `(no QAPI docs for ${live.target}: structure from the live schema; import your QEMU with its QAPI source and pass --schema DIR for docs)`));
  }
  const forms = nav.forms(root, given);
  const required = new Set<string>();
  for (const f of forms) if (Array.isArray(f['required'])) for (const r of f['required'] as string[]) required.add(r);
  let members = nav.members(forms);
  const tag = nav.resolve(root)['discriminator'] as { propertyName?: string } | undefined;
  if (forms.length > 1) {
    // A union not narrowed by its tag: the members every variant has, then how to see one variant.
    members = new Map([...members].filter(([name]) => forms.every((f) => Object.hasOwn((f['properties'] ?? {}) as object, name))));
    if (tag?.propertyName !== undefined) {
      lines.push('', paint('dim', `Members of one variant: help ${command} ${tag.propertyName}=VALUE`));
    }
  }
  if (members.size > 0) {
    lines.push('', 'Arguments:');
    for (const [name, s] of members) {
      const d = firstParagraph(s['description']);
      lines.push(`  ${paint('cyan', name)}${required.has(name) ? '' : '?'}: ${typeText(nav, s)}${d === '' ? '' : `  ${paint('dim', d)}`}`);
    }
  }
  const x = (root['x-qmp'] ?? {}) as Schema;
  if (typeof x['returnsDoc'] === 'string') lines.push('', `Returns: ${x['returnsDoc']}`);
  if (Array.isArray(x['examples']) && typeof x['examples'][0] === 'string') lines.push('', 'Example:', x['examples'][0]);
  return lines.join('\n');
}
