/**
 * Feature probing with libvirt's query language over QAPI introspection (the reply of
 * `query-qmp-schema`, QEMU's `qapi/introspect.json`). Socket-free: the client's `supports()` and the
 * codegen's folder variant both evaluate here.
 *
 * Grammar (libvirt `src/qemu/qemu_qapi.c`, `virQEMUQAPISchemaPathGet`): steps separated by `/`.
 * - step 1: a command or event name;
 * - on a command or event: `arg-type` or `ret-type` (events have only `arg-type`), or `$feature`;
 * - on an object: `member` (any member), `*member` (an optional member), `+case` (a union's variant),
 *   or `$feature` (the object type has that feature);
 * - on an enum: `^value` (the enum has that value), optionally followed by `$feature` (the value has it);
 * - on a builtin: `!json-type` (`string`, `number`, `int`, `boolean`, `null`, `object`, `array`, `value`);
 * - arrays are entered transparently (the step applies to the element type); alternates try each
 *   member type in turn, the first match wins;
 * - a step whose name does not start with an ASCII letter is written with a leading space (` 0x`).
 * `!`, `$` and `^…/$…` end a query: a step after them makes the query malformed. A query naming
 * something that does not exist is simply `false`.
 *
 * Stricter than libvirt (which strips any first non-letter silently): a step starting with another
 * character, an empty step, an empty name after a modifier and an unknown `!` JSON type are malformed.
 * Malformed queries throw {@link QmpUsageError} naming the step, before any schema is read.
 */
import { isRecord } from './guards.js';
import { QmpProtocolError, QmpUsageError } from './errors.js';

/** What one step of a query selects. */
export type SchemaQueryStepKind =
  /** The first step: a command or event name. */
  | 'entry'
  /** A plain name: `arg-type`/`ret-type` on a command or event, a member on an object. */
  | 'member'
  /** `*name`: a member that must be optional. */
  | 'optional-member'
  /** `+case`: a union variant. */
  | 'variant'
  /** `^value`: an enum value. */
  | 'enum-value'
  /** `!type`: the JSON type of a builtin. */
  | 'json-type'
  /** `$name`: a feature of the command, event, object type or enum value selected before. */
  | 'feature';

/** One parsed step. */
export interface SchemaQueryStep {
  readonly kind: SchemaQueryStepKind;
  readonly name: string;
  /** The step as written. */
  readonly text: string;
}

/** The JSON types a builtin can have in introspection (`json-type` of `SchemaInfoBuiltin`). */
export const introspectionJsonTypes: readonly string[] = ['string', 'number', 'int', 'boolean', 'null', 'object', 'array', 'value'];

const modifiers: Record<string, SchemaQueryStepKind> = {
  '*': 'optional-member',
  '+': 'variant',
  '^': 'enum-value',
  '!': 'json-type',
  '$': 'feature',
  ' ': 'member',
};

/** Longest query or step text quoted whole in an error message; a longer one is cut, with `…`. */
const quotedMax = 200;

function quote(text: string): string {
  return JSON.stringify(text.length > quotedMax ? `${text.slice(0, quotedMax)}…` : text);
}

/** The error for a malformed step; the query and step are quoted cut to {@link quotedMax} characters. */
function malformed(query: string, index: number, text: string, why: string): QmpUsageError {
  return new QmpUsageError(`supports: malformed query ${quote(query)}: step ${index + 1} ${quote(text)} ${why}`);
}

/**
 * Parses a query. Throws {@link QmpUsageError} naming the step (1-based, as written) for a malformed
 * one: not a non-empty string, an empty step, an unknown modifier, an empty name, an unknown JSON type,
 * or a step after a terminal one (`!…`, `$…`; after `^…` only one `$…` may follow).
 */
export function parseSchemaQuery(query: unknown): SchemaQueryStep[] {
  if (typeof query !== 'string' || query === '') {
    throw new QmpUsageError(`supports: the query must be a non-empty string, got ${typeof query === 'string' ? '""' : typeof query}`);
  }
  const texts = query.split('/', maxQuerySteps + 1);
  if (texts.length > maxQuerySteps) throw new QmpUsageError(`supports: query ${quote(query)} has more than ${maxQuerySteps} steps`);
  const steps: SchemaQueryStep[] = [];
  texts.forEach((text, i) => {
    if (text === '') throw malformed(query, i, text, 'is empty');
    if (i === 0) {
      steps.push({ kind: 'entry', name: text, text });
      return;
    }
    const first = text[0] as string;
    let kind: SchemaQueryStepKind;
    let name: string;
    if (/[A-Za-z]/.test(first)) {
      kind = 'member';
      name = text;
    } else {
      const k = modifiers[first];
      if (k === undefined) {
        throw malformed(query, i, text, `starts with ${JSON.stringify(first)}: use a modifier (* + ^ ! $) or, for a name that does not start with a letter, a leading space`);
      }
      kind = k;
      name = text.slice(1);
      if (name === '') throw malformed(query, i, text, 'has no name after its modifier');
    }
    if (kind === 'json-type' && !introspectionJsonTypes.includes(name)) {
      throw malformed(query, i, text, `names no JSON type (one of ${introspectionJsonTypes.join(', ')})`);
    }
    const prev = steps[i - 1] as SchemaQueryStep;
    if (prev.kind === 'json-type' || prev.kind === 'feature') {
      throw malformed(query, i, text, `follows the terminal step ${quote(prev.text)}`);
    }
    if (prev.kind === 'enum-value' && kind !== 'feature') {
      throw malformed(query, i, text, `follows the enum value step ${quote(prev.text)}: only a $feature may`);
    }
    steps.push({ kind, name, text });
  });
  return steps;
}

/** One introspection entry, as loosely as the evaluator reads it (`SchemaInfo` of `qapi/introspect.json`). */
export interface IntrospectionEntry {
  readonly name: string;
  readonly 'meta-type': string;
  readonly [member: string]: unknown;
}

/** Introspection indexed for queries: types by name, commands and events by wire name. */
export interface IntrospectionIndex {
  readonly types: ReadonlyMap<string, IntrospectionEntry>;
  readonly entries: ReadonlyMap<string, IntrospectionEntry>;
  /** Names the source in errors, e.g. `query-qmp-schema` or a schema folder. */
  readonly source: string;
}


function bad(index: IntrospectionIndex, entry: string, why: string): QmpProtocolError {
  return new QmpProtocolError('unexpected-message', `${index.source}: entry ${JSON.stringify(entry)}: ${why}`);
}

/**
 * Indexes introspection (the bare array, or a `{"return": [...]}` reply). Throws
 * {@link QmpProtocolError} (`unexpected-message`) naming the entry when it is not an array of objects
 * with a string `name` and `meta-type`; the rest is checked where a query reads it.
 */
export function indexIntrospection(value: unknown, source = 'query-qmp-schema'): IntrospectionIndex {
  const list = isRecord(value) && 'return' in value ? value.return : value;
  if (!Array.isArray(list)) throw new QmpProtocolError('unexpected-message', `${source}: introspection is not an array`, { received: value });
  const types = new Map<string, IntrospectionEntry>();
  const entries = new Map<string, IntrospectionEntry>();
  list.forEach((e, i) => {
    if (!isRecord(e) || typeof e.name !== 'string' || typeof e['meta-type'] !== 'string') {
      throw new QmpProtocolError('unexpected-message', `${source}: entry #${i} has no string "name" and "meta-type"`, { received: e });
    }
    const entry = e as IntrospectionEntry;
    const meta = entry['meta-type'];
    (meta === 'command' || meta === 'event' ? entries : types).set(entry.name, entry);
  });
  return { types, entries, source };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function records(index: IntrospectionIndex, e: IntrospectionEntry, key: string): Record<string, unknown>[] {
  const v = e[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every(isRecord)) throw bad(index, e.name, `"${key}" is not an array of objects`);
  return v;
}

function typeField(index: IntrospectionIndex, e: IntrospectionEntry, rec: Record<string, unknown>, key: string): string {
  const t = rec[key];
  if (typeof t !== 'string') throw bad(index, e.name, `"${key}" is not a string`);
  return t;
}

/**
 * Most steps a query may have; a longer one is a {@link QmpUsageError}. Recursive types make any
 * depth a path (`query-named-block-nodes/ret-type/image/backing-image/backing-image/…`), so the
 * limit is the query's, never the schema's.
 */
export const maxQuerySteps = 1000;

/**
 * Most types one evaluation visits: a guard against introspection whose alternates branch without
 * end. A real query visits about two per step (an array, then its element).
 */
const maxVisits = 100 * maxQuerySteps;

/**
 * Evaluates parsed steps over indexed introspection: `true` when the path exists (and every boolean
 * step holds). Throws {@link QmpProtocolError} when the introspection is inconsistent where the query
 * reads it (a reference to an undefined type, an ill-typed field, a loop).
 */
export function evaluateSchemaQuery(index: IntrospectionIndex, steps: readonly SchemaQueryStep[]): boolean {
  const first = steps[0];
  if (first === undefined) return false;
  const root = index.entries.get(first.name);
  if (root === undefined) return false;
  let visits = 0;
  // Entries entered at each step index on the current path: arrays and alternates are entered
  // without taking a step, so meeting one again at the same index is a loop in the schema
  // (an array of itself, an alternate that contains itself), not a deep query.
  const onPath = new Set<string>();
  const visit = (e: IntrospectionEntry, at: number): boolean => {
    if (++visits > maxVisits) throw bad(index, e.name, `a query visits more than ${maxVisits} types here: possible loop in the schema`);
    const key = `${at}\u0000${e.name}`;
    if (onPath.has(key)) throw bad(index, e.name, 'possible loop in the schema: reached again without taking a step (an array or alternate that contains itself)');
    onPath.add(key);
    try {
      return visitStep(e, at);
    } finally {
      onPath.delete(key);
    }
  };
  const visitStep = (e: IntrospectionEntry, at: number): boolean => {
    const step = steps[at];
    if (step === undefined) return true;
    const enter = (typeName: string): boolean => {
      const t = index.types.get(typeName);
      if (t === undefined) throw bad(index, e.name, `refers to undefined type ${JSON.stringify(typeName)}`);
      return visit(t, at + 1);
    };
    switch (e['meta-type']) {
      case 'command':
      case 'event':
        if (step.kind === 'feature') return strings(e.features).includes(step.name);
        if (step.kind !== 'member' || (step.name !== 'arg-type' && step.name !== 'ret-type')) return false;
        if (e[step.name] === undefined) return false;
        return enter(typeField(index, e, e, step.name));
      case 'object': {
        if (step.kind === 'feature') return strings(e.features).includes(step.name);
        if (step.kind === 'variant') {
          const v = records(index, e, 'variants').find((r) => r.case === step.name);
          return v !== undefined && enter(typeField(index, e, v, 'type'));
        }
        if (step.kind !== 'member' && step.kind !== 'optional-member') return false;
        const m = records(index, e, 'members').find((r) => r.name === step.name);
        if (m === undefined || (step.kind === 'optional-member' && !('default' in m))) return false;
        return enter(typeField(index, e, m, 'type'));
      }
      case 'array': {
        const t = index.types.get(typeField(index, e, e, 'element-type'));
        if (t === undefined) throw bad(index, e.name, `refers to undefined type ${JSON.stringify(e['element-type'])}`);
        return visit(t, at);
      }
      case 'enum': {
        if (step.kind !== 'enum-value') return false;
        const feature = steps[at + 1];
        const members = e.members === undefined ? undefined : records(index, e, 'members');
        if (members !== undefined) {
          const m = members.find((r) => r.name === step.name);
          return m !== undefined && (feature === undefined || strings(m.features).includes(feature.name));
        }
        // Before QEMU 6.2 only "values", without features.
        return feature === undefined && strings(e.values).includes(step.name);
      }
      case 'builtin':
        return step.kind === 'json-type' && e['json-type'] === step.name;
      case 'alternate':
        return records(index, e, 'members').some((m) => {
          const t = index.types.get(typeField(index, e, m, 'type'));
          if (t === undefined) throw bad(index, e.name, `refers to undefined type ${JSON.stringify(m.type)}`);
          return visit(t, at);
        });
      default:
        return false;
    }
  };
  return visit(root, 1);
}

/** Parses and evaluates a query (see the module docs for the grammar). */
export function querySchema(index: IntrospectionIndex, query: string): boolean {
  return evaluateSchemaQuery(index, parseSchemaQuery(query));
}
