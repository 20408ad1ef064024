/**
 * The contract between the QAPI source reader (`codegen/qapi/`) and the importer (`codegen/import/`).
 * The importer takes STRUCTURE from the live QEMU (introspection) and only NAMES and DOCS from here.
 */
import type { SchemaInfo } from './introspection.js';

/** A parsed QAPI doc comment (`##` block) of one definition. Text is kept as written (Markdown/rST-ish). */
export interface QapiDoc {
  /** The free text describing the definition. */
  description?: string;
  /** Text of each `@member:` (members of structs/commands/events, values of enums, cases of unions). */
  members: Record<string, string>;
  /** Text of each feature listed under `Features:`. */
  features: Record<string, string>;
  /** The `Since:` section, e.g. `"0.14"`. */
  since?: string;
  /** `Returns:` section. */
  returns?: string;
  /** `Errors:` section. */
  errors?: string;
  /** `Note:`/`Notes:` sections. */
  notes?: string[];
  /** `Example:`/`Examples:` sections, verbatim. */
  examples?: string[];
  /** Why the definition is deprecated: the `deprecated` feature's text (or a deprecation section). */
  deprecated?: string;
}

/** Where a source definition was read. */
export interface QapiLocation {
  file: string;
  line: number;
}

/** A value of QAPI's JSON dialect (no numbers, no null). */
export type QapiValue = string | boolean | QapiValue[] | { [key: string]: QapiValue };

/** One top-level definition of the QAPI source. `expr` is the parsed expression as written. */
export interface QapiDefinition {
  kind: 'command' | 'event' | 'struct' | 'union' | 'alternate' | 'enum';
  name: string;
  expr: Record<string, QapiValue>;
  doc?: QapiDoc;
  location: QapiLocation;
}

/** A loaded QAPI source tree (`qapi/qapi-schema.json` and everything it includes). */
export interface QapiSource {
  /** Files read, relative to the source root, in include order. */
  files: string[];
  /** Definitions in source order. */
  definitions: QapiDefinition[];
  /** Definition by name. */
  byName: ReadonlyMap<string, QapiDefinition>;
}

/** One mismatch between binary and source, found while recovering names. */
export interface QapiWarning {
  /** Path from a command or event, e.g. `command query-status/returns/status`. */
  path: string;
  message: string;
}

/** What name recovery gives the importer. */
export interface QapiNames {
  /** Masked introspection type name → QAPI type name (only where structure agrees). */
  typeNames: ReadonlyMap<string, string>;
  /** Docs of named types by QAPI name. */
  typeDocs: ReadonlyMap<string, QapiDoc>;
  /** Docs of commands by wire name (their `members` document the arguments). */
  commandDocs: ReadonlyMap<string, QapiDoc>;
  /** Docs of events by wire name (their `members` document the data). */
  eventDocs: ReadonlyMap<string, QapiDoc>;
  /** Masked names reached that kept a path-derived name, with the reason. */
  unnamed: ReadonlyMap<string, string>;
  warnings: readonly QapiWarning[];
}

/** Reads a QAPI source: a folder holding `qapi-schema.json`, that file itself, or a QEMU source tarball. */
export type LoadQapiSource = (path: string) => Promise<QapiSource>;

/** Walks introspection and source in parallel from every command and event. */
export type RecoverQapiNames = (schema: readonly SchemaInfo[], source: QapiSource) => QapiNames;
