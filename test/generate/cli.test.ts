import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generateCli } from '../../codegen/generate/cli.js';
import { fixtureDir, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.done());

describe('qmp-codegen generate (CLI)', () => {
  it('generates with the default runtime import (qmp-sdk/runtime) and exits 0', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const out = join(tmp.dir, 'src/qmp');
    expect(await generateCli(['--schema', fixtureDir, `--out=${out}`])).toBe(0);
    expect(log.mock.calls[0]?.[0]).toMatch(/^generated qemu-9\.9-fixture → .*: 10 commands, 3 events, 11 types/);
    log.mockRestore();
    expect(readFileSync(join(out, 'index.ts'), 'utf8')).toContain('} from "qmp-sdk/runtime";');
  });

  it('usage errors exit 2, --help exits 0, a bad schema exits 1 with the place named', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await generateCli([])).toBe(2);
    expect(await generateCli(['--schema', fixtureDir])).toBe(2);
    expect(await generateCli(['--bogus'])).toBe(2);
    expect(await generateCli(['--help'])).toBe(0);
    expect(await generateCli(['--schema', join(tmp.dir, 'missing'), '--out', join(tmp.dir, 'x')])).toBe(1);
    expect(String(err.mock.calls.at(-1)?.[0])).toMatch(/schema\/missing\/target\.json: cannot read/);
    expect(existsSync(join(tmp.dir, 'x'))).toBe(false);
    err.mockRestore();
    log.mockRestore();
  });
});
