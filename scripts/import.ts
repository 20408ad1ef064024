/**
 * `npm run import` (repository maintenance, not published): re-imports every committed target
 * (`schema/qemu-<version>-x86_64`) from the QEMUs installed by `scripts/install-qemu.sh`, with the
 * QAPI source of exactly that Debian version, and the guest agent targets (`schema/qga-<version>`) from the
 * agent's QAPI source of the same versions. Exit code 0 ok, 1 an import failed, 2 usage error.
 */
import { join, relative } from 'node:path';
import { importTarget } from '../codegen/import/import-target.js';
import { importQga } from '../codegen/import/qga-import.js';
import { printSummary } from '../codegen/import/cli.js';
import { findQemu, projectRoot, qemuVersions, qgaSourceDir } from './qemus.js';

const usage = `usage: npm run import
  re-imports every committed target (schema/qemu-<version>-x86_64) from the installed QEMUs
  (scripts/qemus.ts) with their QAPI sources, and schema/qga-<version> from the guest agent's QAPI sources`;

async function importAll(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    return 0;
  }
  if (args.length > 0) {
    console.error(`import: unexpected arguments ${args.join(' ')}\n${usage}`);
    return 2;
  }
  let code = 0;
  for (const version of qemuVersions) {
    try {
      const q = findQemu(version);
      const outDir = join(projectRoot, 'schema', q.target);
      const r = await importTarget({ source: { qemu: q.binary, env: q.env }, qapiSource: q.qapiSource, outDir, targetName: q.target });
      printSummary(r, relative(process.cwd(), outDir) || '.');
    } catch (err) {
      console.error(`import (QEMU ${version}): ${err instanceof Error ? err.message : String(err)}`);
      code = 1;
    }
  }
  for (const version of qemuVersions) {
    try {
      const target = `qga-${version}`;
      const outDir = join(projectRoot, 'schema', target);
      const r = await importQga({ qgaSource: qgaSourceDir(version), outDir, targetName: target });
      printSummary(r, relative(process.cwd(), outDir) || '.');
    } catch (err) {
      console.error(`import (qemu-ga ${version}): ${err instanceof Error ? err.message : String(err)} (install the sources with: sudo bash scripts/setup.sh)`);
      code = 1;
    }
  }
  return code;
}

process.exitCode = await importAll(process.argv.slice(2));
