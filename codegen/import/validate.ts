/**
 * Compiles the schema files of a target the way `schema/FORMAT.md` says consumers do: Ajv 8, draft-07,
 * `strict: true`, `discriminator: true`, the `x-qmp` keyword declared. Every definition is compiled.
 */
import { Ajv } from 'ajv';
import { ImportError } from './errors.js';

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
  for (const [file, doc] of docs) {
    for (const name of Object.keys(doc.definitions)) {
      const ref = `${doc.$id}#/definitions/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      try {
        ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
      } catch (err) {
        throw new ImportError(`schema does not compile: ${(err as Error).message}`, `${file} definition ${JSON.stringify(name)}`, { cause: err });
      }
    }
  }
  return ajv;
}
