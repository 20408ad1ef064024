/**
 * Disk images for the real-QEMU operation tests, made with `qemu-img`/`qemu-io` (Debian package
 * `qemu-utils`, installed by scripts/install-qemu.sh) in a temporary folder the test removes.
 * Fails (never skips) with the install hint when the tools are missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const hint = 'qemu-img/qemu-io not found: install them with sudo bash scripts/install-qemu.sh (Debian package qemu-utils)';

function tool(name: string): string {
  const path = `/usr/bin/${name}`;
  if (!existsSync(path)) throw new Error(`${path} missing. ${hint}`);
  return path;
}

/** A temporary folder of images; `remove()` deletes it. */
export interface ImageFolder {
  readonly dir: string;
  /** Creates `name` (qcow2, `size` like `64M`); with `fill`, writes that byte over the whole image. */
  qcow2(name: string, size: string, fill?: number): string;
  remove(): Promise<void>;
}

export async function imageFolder(): Promise<ImageFolder> {
  const img = tool('qemu-img');
  const io = tool('qemu-io');
  const dir = await mkdtemp(join(tmpdir(), 'qmp-ops-'));
  return {
    dir,
    qcow2(name, size, fill) {
      const path = join(dir, name);
      execFileSync(img, ['create', '-q', '-f', 'qcow2', path, size]);
      if (fill !== undefined) execFileSync(io, ['-f', 'qcow2', '-c', `write -P 0x${fill.toString(16)} 0 ${size}`, path], { stdio: 'ignore' });
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
