/** Counts of a name recovery, for the importer's summary line. */
import type { QapiNames } from './types.js';

/** How many masked types got their QAPI name, how many did not (by reason), and how many warnings. */
export interface QapiNamesSummary {
  named: number;
  unnamed: Record<string, number>;
  warnings: number;
  /** One line, e.g. `QAPI names: 612 named; unnamed: 398 implicit, 2 mismatch; 3 warnings`. */
  text: string;
}

/** Summarizes a {@link QapiNames} result. */
export function summarizeQapiNames(names: QapiNames): QapiNamesSummary {
  const unnamed: Record<string, number> = {};
  for (const reason of names.unnamed.values()) unnamed[reason] = (unnamed[reason] ?? 0) + 1;
  const reasons = Object.keys(unnamed)
    .sort()
    .map((r) => `${unnamed[r]} ${r}`)
    .join(', ');
  const text = `QAPI names: ${names.typeNames.size} named; unnamed: ${reasons || 'none'}; ${names.warnings.length} warning(s)`;
  return { named: names.typeNames.size, unnamed, warnings: names.warnings.length, text };
}
