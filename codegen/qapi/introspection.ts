/**
 * Types of QAPI introspection, the reply of `query-qmp-schema` (QEMU's `qapi/introspect.json`).
 * Type names are masked as numbers (strings like "23") except builtins ("int", "str", …).
 */

/** Common members of every entry. */
interface SchemaInfoBase {
  name: string;
  /** Features such as `deprecated`, `unstable` (absent when none). */
  features?: string[];
}

export interface SchemaInfoBuiltin extends SchemaInfoBase {
  'meta-type': 'builtin';
  /** JSON type: string, number, int, boolean, null, object, array, value. */
  'json-type': string;
}

export interface SchemaInfoEnumMember {
  name: string;
  features?: string[];
}

export interface SchemaInfoEnum extends SchemaInfoBase {
  'meta-type': 'enum';
  /** Value names (QEMU >= 6.2 also gives `members` with features). */
  values: string[];
  members?: SchemaInfoEnumMember[];
}

export interface SchemaInfoArray extends SchemaInfoBase {
  'meta-type': 'array';
  'element-type': string;
}

export interface SchemaInfoObjectMember {
  name: string;
  type: string;
  /** Present (always null) when the member is optional. */
  default?: null;
  features?: string[];
}

export interface SchemaInfoObjectVariant {
  case: string;
  type: string;
}

export interface SchemaInfoObject extends SchemaInfoBase {
  'meta-type': 'object';
  members: SchemaInfoObjectMember[];
  tag?: string;
  variants?: SchemaInfoObjectVariant[];
}

export interface SchemaInfoAlternate extends SchemaInfoBase {
  'meta-type': 'alternate';
  members: { type: string }[];
}

export interface SchemaInfoCommand extends SchemaInfoBase {
  'meta-type': 'command';
  'arg-type': string;
  'ret-type': string;
  'allow-oob'?: boolean;
}

export interface SchemaInfoEvent extends SchemaInfoBase {
  'meta-type': 'event';
  'arg-type': string;
}

/** One entry of `query-qmp-schema`. */
export type SchemaInfo =
  | SchemaInfoBuiltin
  | SchemaInfoEnum
  | SchemaInfoArray
  | SchemaInfoObject
  | SchemaInfoAlternate
  | SchemaInfoCommand
  | SchemaInfoEvent;
