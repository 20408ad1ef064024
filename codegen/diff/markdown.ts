/** The diff report as Markdown (the CLI's default output). */
import type { DiffEntry, DiffReport } from './diff.js';

const sections: [keyof Pick<DiffReport, 'breaking' | 'deprecations' | 'additions' | 'compatible'>, string][] = [
  ['breaking', 'Breaking'],
  ['deprecations', 'Deprecations'],
  ['additions', 'Additions'],
  ['compatible', 'Compatible changes'],
];

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function row(e: DiffEntry): string {
  return `| \`${cell(e.path)}\` | ${e.change.replace(/-/g, ' ')} | ${cell(e.detail ?? '')} |`;
}

/** Renders a report: a title, a one-line summary, then one table per non-empty class. */
export function diffToMarkdown(report: DiffReport): string {
  const s = report.summary;
  const lines = [
    `# Schema diff: ${report.from} → ${report.to}`,
    '',
    `${s.breaking} breaking, ${s.deprecations} deprecations, ${s.additions} additions, ${s.compatible} compatible changes.`,
  ];
  for (const [key, title] of sections) {
    const list = report[key];
    if (list.length === 0) continue;
    lines.push('', `## ${title} (${list.length})`, '', '| path | change | detail |', '|---|---|---|', ...list.map(row));
  }
  return `${lines.join('\n')}\n`;
}
