/**
 * TSDoc from schema annotations (`description`, `deprecated`, `x-qmp`). All schema text is made
 * inert here: it can only ever end up inside a comment, never close it.
 */
import { isRecord } from '../guards.js';
import type { JsonSchema } from '../schema-format/json-schema.js';

/** Annotations of the `x-qmp` keyword that the docs use. */
interface QmpAnnotations {
  features?: unknown;
  since?: unknown;
  deprecation?: unknown;
  examples?: unknown;
  returnsDoc?: unknown;
  errorsDoc?: unknown;
  notes?: unknown;
  values?: unknown;
}

/** Normalises line breaks, closes no comment (`*\/`), and keeps `@` from starting a tag. */
export function commentText(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
    .replace(/\*\//g, '*\\/')
    .replace(/^(\s*)@/gm, '$1\\@');
}

/** QAPI prose: `@member` references become code spans so TSDoc does not read them as tags. */
export function proseText(text: string): string {
  return commentText(text.replace(/@([A-Za-z_][\w.-]*[\w])/g, '`$1`').replace(/@([A-Za-z_])(?![\w.-])/g, '`$1`'));
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function qmp(node: JsonSchema): QmpAnnotations {
  const x = node['x-qmp'];
  return isRecord(x) ? (x as QmpAnnotations) : {};
}

/** Feature names of a node (`deprecated`, `unstable`, …). */
export function features(node: JsonSchema): string[] {
  const f = qmp(node).features;
  return Array.isArray(f) ? f.filter((x): x is string => typeof x === 'string') : [];
}

/** `true` when the node is deprecated (keyword or feature). */
export function isDeprecated(node: JsonSchema): boolean {
  return node['deprecated'] === true || features(node).includes('deprecated');
}

/** A fenced code block whose fence is longer than any backtick run inside. */
function fenced(code: string): string[] {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return [fence, ...commentText(code).split('\n'), fence];
}

/** Options of {@link docLines}. */
export interface DocOptions {
  /** Extra paragraphs after the description (already inert). */
  readonly extra?: readonly string[];
  /** Include the command sections (returns, errors, notes, examples). */
  readonly sections?: boolean;
}

/** Lines of a doc comment for a schema node (empty when there is nothing to say). */
export function docLines(node: JsonSchema, options: DocOptions = {}): string[] {
  const x = qmp(node);
  const out: string[] = [];
  const para = (lines: string[]): void => {
    if (lines.length === 0) return;
    if (out.length > 0) out.push('');
    out.push(...lines);
  };
  const description = text(node['description']);
  if (description !== undefined) para(proseText(description).split('\n'));
  const values = x.values;
  if (isRecord(values) && Array.isArray(node['enum'])) {
    const lines: string[] = [];
    for (const v of node['enum']) {
      if (typeof v !== 'string') continue;
      const info = values[v];
      if (!isRecord(info)) continue;
      const parts: string[] = [];
      const d = text(info['description']);
      if (d !== undefined) parts.push(d.replace(/\s*\n\s*/g, ' '));
      const f = Array.isArray(info['features']) ? info['features'].filter((s) => typeof s === 'string') : [];
      if (f.length > 0) parts.push(`(${f.join(', ')})`);
      const s = text(info['since']);
      if (s !== undefined) parts.push(`(since ${s})`);
      const dep = text(info['deprecation']);
      if (dep !== undefined) parts.push(`Deprecated: ${dep.replace(/\s*\n\s*/g, ' ')}`);
      if (parts.length > 0) lines.push(proseText(`- \`${JSON.stringify(v).slice(1, -1)}\`: ${parts.join(' ')}`));
    }
    para(lines);
  }
  for (const e of options.extra ?? []) para([e]);
  if (options.sections === true) {
    const notes = (Array.isArray(x.notes) ? x.notes : [x.notes]).map(text).filter((n): n is string => n !== undefined);
    for (const note of notes) para(['Note:', ...proseText(note).split('\n')]);
    const errors = text(x.errorsDoc);
    if (errors !== undefined) para(['Errors:', ...proseText(errors).split('\n')]);
  }
  const tags: string[] = [];
  if (options.sections === true) {
    const returns = text(x.returnsDoc);
    if (returns !== undefined) tags.push(...`@returns ${proseText(returns)}`.split('\n'));
  }
  const since = text(x.since);
  if (since !== undefined) tags.push(`@since ${proseText(since).replace(/\n/g, ' ')}`);
  if (isDeprecated(node)) {
    const why = text(x.deprecation);
    tags.push(...(why !== undefined ? `@deprecated ${proseText(why)}` : '@deprecated').split('\n'));
  }
  if (features(node).includes('unstable')) tags.push('@experimental');
  para(tags);
  if (options.sections === true && Array.isArray(x.examples)) {
    for (const ex of x.examples) {
      if (typeof ex === 'string' && ex.trim() !== '') para(['@example', ...fenced(ex.replace(/\s+$/, ''))]);
    }
  }
  return out;
}
