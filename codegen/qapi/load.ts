/**
 * `loadQapiSource`: reads `qapi-schema.json` and everything it includes (each file once, relative to the
 * including file), attaches each `##` doc block to the definition it documents, and indexes definitions.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, posix, relative, sep } from 'node:path';
import { parseDocBlock, type ParsedDocBlock } from './doc.js';
import { QapiSourceError, QapiSyntaxError } from './errors.js';
import { parseQapiFile, type QapiValue } from './parser.js';
import { extractQapiTarball, tarballPattern } from './tarball.js';
import type { QapiDefinition, QapiSource } from './types.js';

const kinds = ['command', 'event', 'struct', 'union', 'alternate', 'enum'] as const;

/**
 * Reads a QAPI source: a folder holding `qapi-schema.json` (or `qapi/qapi-schema.json`), that file itself
 * (or another top-level QAPI file), or a QEMU source tarball (`.tar.xz`/`.tar.gz`/`.tar.bz2`; only
 * `qapi/*.json` is extracted, into a temp folder removed afterwards).
 * Throws {@link QapiSyntaxError} (file, line, column) for bad QAPI text, {@link QapiSourceError} when the
 * path cannot be read.
 */
export async function loadQapiSource(path: string): Promise<QapiSource> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new QapiSourceError(path, 'no such file or folder', { cause: e });
  }
  if (info.isDirectory()) {
    for (const main of [join(path, 'qapi-schema.json'), join(path, 'qapi', 'qapi-schema.json')]) {
      if (await exists(main)) return readTree(dirname(main), basename(main), (rel) => join(dirname(main), rel));
    }
    throw new QapiSourceError(path, 'the folder has no qapi-schema.json (nor qapi/qapi-schema.json)');
  }
  if (tarballPattern.test(path)) {
    const x = await extractQapiTarball(path);
    try {
      return await readTree(x.dir, 'qapi-schema.json', (rel) => `${path}!${x.inner}/${rel}`);
    } finally {
      await x.dispose();
    }
  }
  return readTree(dirname(path), basename(path), (rel) => join(dirname(path), rel));
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Reads the tree rooted at `root/main`; `label` names a file (root-relative) in errors. */
async function readTree(root: string, main: string, label: (rel: string) => string): Promise<QapiSource> {
  const files: string[] = [];
  const definitions: QapiDefinition[] = [];
  const byName = new Map<string, QapiDefinition>();

  const readOne = async (rel: string, chain: readonly string[]): Promise<void> => {
    files.push(rel);
    const text = await readFile(join(root, ...rel.split('/')), 'utf8');
    let pending: ParsedDocBlock | undefined;
    for (const item of parseQapiFile(text, label(rel))) {
      if (item.kind === 'doc') {
        pending = parseDocBlock(item.lines);
        continue;
      }
      const { expr, line, column } = item;
      const doc = pending;
      pending = undefined;
      const fail = (reason: string): never => {
        throw new QapiSyntaxError(label(rel), line, column, reason);
      };
      if ('include' in expr) {
        const target = expr.include;
        if (typeof target !== 'string') fail("value of 'include' must be a string");
        const inc = posix.normalize(posix.join(posix.dirname(rel), target as string));
        if (inc.startsWith('../') || relative(root, join(root, inc)).startsWith(`..${sep}`)) {
          fail(`include '${target as string}' leaves the source folder`);
        }
        if (inc === rel || chain.includes(inc)) fail(`inclusion loop for ${target as string}`);
        if (files.includes(inc)) continue;
        if (!(await exists(join(root, ...inc.split('/'))))) fail(`can't read include file '${target as string}'`);
        await readOne(inc, [...chain, rel]);
        continue;
      }
      if ('pragma' in expr) continue;
      const kind = kinds.find((k) => k in expr);
      if (kind === undefined) fail('expression is missing metatype');
      const name = expr[kind!];
      if (typeof name !== 'string') fail(`'${kind!}' must name the definition with a string`);
      if (byName.has(name as string)) fail(`'${name as string}' is already defined`);
      const def: QapiDefinition = { kind: kind!, name: name as string, expr, location: { file: rel, line } };
      if (doc && doc.symbol === name) def.doc = withDeprecation(doc.doc, expr);
      definitions.push(def);
      byName.set(def.name, def);
    }
  };

  await readOne(main, []);
  return { files, definitions, byName };
}

/** Sets `deprecated` when the definition itself carries the `deprecated` feature. */
function withDeprecation(doc: ParsedDocBlock['doc'], expr: Record<string, QapiValue>): ParsedDocBlock['doc'] {
  const features = Array.isArray(expr.features) ? expr.features : [];
  const deprecated = features.some((f) => f === 'deprecated' || (typeof f === 'object' && !Array.isArray(f) && f.name === 'deprecated'));
  const text = doc.features.deprecated;
  if (deprecated && text !== undefined) doc.deprecated = text;
  return doc;
}
