/**
 * `generateTarget` and `renderTarget` as `qmp-sdk/codegen` exports them. The generator, and with it
 * `ts-morph` (an optional peer dependency, see `peers.ts`), is loaded on the first call, so the rest
 * of the entry (`importTarget`, `diffSchemas`, `loadSchema`, `schemaSupports` …) works in a
 * runtime-only install, where a static import of the generator would make `import('qmp-sdk/codegen')`
 * itself fail with `ERR_MODULE_NOT_FOUND`.
 */
import { GenerateError } from './generate/errors.js';
import type { GenerateOptions, GenerateResult } from './generate/generate.js';
import { generatorPeersHint, missingGeneratorPeers } from './peers.js';

type Generator = typeof import('./generate/generate.js');

/** A target rendered in memory: its name, every file (name → text) and what it holds. */
export interface RenderedTarget {
  readonly target: string;
  readonly files: Map<string, string>;
  readonly counts: GenerateResult['counts'];
}

let generator: Promise<Generator> | undefined;

function loadGenerator(caller: string): Promise<Generator> {
  const missing = missingGeneratorPeers();
  if (missing.length > 0) return Promise.reject(new GenerateError(caller, generatorPeersHint(missing)));
  generator ??= import('./generate/generate.js');
  return generator;
}

/**
 * Generates one target (`index.ts`, `types.ts`, `commands.ts`, `events.ts`, `target.ts`,
 * `validators.ts`, `validators-code.ts`) from a schema folder into `outDir`, replacing it atomically.
 * Rejects with a {@link GenerateError} naming the place: a bad schema (the file and JSON path), an
 * `outDir` holding anything this generator did not write (nothing is then changed), or `ts-morph`
 * not installed (the message is the one line to install it).
 */
export async function generateTarget(options: GenerateOptions): Promise<GenerateResult> {
  return (await loadGenerator('generateTarget')).generateTarget(options);
}

/**
 * Renders every file of a target in memory; nothing is written. Rejects like {@link generateTarget}
 * (a bad schema, or `ts-morph` not installed).
 */
export async function renderTarget(options: Omit<GenerateOptions, 'outDir'>): Promise<RenderedTarget> {
  return (await loadGenerator('renderTarget')).renderTarget(options);
}
