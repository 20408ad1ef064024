/**
 * What the package publishes must compile for TypeScript 5 users: the declarations of the
 * generated targets (emitted by the project's TypeScript) and a consumer using them are checked
 * by TypeScript 5.9 with `strict` and without `skipLibCheck`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { projectOptions, root, tempDir } from './helpers.js';

/**
 * TypeScript 5.9 lives in `.cache/typescript5` (not a devDependency: an npm alias would also link
 * its `tsc` binary over TypeScript 6's). Install: npm install --prefix .cache/typescript5 typescript@5.9
 */
const ts5Path = join(root, '.cache/typescript5/node_modules/typescript');
function loadTs5(): typeof ts {
  if (!existsSync(join(ts5Path, 'package.json'))) {
    throw new Error(`TypeScript 5.9 not found in ${ts5Path}. Install it with: npm install --prefix .cache/typescript5 typescript@5.9`);
  }
  return createRequire(import.meta.url)(ts5Path) as typeof ts;
}

const tmp = tempDir();
afterAll(() => tmp.done());

describe('declarations for TypeScript 5', () => {
  // Two whole-program compiles (TypeScript 6 emit, then 5.9): 20-50 s on a loaded 2-core machine.
  it('emitted .d.ts (10.0 target, 7.2 validators, the guest agent targets, runtime) compile under TypeScript 5.9 strict', { timeout: 180_000 }, () => {
    const ts5 = loadTs5();
    expect(ts5.version).toMatch(/^5\./);
    const outDir = join(tmp.dir, 'dist');
    // the full 10.0 target (index pulls in everything) and the 7.2 validator-only entry
    const entries = [
      join(root, 'generated/qemu-10.0-x86_64/index.ts'),
      join(root, 'generated/qemu-7.2-x86_64/validators.ts'),
      join(root, 'generated/qga-10.0/index.ts'),
      join(root, 'generated/qga-7.2/index.ts'),
      join(root, 'generated/qga-10.0/validators.ts'),
    ];
    const program = ts.createProgram(entries, { ...projectOptions(), noEmit: false, declaration: true, emitDeclarationOnly: true, outDir, rootDir: root });
    const emitted = program.emit();
    expect(emitted.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    const consumer = join(tmp.dir, 'consumer.ts');
    writeFileSync(
      consumer,
      [
        `import { QmpClient, type StatusInfo } from ${JSON.stringify(join(outDir, 'generated/qemu-10.0-x86_64/index.js'))};`,
        `import { validateArguments } from ${JSON.stringify(join(outDir, 'generated/qemu-7.2-x86_64/validators.js'))};`,
        `import { QgaClient, isQgaNoAgentError, type GuestOSInfo } from ${JSON.stringify(join(outDir, 'generated/qga-10.0/index.js'))};`,
        `import { QgaClient as Qga72 } from ${JSON.stringify(join(outDir, 'generated/qga-7.2/index.js'))};`,
        `import { validateArguments as validateQga } from ${JSON.stringify(join(outDir, 'generated/qga-10.0/validators.js'))};`,
        'export async function g(path: string): Promise<GuestOSInfo | undefined> {',
        '  const qga = await QgaClient.connect({ path, syncTimeoutMs: 1000 }).catch((e: unknown) => (isQgaNoAgentError(e) ? undefined : Promise.reject(e)));',
        '  if (!qga) return undefined;',
        '  const t: number = await qga.commands.guestGetTime();',
        "  const none: Record<string, never> = await qga.execute('guest-ping');",
        '  await (await Qga72.connect({ path })).close();',
        "  void t, none, validateQga('guest-ping', undefined);",
        '  return qga.commands.guestGetOsinfo();',
        '}',
        'export async function f(path: string): Promise<boolean> {',
        '  const qmp = await QmpClient.connect({ path });',
        '  const s: StatusInfo = await qmp.commands.queryStatus();',
        "  await qmp.commands.deviceAdd({ driver: 'virtio-blk-pci', id: 'vblk0', bus: 'rp1', drive: 'disk0' });",
        "  const r = validateArguments('query-status', undefined);",
        '  await qmp.close();',
        '  return s.running && r.ok;',
        '}',
        '',
      ].join('\n'),
    );
    const p5 = ts5.createProgram([consumer], {
      strict: true,
      target: ts5.ScriptTarget.ES2022,
      module: ts5.ModuleKind.NodeNext,
      moduleResolution: ts5.ModuleResolutionKind.NodeNext,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
    });
    const problems = ts5.getPreEmitDiagnostics(p5).map((d) => {
      const where = d.file && d.start !== undefined ? `${d.file.fileName}(${d.file.getLineAndCharacterOfPosition(d.start).line + 1}): ` : '';
      return `${where}TS${d.code} ${ts5.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  }); // two whole programs (emit with TypeScript 6, check with 5.9): ~15 s alone, more on a loaded machine (hence the 180 s limit)
});
