#!/usr/bin/env node
/**
 * `qmp-codegen`: the project's command line.
 *   qmp-codegen import   …  introspection (file, socket or QEMU binary) [+ QAPI source] → schema/<target>/
 *   qmp-codegen generate …  schema/<target>/ → generated/<target>/ (typed SDK + validators)
 *   qmp-codegen generate-all  regenerate every committed target (npm run generate)
 *   qmp-codegen import-all    re-import every committed target from the installed QEMUs (npm run import)
 */
const [command, ...rest] = process.argv.slice(2);

const usage = `usage: qmp-codegen <import|generate|generate-all|import-all> [options]   (qmp-codegen <command> --help)`;

async function main(): Promise<number> {
  switch (command) {
    case 'import':
      return (await import('./import/cli.js')).importCli(rest);
    case 'import-all':
      return (await import('./import/cli.js')).importAllCli(rest);
    case 'generate':
      return (await import('./generate/cli.js')).generateCli(rest);
    case 'generate-all':
      return (await import('./generate/cli.js')).generateAllCli(rest);
    case 'diff':
      return (await import('./diff/cli.js')).diffCli(rest);
    case undefined:
    case '--help':
    case '-h':
      console.log(usage);
      return command === undefined ? 2 : 0;
    default:
      console.error(`qmp-codegen: unknown command '${command}'\n${usage}`);
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`qmp-codegen: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
