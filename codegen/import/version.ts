/** Version of the importer's output format, recorded in every `target.json` (bump when the output changes). */
export const importerVersion = '1.1';
