/**
 * Walking a command's argument schema (the live schema's documents, `schema/FORMAT.md`) by dotted
 * path: the members at a place, the JSON types and the enum values allowed there. `$ref`s are
 * followed, unions (`oneOf` + `discriminator`) are narrowed by the tag value already typed (all
 * branches when none is), alternates (`anyOf`) give all their forms.
 */
import { isRawValue } from './key-value.js';
import type { JsonType, RawTree } from './key-value.js';
import type { LiveSchema } from './live-schema.js';

type Schema = Record<string, unknown>;

function isRecord(v: unknown): v is Schema {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The text typed for `key` in a raw tree or a plain object, when it is a scalar. */
function givenScalar(given: unknown, key: string): string | undefined {
  if (!isRecord(given) || !Object.hasOwn(given, key)) return undefined;
  const v = given[key];
  if (isRawValue(v)) return v.text;
  return typeof v === 'string' ? v : undefined;
}

function child(given: unknown, key: string): unknown {
  return isRecord(given) && !isRawValue(given) && Object.hasOwn(given, key) ? given[key] : undefined;
}

/** Navigation over one live schema. */
export class SchemaNavigator {
  readonly #types: Schema;
  readonly #commands: Schema;

  constructor(schema: Pick<LiveSchema, 'documents'>) {
    this.#types = (schema.documents['types.json']['definitions'] ?? {}) as Schema;
    this.#commands = (schema.documents['commands.json']['definitions'] ?? {}) as Schema;
  }

  /** The arguments schema of a command, or `undefined` when the QEMU has no such command. */
  command(name: string): Schema | undefined {
    const s = Object.hasOwn(this.#commands, name) ? this.#commands[name] : undefined;
    return isRecord(s) ? s : undefined;
  }

  /** Follows `$ref`s (all point into `types.json`). */
  resolve(s: Schema): Schema {
    let cur = s;
    for (let i = 0; i < 64 && typeof cur['$ref'] === 'string'; i++) {
      const name = decodeURIComponent((cur['$ref'] as string).replace(/^.*#\/definitions\//, '')).replace(/~1/g, '/').replace(/~0/g, '~');
      const next = Object.hasOwn(this.#types, name) ? this.#types[name] : undefined;
      if (!isRecord(next)) return {};
      cur = next;
    }
    return cur;
  }

  /** The concrete forms of `s`: refs followed, union branches (narrowed by `given`'s tag) and alternates spread. */
  forms(s: Schema, given: unknown): Schema[] {
    const r = this.resolve(s);
    if (Array.isArray(r['oneOf'])) {
      const branches = (r['oneOf'] as unknown[]).filter(isRecord);
      const tag = isRecord(r['discriminator']) ? (r['discriminator']['propertyName'] as string | undefined) : undefined;
      const value = tag === undefined ? undefined : givenScalar(given, tag);
      let chosen = branches;
      if (tag !== undefined && value !== undefined) {
        const hit = branches.filter((b) => this.#tagValues(b, tag).includes(value));
        if (hit.length > 0) chosen = hit;
      }
      return chosen.flatMap((b) => (Array.isArray(b['oneOf']) ? this.forms(b, given) : [b]));
    }
    if (Array.isArray(r['anyOf'])) return (r['anyOf'] as unknown[]).filter(isRecord).flatMap((a) => this.forms(a, given));
    return [r];
  }

  #tagValues(branch: Schema, tag: string): string[] {
    const props = isRecord(branch['properties']) ? branch['properties'] : {};
    const p = isRecord(props[tag]) ? this.resolve(props[tag] as Schema) : {};
    if (typeof p['const'] === 'string') return [p['const']];
    return Array.isArray(p['enum']) ? (p['enum'] as unknown[]).filter((v): v is string => typeof v === 'string') : [];
  }

  /** The forms found at `path` below a command's arguments (empty when the path leads nowhere). */
  at(command: string, path: readonly string[], given: unknown): Schema[] {
    const root = this.command(command);
    if (root === undefined) return [];
    let forms = this.forms(root, given);
    let g = given;
    for (const seg of path) {
      const next: Schema[] = [];
      const gChild = child(g, seg);
      for (const f of forms) {
        const props = isRecord(f['properties']) ? f['properties'] : undefined;
        if (props !== undefined && Object.hasOwn(props, seg) && isRecord(props[seg])) next.push(...this.forms(props[seg] as Schema, gChild));
        else if (f['type'] === 'array' && /^\d+$/.test(seg) && isRecord(f['items'])) next.push(...this.forms(f['items'] as Schema, gChild));
      }
      forms = next;
      g = gChild;
    }
    return forms;
  }

  /** Members of the object forms, name → the member's schema (first form wins), in schema order. */
  members(forms: readonly Schema[]): Map<string, Schema> {
    const out = new Map<string, Schema>();
    for (const f of forms) {
      if (!isRecord(f['properties'])) continue;
      for (const [k, v] of Object.entries(f['properties'])) if (!out.has(k) && isRecord(v)) out.set(k, v);
    }
    return out;
  }

  /** JSON types the forms allow; `undefined` when any value goes (`{}`), or when there are no forms. */
  types(forms: readonly Schema[]): Set<JsonType> | undefined {
    if (forms.length === 0) return undefined;
    const out = new Set<JsonType>();
    for (const f of forms) {
      if (typeof f['type'] === 'string') out.add(f['type'] as JsonType);
      else if (f['const'] !== undefined || Array.isArray(f['enum'])) {
        const vals = f['const'] !== undefined ? [f['const']] : (f['enum'] as unknown[]);
        for (const v of vals) out.add(v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string');
      } else return undefined;
    }
    return out;
  }

  /** Values worth completing: enum and const values, `true`/`false` for booleans. */
  values(forms: readonly Schema[]): string[] {
    const out = new Set<string>();
    for (const f of forms) {
      if (typeof f['const'] === 'string') out.add(f['const']);
      if (Array.isArray(f['enum'])) for (const v of f['enum'] as unknown[]) if (typeof v === 'string') out.add(v);
      if (f['type'] === 'boolean') {
        out.add('true');
        out.add('false');
      }
    }
    return [...out];
  }

  /** A {@link TypesAt} for `key-value.ts`, for one command. */
  typesAt(command: string): (path: readonly string[], given: RawTree) => Set<JsonType> | undefined {
    return (path, given) => this.types(this.at(command, path, given));
  }
}
