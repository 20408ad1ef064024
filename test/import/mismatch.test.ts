/**
 * A QAPI source of another QEMU version than the binary (7.2 source, 10.0 binary): the import works,
 * warns, and names nothing wrongly: every QAPI name it gives is the one the matching source gives,
 * or the 7.2 name of a type QEMU renamed since with the same structure (e.g. QCryptoIVGenAlgorithm →
 * QCryptoIVGenAlgo), never the name of another type of the binary.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget, fetchFromQemu } from '../../codegen/import/index.js';
import { checkIntrospection, nameTypes } from '../../codegen/import/index.js';
import { loadQapiSource, recoverQapiNames } from '../../codegen/qapi/index.js';
import { findQemu } from '../../scripts/qemus.js';

describe('QAPI source of another version', () => {
  it('the 7.2 source on the 10.0 binary: warnings, and no wrong name', async () => {
    const q10 = findQemu('10.0');
    const q72 = findQemu('7.2');
    const fetched = await fetchFromQemu(q10.binary, { env: q10.env });
    const intro = checkIntrospection(fetched.schema);
    const [src10, src72] = await Promise.all([loadQapiSource(q10.qapiSource), loadQapiSource(q72.qapiSource)]);
    const right = nameTypes(intro, recoverQapiNames(intro.entries, src10).typeNames);
    const mixed = nameTypes(intro, recoverQapiNames(intro.entries, src72).typeNames);
    let kept = 0;
    const wrong: string[] = [];
    const renamed: string[] = [];
    const rightByName = new Map([...right.types.values()].filter((t) => t.origin === 'qapi').map((t) => [t.name, t.masked]));
    for (const [masked, t] of mixed.types) {
      if (t.origin !== 'qapi') continue;
      kept++;
      const r = right.types.get(masked);
      if (r?.origin === 'qapi' && r.name === t.name) continue;
      const other = rightByName.get(t.name);
      if (other !== undefined && other !== masked) wrong.push(`${t.path}: ${t.name} is another type of the binary`);
      else if (src72.byName.get(t.name) === undefined) wrong.push(`${t.path}: ${t.name} is not in the 7.2 source`);
      else renamed.push(`${t.name} (10.0: ${r?.name})`);
    }
    expect(wrong).toEqual([]);
    expect(renamed.length).toBeLessThan(10);
    expect(kept).toBeGreaterThan(300);

    const r = await buildTarget(fetched, { qapiSource: q72.qapiSource }, { source: src72, recover: recoverQapiNames });
    expect(r.summary.warnings.length).toBeGreaterThan(0);
    const matched = await buildTarget(fetched, { qapiSource: q10.qapiSource }, { source: src10, recover: recoverQapiNames });
    expect(matched.summary.warnings).toEqual([]);
    expect(r.summary.qapi!.pathNamed).toBeGreaterThan(matched.summary.qapi!.pathNamed);
    console.log(
      `7.2 source on the 10.0 binary: ${r.summary.qapi?.named} QAPI names, ${r.summary.qapi?.pathNamed} path-derived, ` +
        `${r.summary.warnings.length} warnings; types renamed since 7.2 keep their 7.2 name: ${renamed.join(', ')}`,
    );
  }, 60_000);
});
