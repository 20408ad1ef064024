/**
 * The generator's own libraries. They are optional peer dependencies of the package (`package.json`
 * `peerDependencies` + `peerDependenciesMeta`): a runtime or validator user never installs them, and
 * `qmp-codegen` checks for them before loading any of its code, so a user without them gets one line
 * saying exactly what to install instead of a module-resolution stack trace.
 */
import { createRequire } from 'node:module';

/** Package name → the version range `qmp-codegen` needs (the same as `package.json` `peerDependencies`). */
export const generatorPeers: Readonly<Record<string, string>> = { 'ts-morph': '^28.0.0' };

/** The generator libraries that cannot be resolved from this module's location, sorted by name. */
export function missingGeneratorPeers(resolve: (name: string) => string = createRequire(import.meta.url).resolve): string[] {
  return Object.keys(generatorPeers)
    .filter((name) => {
      try {
        resolve(name);
        return false;
      } catch {
        return true;
      }
    })
    .sort();
}

/** The one-line hint for missing generator libraries, e.g. `npm install --save-dev ts-morph@^28.0.0`. */
export function generatorPeersHint(missing: readonly string[]): string {
  const specs = missing.map((name) => `${name}@${generatorPeers[name] ?? 'latest'}`).join(' ');
  return `qmp-codegen needs the generator's libraries, which runtime users do not install: npm install --save-dev ${specs}`;
}
