/**
 * Argument validators for the live schema: the schema documents compiled with Ajv as
 * `schema/FORMAT.md` says consumers do (`codegen/import/validate.ts`'s `formatAjv`), one command at a
 * time on first use (about 0.1 s for `blockdev-add`, nothing for a command without arguments), and
 * reported through the runtime's own formatting (`runtime/validation.ts`): the same paths and
 * messages as the typed SDK (`/arguments/cache/direct: must be boolean`).
 */
import { formatAjv } from '../codegen/import/validate.js';
import { addLiveIntKeyword, withExactIntegers } from './live-integers.js';
import { createTargetValidators } from '../runtime/validation.js';
import type { CompiledValidator, CompiledValidatorTables } from '../runtime/validation.js';
import type { ValidationResult } from '../runtime/index.js';
import type { LiveSchema } from './live-schema.js';

/** A map that compiles a command's validator the first time it is asked for. */
class LazyValidators extends Map<string, CompiledValidator> {
  constructor(
    private readonly names: ReadonlySet<string>,
    private readonly compile: (name: string) => CompiledValidator,
  ) {
    super();
  }
  override has(name: string): boolean {
    return this.names.has(name);
  }
  override get(name: string): CompiledValidator | undefined {
    if (!this.names.has(name)) return undefined;
    let v = super.get(name);
    if (v === undefined) super.set(name, (v = this.compile(name)));
    return v;
  }
}

/** `validateArguments(command, args)` over the live schema (exact, like the SDK's). */
export function liveArgumentValidator(schema: LiveSchema): (command: string, args: unknown) => ValidationResult {
  const ajv = formatAjv();
  addLiveIntKeyword(ajv); // exact integers, number or bigint (cli/live-integers.ts)
  // No meta-schema check (the fourth argument): the importer built these documents; it costs ~0.1 s.
  ajv.addSchema(withExactIntegers(schema.documents['types.json']) as object, undefined, undefined, false);
  ajv.addSchema(withExactIntegers(schema.documents['commands.json']) as object, undefined, undefined, false);
  const base = schema.documents['commands.json']['$id'] as string;
  const compile = (name: string): CompiledValidator =>
    ajv.compile({ $ref: `${base}#/definitions/${encodeURIComponent(name.replace(/~/g, '~0').replace(/\//g, '~1'))}` }) as CompiledValidator;
  const never: CompiledValidator = () => true;
  const tables: CompiledValidatorTables = {
    arguments: new LazyValidators(new Set(schema.commands), compile),
    returns: new Map(),
    events: new Map(),
    greeting: never,
    message: never,
  };
  const v = createTargetValidators(tables);
  return (command, args) => v.validateArguments(command, args);
}
