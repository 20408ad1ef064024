/**
 * One QMP command from typed words, shared by the one-shot mode and the shell: `key=value` words
 * (or a JSON object) typed by the live schema, validated against it (nothing is sent when they do
 * not fit), then executed.
 */
import { QmpValidationError } from '../runtime/index.js';
import type { QmpClient } from '../runtime/index.js';
import { CliError, exitCodes } from './exit-codes.js';
import { parseKeyValues } from './key-value.js';
import type { LiveSchema } from './live-schema.js';
import type { SchemaNavigator } from './schema-nav.js';
import type { ValidationResult } from '../runtime/index.js';
import { parseJson } from '../runtime/json-parse.js';

/** The live schema with what the shell and the one-shot mode derive from it. */
export interface LiveTools {
  schema: LiveSchema;
  nav: SchemaNavigator;
  validate(command: string, args: unknown): ValidationResult;
}

/** Reads a JSON object given as text (`--args`, or a shell line's `{…}`); throws CliError (2). */
export function jsonArguments(text: string, where: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = parseJson(text); // lossless integers
  } catch (err) {
    throw new CliError(`qmp: ${where} is not valid JSON: ${(err as Error).message}`, exitCodes.usageOrConnection);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new CliError(`qmp: ${where} must be a JSON object`, exitCodes.usageOrConnection);
  return v as Record<string, unknown>;
}

/** Arguments from `key=value` words typed by the live schema (when there is one). */
export function wordArguments(command: string, words: readonly string[], tools: LiveTools | undefined): Record<string, unknown> {
  return parseKeyValues(words, tools?.nav.typesAt(command));
}

/**
 * Checks `args` against the live schema: throws `QmpValidationError` (paths like
 * `/arguments/cache/direct`) when they do not fit. A command the QEMU does not have is left to QEMU,
 * which answers `CommandNotFound` (exit code 1, with or without arguments).
 */
export function checkArguments(command: string, args: Record<string, unknown> | undefined, tools: LiveTools): void {
  if (tools.nav.command(command) === undefined) return;
  const r = tools.validate(command, args ?? {});
  if (!r.ok) throw new QmpValidationError('arguments', command, r.errors);
}

/** Sends the command (validation already done here, so the client's own is off) and resolves with its return value. */
export function send(qmp: QmpClient, command: string, args: Record<string, unknown> | undefined): Promise<unknown> {
  return qmp.execute(command, args, { validateArguments: false });
}
