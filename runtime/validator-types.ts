/**
 * The shape of Ajv's compiled (standalone) validators, as generated code and the runtime's
 * validation modules (`validation.ts`, `device-validation.ts`) see them. Types only.
 */

/** One error as Ajv's compiled validators report it (messages are off; `params` says the rule). */
export interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** A compiled validator: `true` when valid; otherwise `errors` holds the problems found. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}
