/**
 * Compiles every validator of a target with ONE Ajv instance (shared definitions become shared
 * functions) into standalone ES module code, at generate time. Ajv's ESM output still calls
 * `require()` for its runtime helpers: those calls become `import`s here.
 */
import AjvModule from 'ajv';
import { GenerateError } from './errors.js';
import { standaloneModuleCode } from './standalone.js';
import { compileCheckpoints, refsIn } from '../ref-order.js';
import type { TargetModel } from './model.js';
import { definitionId, protocolId, protocolSchemas, targetSchemas } from './validation-schemas.js';
import { pruneAjvOutput } from './prune-validators.js';
import { addIntKeyword } from './int-keyword.js';

type AjvClass = typeof AjvModule.default;
const Ajv = ((AjvModule as unknown as { default?: AjvClass }).default ?? AjvModule) as AjvClass;

/** Export names of the compiled validators, by role. */
export interface CompiledValidators {
  /** ES module code (no `require`), exporting the names below. */
  readonly code: string;
  /** Wire name → export name, sorted by wire name. */
  readonly args: ReadonlyArray<readonly [string, string]>;
  readonly returns: ReadonlyArray<readonly [string, string]>;
  readonly events: ReadonlyArray<readonly [string, string]>;
  /** Export names of the greeting and whole-message validators. */
  readonly greeting: string;
  readonly message: string;
}

/** Compiles the validators of a target. */
export function compileValidators(model: TargetModel): CompiledValidators {
  const target = model.schema;
  const ajv = new Ajv({
    strict: true,
    discriminator: true,
    allErrors: false,
    messages: false,
    inlineRefs: false,
    code: { source: true, esm: true, optimize: true, lines: true },
  });
  ajv.addKeyword({ keyword: 'x-qmp' });
  addIntKeyword(ajv); // exact integers, number or bigint
  const add = (id: string, schema: object, where: string): void => {
    try {
      ajv.addSchema(schema, id);
    } catch (err) {
      throw new GenerateError(where, `does not compile: ${(err as Error).message}`);
    }
  };
  for (const s of protocolSchemas(target)) add(s.id, s.schema, `schema/protocol/${s.id.split('/').pop() ?? ''}`);
  const refs = new Map<string, string[]>();
  for (const flavour of ['exact', 'compat'] as const) {
    for (const s of targetSchemas(target, flavour)) {
      add(s.id, s.schema, whereOf(model, s.id));
      refs.set(s.id, refsIn(s.schema));
    }
  }
  const exports: Record<string, string> = {};
  const args: Array<[string, string]> = [];
  const returns: Array<[string, string]> = [];
  const events: Array<[string, string]> = [];
  model.commands.forEach((c, i) => {
    exports[`a${i}`] = definitionId('exact', 'commands', i);
    args.push([c.wire, `a${i}`]);
    exports[`r${i}`] = definitionId('compat', 'returns', i);
    returns.push([c.wire, `r${i}`]);
  });
  model.events.forEach((e, i) => {
    exports[`e${i}`] = definitionId('compat', 'events', i);
    events.push([e.wire, `e${i}`]);
  });
  exports['greeting'] = protocolId('greeting');
  exports['message'] = protocolId('message');
  // Compile ahead the schemas that end long chains of $refs: Ajv then never nests more than
  // MAX_NESTED_COMPILES compilations (a chain of 300 nested types overflowed a 150 KB stack).
  for (const id of compileCheckpoints(Object.values(exports), (id) => refs.get(id))) {
    try {
      ajv.getSchema(id);
    } catch (err) {
      throw new GenerateError(whereOf(model, id), `does not compile: ${(err as Error).message}`);
    }
  }
  // compile each root here so that a failure names its definition
  for (const id of Object.values(exports)) {
    try {
      if (ajv.getSchema(id) === undefined) throw new Error('not found');
    } catch (err) {
      throw new GenerateError(whereOf(model, id), `does not compile: ${(err as Error).message}`);
    }
  }
  let code: string;
  try {
    code = standaloneModuleCode(ajv, exports);
  } catch (err) {
    throw new GenerateError(target.display, `validators do not compile: ${(err as Error).message}`);
  }
  return { code: toEsm(pruneAjvOutput(code)), args, returns, events, greeting: 'greeting', message: 'message' };
}

/** Names the definition behind an id for error messages. */
function whereOf(model: TargetModel, id: string): string {
  const m = /\/(exact|compat)\/([tare])(\d+)$/.exec(id);
  if (m === null) return id;
  const file = { t: 'types', a: 'commands', r: 'returns', e: 'events' }[m[2] as 't' | 'a' | 'r' | 'e'] as 'types' | 'commands' | 'returns' | 'events';
  const key = [...model.schema.definitions[file].keys()][Number(m[3])];
  return `${model.schema.display}/${file}.json#/definitions/${key ?? '?'}`;
}

/** Rewrites Ajv's `require("ajv/dist/runtime/x")` calls into `import` declarations. */
export function toEsm(code: string): string {
  const specs = new Map<string, string>();
  const body = code.replace(/require\("([^"]*)"\)/g, (_m, spec: string) => {
    if (!/^ajv\/dist\/runtime\/[a-z0-9_]+$/.test(spec)) throw new Error(`unexpected require(${JSON.stringify(spec)}) in Ajv output`);
    let name = specs.get(spec);
    if (name === undefined) {
      name = `ajvRuntime${specs.size}`;
      specs.set(spec, name);
    }
    return name;
  });
  if (/\brequire\s*\(/.test(body)) throw new Error('Ajv output still calls require()');
  const imports = [...specs].map(([spec, name]) => `import ${name} from ${JSON.stringify(`${spec}.js`)};`);
  return [...imports, body.replace(/^"use strict";\s*/, '')].join('\n');
}
