/**
 * A node of the project's schema format (`schema/FORMAT.md`): JSON Schema draft-07 plus the
 * `x-qmp` annotation keyword. The importer builds these, the generator reads them.
 */

/** A JSON Schema node (the draft-07 subset the importer writes, with `x-qmp`), as a plain JSON object. */
export type JsonSchema = Record<string, unknown>;
