/**
 * Tab completion for the shell (pure: the line before the cursor → `[candidates, the text they
 * replace]`, readline's completer contract). Completes command names (and the shell's own words),
 * argument members by dotted path (`cache.` → `cache.direct=`), and values: enum and union-tag
 * values (`driver=` → the block drivers of that QEMU) and booleans — all from the live schema.
 */
import { rawTree } from './key-value.js';
import { splitWords } from './words.js';
import type { RawTree } from './key-value.js';
import type { SchemaNavigator } from './schema-nav.js';

export type ShellMode = 'qmp' | 'hmp' | 'transaction';

export interface CompletionContext {
  mode: ShellMode;
  /** Command names of the live QEMU. */
  commands: readonly string[];
  /** The shell's own words (`help`, `hmp`, `transaction`, `exit`). */
  builtins: readonly string[];
  nav: SchemaNavigator;
}

/** Where `key=value` words of a line go in a command's arguments (transaction actions sit below `actions.0.data`). */
export interface ArgumentPlace {
  command: string;
  prefix: string[];
  wrap(given: RawTree): RawTree;
}

/** The place of a transaction action of type `type` (its words give `data`). */
export function actionPlace(type: string): ArgumentPlace {
  return {
    command: 'transaction',
    prefix: ['actions', '0', 'data'],
    wrap: (given) => ({ actions: { 0: { type: { raw: true, text: type, quoted: false, word: type }, data: given } } }) as unknown as RawTree,
  };
}

/** Transaction action types the QEMU accepts (the tag values of `transaction`'s `actions` items). */
export function actionTypes(nav: SchemaNavigator): string[] {
  return nav.values(nav.at('transaction', ['actions', '0', 'type'], {})).sort();
}

/** The words that parse, as a raw tree (a half-typed line has bad words: they are left out). */
function lenientTree(words: readonly string[]): RawTree {
  const ok: string[] = [];
  for (const w of words) {
    try {
      rawTree([...ok, w]);
      ok.push(w);
    } catch {
      // skip
    }
  }
  return rawTree(ok);
}

function startsWith(prefix: string): (s: string) => boolean {
  return (s) => s.startsWith(prefix);
}

/** Completes `line` (the text before the cursor). */
export function complete(line: string, ctx: CompletionContext): [string[], string] {
  const { words, endsInSpace } = splitWords(line, true);
  const current = endsInSpace ? '' : (words.pop() ?? '');
  if (ctx.mode === 'hmp') return [[], current];
  if (words.length === 0) {
    const names = ctx.mode === 'transaction' ? [...actionTypes(ctx.nav), 'commit', 'abort'] : [...ctx.commands, ...ctx.builtins];
    return [[...new Set(names.filter(startsWith(current)))].sort(), current];
  }
  const first = words[0]!;
  if (ctx.mode === 'qmp' && first === 'help') return [ctx.commands.filter(startsWith(current)), current];
  let place: ArgumentPlace;
  if (ctx.mode === 'transaction') place = actionPlace(first);
  else if (ctx.nav.command(first) !== undefined) place = { command: first, prefix: [], wrap: (g) => g };
  else return [[], current];
  const given = place.wrap(lenientTree(words.slice(1)));

  const eq = current.indexOf('=');
  if (eq >= 0) {
    const path = current.slice(0, eq).split('.');
    const typed = current.slice(eq + 1);
    const values = ctx.nav.values(ctx.nav.at(place.command, [...place.prefix, ...path], given));
    return [values.filter(startsWith(typed)).sort(), typed];
  }
  const segs = current.split('.');
  const partial = segs.pop() ?? '';
  const forms = ctx.nav.at(place.command, [...place.prefix, ...segs], given);
  const lead = segs.length > 0 ? `${segs.join('.')}.` : '';
  const hits: string[] = [];
  if (forms.length > 0 && forms.every((f) => f['type'] === 'array')) {
    let next = 0;
    let node: unknown = lenientTree(words.slice(1));
    for (const s of segs) node = (node as Record<string, unknown> | undefined)?.[s];
    while (typeof node === 'object' && node !== null && Object.hasOwn(node, String(next))) next++;
    if (String(next).startsWith(partial)) hits.push(`${lead}${next}.`);
  }
  let typedHere: unknown = lenientTree(words.slice(1));
  for (const s of segs) typedHere = (typedHere as Record<string, unknown> | undefined)?.[s];
  for (const [name, schema] of ctx.nav.members(forms)) {
    if (!name.startsWith(partial)) continue;
    if (typeof typedHere === 'object' && typedHere !== null && Object.hasOwn(typedHere, name)) continue;
    // An alternate of an object and a scalar (`file` of qcow2: options or a node name) offers both.
    const forms = ctx.nav.forms(schema, undefined);
    const container = forms.some((f) => f['type'] === 'object' || f['type'] === 'array');
    if (container) hits.push(`${lead}${name}.`);
    if (!container || !forms.every((f) => f['type'] === 'object' || f['type'] === 'array')) hits.push(`${lead}${name}=`);
  }
  return [hits, current];
}
