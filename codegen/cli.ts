#!/usr/bin/env node
/**
 * `qmp-codegen`: the published command line (user commands only).
 *   qmp-codegen import   …  introspection (file, socket or QEMU binary) [+ QAPI source] → schema/<target>/
 *   qmp-codegen generate …  schema/<target>/ → generated/<target>/ (typed SDK + validators)
 *   qmp-codegen diff A B    what changed from A to B (schema folders, QEMU binaries or QMP sockets)
 * The repository's own maintenance commands (re-import / regenerate the committed targets) are
 * `scripts/import.ts` and `scripts/generate.ts` (`npm run import`, `npm run generate`), not published.
 */
import { generatorPeersHint, missingGeneratorPeers } from './peers.js';

/** Command name → its handler, loaded on demand (only the chosen command's code is read). */
const commands: Record<string, (args: string[]) => Promise<number>> = {
  import: async (args) => (await import('./import/cli.js')).importCli(args),
  generate: async (args) => (await import('./generate/cli.js')).generateCli(args),
  diff: async (args) => (await import('./diff/cli.js')).diffCli(args),
};

/**
 * Whether the command loads the generator's own libraries: `generate`, and `import --generate`.
 * `import` alone (and its `--help`) and `diff` need only the importer, which needs Ajv, a dependency.
 */
function needsGeneratorPeers(command: string, args: readonly string[]): boolean {
  if (command === 'generate') return true;
  return command === 'import' && args.includes('--generate') && !args.includes('--help') && !args.includes('-h');
}

const usage = `usage: qmp-codegen <${Object.keys(commands).join('|')}> [options]   (qmp-codegen <command> --help)`;

async function main([command, ...rest]: string[]): Promise<number> {
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(usage);
    return command === undefined ? 2 : 0;
  }
  const run = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (run === undefined) {
    console.error(`qmp-codegen: unknown command '${command}'\n${usage}`);
    return 2;
  }
  const missing = needsGeneratorPeers(command, rest) ? missingGeneratorPeers() : [];
  if (missing.length > 0) {
    console.error(generatorPeersHint(missing));
    return 1;
  }
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`qmp-codegen: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
