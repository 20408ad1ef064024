/**
 * Compiles the schema files of a target the way `schema/FORMAT.md` says consumers do: Ajv 8, draft-07,
 * `strict: true`, `discriminator: true`, the `x-qmp` keyword declared. Every definition is compiled.
 */
import { Ajv } from 'ajv';
import { ImportError } from './errors.js';
import { compileCheckpoints, refsIn } from '../ref-order.js';

/** A fresh Ajv set up per `schema/FORMAT.md`. */
export function formatAjv(): Ajv {
  const ajv = new Ajv({ strict: true, discriminator: true, allErrors: false, code: { optimize: false } });
  ajv.addKeyword({ keyword: 'x-qmp' });
  return ajv;
}

/**
 * Adds every file (parsed from its text) to one Ajv and compiles every definition; throws
 * {@link ImportError} naming the file and definition that failed. Returns the Ajv instance.
 */
export function compileTarget(files: ReadonlyMap<string, string>, ajv: Ajv = formatAjv()): Ajv {
  const docs = new Map<string, { $id: string; definitions: Record<string, unknown> }>();
  for (const [file, text] of files) {
    if (file === 'target.json' || file === 'devices.json') continue;
    const doc = JSON.parse(text) as { $id: string; definitions: Record<string, unknown> };
    docs.set(file, doc);
    try {
      ajv.addSchema(doc);
    } catch (err) {
      throw new ImportError(`schema does not compile: ${(err as Error).message}`, file, { cause: err });
    }
  }
  // Every definition; first those that end long chains of $refs, so that Ajv never nests more
  // than MAX_NESTED_COMPILES compilations (a chain of nested types must not overflow the stack).
  const place = new Map<string, { file: string; name: string; refs: string[] }>();
  for (const [file, doc] of docs) {
    for (const [name, def] of Object.entries(doc.definitions)) {
      const refs = refsIn(def).map((r) => new URL(r, doc.$id).href);
      place.set(`${doc.$id}#/definitions/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, { file, name, refs });
    }
  }
  const all = [...place.keys()];
  for (const ref of [...compileCheckpoints(all, (id) => place.get(id)?.refs), ...all]) {
    try {
      ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
    } catch (err) {
      const at = place.get(ref)!;
      throw new ImportError(`schema does not compile: ${(err as Error).message}`, `${at.file} definition ${JSON.stringify(at.name)}`, { cause: err });
    }
  }
  return ajv;
}
