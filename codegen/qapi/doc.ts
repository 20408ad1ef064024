/**
 * Parser of QAPI doc comments (`##` blocks), for both the QEMU 7.2 format (`Note:`, `Example:` tagged
 * sections) and the 10.0 rST-ish format (`.. note::`, `.. qmp-example::` directives, `Errors:`).
 * Text is kept as written: dedented and trimmed, never interpreted (it may contain Markdown, rST,
 * backquotes, `*​/` or `${` — whoever emits it must escape it).
 */
import type { QapiDoc } from './types.js';

/** A parsed doc block: `symbol` is the documented definition, absent for free-form blocks (`= Section`). */
export interface ParsedDocBlock {
  symbol?: string;
  doc: QapiDoc;
}

const symbolLine = /^@([^\s:]+):\s*(.*)$/;
const memberLine = /^@([^\s:]+)\s*:(?:\s+(.*))?$/;
const tagLine = /^(Returns|Errors|Since|Notes?|Examples?|TODO)\s*:\s*(.*)$/;
const directiveLine = /^\.\.\s+([A-Za-z0-9_-]+)::\s*(.*)$/;

/** True when a line starts a new part of the doc (member, tagged section, `Features:`, directive). */
function startsPart(line: string): boolean {
  return memberLine.test(line) || tagLine.test(line) || line === 'Features:' || directiveLine.test(line);
}

const indented = (line: string): boolean => /^\s/.test(line);

/** Removes the common indentation of the non-blank lines, and leading/trailing blank lines. */
export function dedent(lines: readonly string[]): string {
  let min = Infinity;
  for (const l of lines) if (l.trim() !== '') min = Math.min(min, l.length - l.trimStart().length);
  const out = lines.map((l) => (l.trim() === '' ? '' : l.slice(min === Infinity ? 0 : min)));
  while (out.length > 0 && out[0] === '') out.shift();
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

/**
 * From `start`, the lines that continue a part: non-blank lines that do not start another part, and
 * blank lines followed by an indented line. Returns the index after the last line taken.
 */
function continuation(lines: readonly string[], start: number, indentedOnly: boolean): number {
  let i = start;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l === '') {
      let j = i;
      while (j < lines.length && lines[j] === '') j++;
      if (j < lines.length && indented(lines[j]!)) {
        i = j;
        continue;
      }
      return i;
    }
    if (indented(l)) {
      i++;
      continue;
    }
    if (indentedOnly || startsPart(l)) return i;
    i++;
  }
  return i;
}

/** Text of a part whose first line holds `first` and whose continuation is `rest`. */
function joinPart(first: string, rest: readonly string[]): string {
  const body = dedent(rest);
  if (first.trim() === '') return body;
  if (body === '') return first.trim();
  // A blank line between the first line and the rest starts a new paragraph.
  return `${first.trim()}${rest[0]?.trim() === '' ? '\n\n' : '\n'}${body}`;
}

/** Parses the lines of one `##` block (as the lexer gives them, without the `# ` prefixes). */
export function parseDocBlock(lines: readonly string[]): ParsedDocBlock {
  const doc: QapiDoc = { members: {}, features: {} };
  const m = symbolLine.exec(lines[0] ?? '');
  if (!m) {
    const description = dedent(lines);
    if (description !== '') doc.description = description;
    return { doc };
  }
  const description: string[] = [];
  if (m[2]) description.push(m[2]);
  let inFeatures = false;
  let i = 1;
  while (i < lines.length) {
    const line = lines[i]!;
    const member = memberLine.exec(line);
    if (member) {
      const end = continuation(lines, i + 1, false);
      const text = joinPart(member[2] ?? '', lines.slice(i + 1, end));
      (inFeatures ? doc.features : doc.members)[member[1]!] = text;
      i = end;
      continue;
    }
    if (line === 'Features:') {
      inFeatures = true;
      i++;
      continue;
    }
    const tag = tagLine.exec(line);
    if (tag) {
      i = tagged(doc, tag[1]!, tag[2] ?? '', lines, i + 1);
      continue;
    }
    const directive = directiveLine.exec(line);
    if (directive) {
      const end = continuation(lines, i + 1, true);
      addDirective(doc, description, directive[1]!, directive[2] ?? '', lines.slice(i, end));
      i = end;
      continue;
    }
    description.push(line);
    i++;
  }
  const text = dedent(collapseBlank(description));
  if (text !== '') doc.description = text;
  return { symbol: m[1]!, doc };
}

/** A tagged section (`Since:`, `Returns:`, 7.2's `Note:`/`Example:` …); returns the index after it. */
function tagged(doc: QapiDoc, tag: string, first: string, lines: readonly string[], start: number): number {
  if (tag.startsWith('Note') || tag.startsWith('Example')) {
    // 7.2 format: the section runs to the next member, tag or `Features:` line, blank lines included.
    let end = start;
    while (end < lines.length && !startsPart(lines[end]!)) end++;
    const text = joinPart(first, lines.slice(start, end));
    if (text !== '') {
      if (tag.startsWith('Note')) (doc.notes ??= []).push(text);
      else (doc.examples ??= []).push(text);
    }
    return end;
  }
  const end = continuation(lines, start, false);
  const text = joinPart(first, lines.slice(start, end));
  if (tag === 'Since') doc.since = text;
  else if (tag === 'Returns') doc.returns = text;
  else if (tag === 'Errors') doc.errors = text;
  return end; // TODO: sections are for QEMU developers; dropped
}

/** 10.0 rST directives: examples and admonitions get their own fields, others stay in the description. */
function addDirective(doc: QapiDoc, description: string[], name: string, arg: string, block: readonly string[]): void {
  const content = block.slice(1);
  const options = new Map<string, string>();
  let k = 0;
  while (k < content.length && /^\s+:[A-Za-z-]+:/.test(content[k]!)) {
    const o = /^\s+:([A-Za-z-]+):\s*(.*)$/.exec(content[k]!)!;
    options.set(o[1]!, o[2]!);
    k++;
  }
  const body = dedent(content.slice(k));
  if (name === 'qmp-example' || name === 'code-block') {
    const title = options.get('title');
    const text = title ? `${title}\n\n${body}` : body;
    if (text !== '') (doc.examples ??= []).push(text);
    return;
  }
  if (name === 'note' || name === 'caution' || name === 'warning' || name === 'important' || name === 'admonition') {
    let text = joinPart(name === 'admonition' ? '' : arg, content);
    if (name === 'admonition' && arg && !/^Notes?$/.test(arg.trim())) text = `${arg.trim()}\n\n${text}`;
    if (text !== '') (doc.notes ??= []).push(text);
    return;
  }
  if (description.length > 0) description.push('');
  description.push(...block, '');
}

/** Collapses runs of blank lines into one. */
function collapseBlank(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) if (!(l === '' && out[out.length - 1] === '')) out.push(l);
  return out;
}
