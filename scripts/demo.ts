/**
 * `npm run demo`: runs `examples/demo.ts` (as shipped in the package) with the QEMU 10.0 installed
 * by `scripts/install-qemu.sh`, passing its binary and module folder through the environment.
 */
import { findQemu } from './qemus.js';

const qemu = findQemu('10.0');
Object.assign(process.env, qemu.env, { QEMU: qemu.binary });
await import('../examples/demo.js');
