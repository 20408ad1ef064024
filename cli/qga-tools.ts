/**
 * `qmp --qga PATH`: the guest agent has no introspection (no `query-qmp-schema`), so completion, validation and
 * `help` come from the package's committed agent schema (`schema/qga-<major>.<minor>/`, imported from the agent's
 * QAPI source, docs included) of the version `guest-info` reports; an agent of another version gets the nearest
 * committed schema, and the shell says so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QgaClient } from '../runtime/qga/index.js';
import type { JsonSchema } from '../codegen/schema-format/json-schema.js';
import type { SchemaFileName } from '../codegen/schema-format/files.js';
import { packageSchemaDir } from './docs.js';
import { CliError, exitCodes } from './exit-codes.js';
import type { LiveSchema } from './live-schema.js';
import { liveArgumentValidator } from './live-validators.js';
import type { LiveTools } from './run-command.js';
import { SchemaNavigator } from './schema-nav.js';

/** The agent's own version, from `guest-info` (`"10.0.2"`). */
export interface QgaAgentVersion {
  major: number;
  minor: number;
  micro: number;
  text: string;
}

/** Asks `guest-info` for the agent's version; a reply without a readable `version` is a CliError (2). */
export async function agentVersion(qga: QgaClient): Promise<QgaAgentVersion> {
  const info = (await qga.executeUntyped('guest-info')) as { version?: unknown } | null;
  const text = typeof info?.version === 'string' ? info.version : '';
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (m === null) throw new CliError(`qmp: the guest agent's guest-info has no version (got ${JSON.stringify(text)})`, exitCodes.usageOrConnection);
  return { major: Number(m[1]), minor: Number(m[2]), micro: Number(m[3] ?? 0), text };
}

/** The committed agent schemas (`qga-<major>.<minor>`), oldest first. */
function committedQgaSchemas(dir: string): Array<{ name: string; major: number; minor: number }> {
  return readdirSync(dir)
    .map((name) => ({ name, m: /^qga-(\d+)\.(\d+)$/.exec(name) }))
    .filter((e) => e.m !== null)
    .map((e) => ({ name: e.name, major: Number(e.m![1]), minor: Number(e.m![2]) }))
    .sort((a, b) => a.major - b.major || a.minor - b.minor);
}

/**
 * The tools for an agent of version `v`: its own committed schema when there is one, else the newest one not
 * newer than it (or the oldest, for an agent older than every schema). `note` says when it is not its own.
 */
export function qgaTools(v: QgaAgentVersion): { tools: LiveTools; note: string | undefined } {
  const root = packageSchemaDir();
  const all = root === undefined ? [] : committedQgaSchemas(root);
  if (root === undefined || all.length === 0) throw new CliError('qmp: no guest agent schema (schema/qga-*) found in the package', exitCodes.usageOrConnection);
  const own = all.find((s) => s.major === v.major && s.minor === v.minor);
  const notNewer = all.filter((s) => s.major < v.major || (s.major === v.major && s.minor <= v.minor));
  const chosen = own ?? notNewer.at(-1) ?? all[0]!;
  const read = (file: SchemaFileName): JsonSchema => JSON.parse(readFileSync(join(root, chosen.name, file), 'utf8')) as JsonSchema;
  const documents = { 'commands.json': read('commands.json'), 'types.json': read('types.json'), 'returns.json': read('returns.json'), 'events.json': read('events.json') } as Record<SchemaFileName, JsonSchema>;
  const meta = JSON.parse(readFileSync(join(root, chosen.name, 'target.json'), 'utf8')) as { qemu: { major: number; minor: number; micro: number } };
  const commands = Object.keys((documents['commands.json']['definitions'] ?? {}) as object).sort();
  const schema: LiveSchema = { target: chosen.name, version: meta.qemu, arch: null, documents, commands, events: [] };
  const note = own === undefined ? `the guest agent is ${v.text}: completion and checks use the nearest schema the package has, ${chosen.name}` : undefined;
  return { tools: { schema, nav: new SchemaNavigator(schema), validate: liveArgumentValidator(schema) }, note };
}
