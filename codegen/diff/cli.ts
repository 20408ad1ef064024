/**
 * `qmp-codegen diff <A> <B> [--format markdown|json]`: what changed from A to B (each a schema
 * folder, a QEMU binary or a running QEMU's QMP socket). Exit code: 0 nothing breaks,
 * {@link diffBreakingExitCode} something breaks, 1 a source could not be read, 2 usage error.
 */
import { parseArgs } from 'node:util';
import { diffSchemas } from './run.js';
import { diffToMarkdown } from './markdown.js';

/** Exit code of `qmp-codegen diff` when the report has breaking changes (fixed, for CI gates). */
export const diffBreakingExitCode = 3;

const usage = `usage: qmp-codegen diff <A> <B> [--format markdown|json]
  A, B                 a schema folder (schema/<target>), a QEMU binary (imported on the fly;
                       QEMU_MODULE_DIR etc. come from the environment) or a QMP unix socket
  --format <f>         markdown (default) or json (stable, sorted)
  exit code            0 nothing breaks, ${diffBreakingExitCode} something breaks, 1 a source failed, 2 usage`;

/** `qmp-codegen diff …`; returns the exit code. */
export async function diffCli(args: readonly string[], write: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  let parsed: { values: { format?: string | undefined; help?: boolean | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (err) {
    console.error(`qmp-codegen diff: ${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (parsed.values.help === true) {
    console.log(usage);
    return 0;
  }
  const format = parsed.values.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') {
    console.error(`qmp-codegen diff: --format must be markdown or json, got ${JSON.stringify(format)}\n${usage}`);
    return 2;
  }
  const [a, b, ...extra] = parsed.positionals;
  if (a === undefined || b === undefined || extra.length > 0) {
    console.error(`qmp-codegen diff: give exactly two sources (got ${parsed.positionals.length})\n${usage}`);
    return 2;
  }
  let report;
  try {
    report = await diffSchemas(a, b);
  } catch (err) {
    console.error(`qmp-codegen diff: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : diffToMarkdown(report));
  return report.summary.breaking > 0 ? diffBreakingExitCode : 0;
}
