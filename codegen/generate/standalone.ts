/**
 * Ajv standalone code for many exports, without recursion per schema entry and in linear time.
 *
 * Why not `ajv/dist/standalone`: its multi-export loop rebuilds one growing code array per export
 * (`code = _\`${code}…\``, each a copy, and `push(...items)` with the whole array as arguments), so
 * its time is quadratic in the number of exports and it throws `RangeError: Maximum call stack size
 * exceeded` once that array has about 100,000 items (measured: a 2,000-command introspection with a
 * small stack; 100,000 commands failed after 6 minutes at the default one). It also follows a chain
 * of `$ref`s by recursion, one call level per link.
 *
 * This emits the same text (the committed targets regenerate byte for byte) into an array of
 * strings joined once, and follows references with an explicit stack of generator frames: each
 * frame is one validator's scope walk, and a reference to a validator not yet emitted pushes a new
 * frame instead of a call. The emitted order is Ajv's: a function's scope values (and the
 * functions they reference, depth first), then the function; the export line before its function.
 */
import type { Ajv } from 'ajv';
import type { SourceCode } from 'ajv/dist/types/index.js';
import type { ValueScopeName, UsedScopeValues } from 'ajv/dist/compile/codegen/scope.js';
import { getEsmExportName } from 'ajv/dist/compile/codegen/code.js';

/** Ajv's `UsedValueState` (a const enum in its types). */
const STARTED = 0;
const COMPLETED = 1;

type Frame = Generator<Frame, void, void>;

/** Runs a frame and every frame it yields, depth first, on an explicit stack (no recursion). */
function run(root: Frame): void {
  const stack: Frame[] = [root];
  while (stack.length > 0) {
    const step = (stack[stack.length - 1] as Frame).next();
    if (step.done) stack.pop();
    else stack.push(step.value);
  }
}

/** ES module code exporting, under each key of `exports`, the validator of the schema with that id. */
export function standaloneModuleCode(ajv: Ajv, exports: Readonly<Record<string, string>>): string {
  const n = String(ajv.scope.opts._n ?? '\n');
  const def = ajv.opts.code.es5 ? 'var' : 'const';
  const used: UsedScopeValues = {};
  const out: string[] = ['"use strict";'];
  const state = (name: ValueScopeName): number | undefined => used[name.prefix]?.get(name);
  const setState = (name: ValueScopeName, s: number): void => {
    (used[name.prefix] ??= new Map()).set(name, s);
  };

  function* validator(s: SourceCode | undefined): Frame {
    if (s === undefined) throw new Error('moduleCode: function does not have "source" property');
    if (state(s.validateName) === COMPLETED) return;
    setState(s.validateName, STARTED);
    // the scope values (Ajv's ValueScope._reduceValues)
    for (const prefix in s.scopeValues) {
      const names = s.scopeValues[prefix];
      if (!names) continue;
      const seen = (used[prefix] ??= new Map());
      for (const name of names) {
        if (seen.has(name)) continue;
        seen.set(name, STARTED);
        if (name.value === undefined) throw new Error(`CodeGen: name "${name}" has no value`);
        const code = name.value.code;
        if (code) {
          out.push(`${def} ${name} = ${code};${n}`);
        } else {
          const ref = name.value.ref as unknown;
          if (name.prefix === 'validate' && typeof ref === 'function') {
            yield validator((ref as { source?: SourceCode }).source);
          } else if ((name.prefix === 'root' || name.prefix === 'wrapper') && typeof ref === 'object' && ref !== null) {
            const env = ref as { validate?: { source?: SourceCode }; validateName?: ValueScopeName };
            if (!env.validateName) throw new Error('ajv internal error');
            out.push(`${def} ${name} = {validate: ${env.validateName}};`);
            if (state(env.validateName) !== STARTED) {
              out.push(n);
              yield validator(env.validate?.source);
            }
          } else {
            throw new Error(`CodeGen: "code" for ${name} not defined`);
          }
          out.push(n);
        }
        seen.set(name, COMPLETED);
      }
    }
    out.push(`${n}${s.validateCode}`);
    if (s.evaluated) out.push(`${s.validateName}.evaluated = ${s.evaluated};${n}`);
  }

  for (const key in exports) {
    const v = ajv.getSchema(exports[key] as string);
    if (!v) throw new Error(`moduleCode: no schema with id ${exports[key]}`);
    out.push(`${n}export const ${getEsmExportName(key)} = ${v.source?.validateName};${n}`);
    run(validator(v.source));
  }
  return out.join('');
}
