/** Fetches the live schema of a connection and builds the tools the shell and the one-shot mode use. */
import type { QmpClient } from '../runtime/index.js';
import { CliError, exitCodes } from './exit-codes.js';
import { fetchLiveSchema } from './live-schema.js';
import { liveArgumentValidator } from './live-validators.js';
import { SchemaNavigator } from './schema-nav.js';
import type { LiveTools } from './run-command.js';

/** `query-qmp-schema` & co → {@link LiveTools}; a QEMU whose schema the importer rejects gives CliError (2). */
export async function loadLiveTools(qmp: QmpClient): Promise<LiveTools> {
  let schema;
  try {
    schema = await fetchLiveSchema(qmp);
  } catch (err) {
    if ((err as Error).name === 'ImportError' || (err as Error).message.startsWith('query-')) {
      throw new CliError(`qmp: cannot read this QEMU's schema: ${(err as Error).message}`, exitCodes.usageOrConnection);
    }
    throw err;
  }
  return { schema, nav: new SchemaNavigator(schema), validate: liveArgumentValidator(schema) };
}
