#!/usr/bin/env bash
# The README's one set-up command, for a fresh Debian bookworm machine with Node 20, as root:
# installs the test QEMUs (7.2 and 10.0) and their QAPI sources, the npm dependencies, builds,
# and runs the demo (the main job). `.ci/run` runs exactly this, then `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-qemu.sh
npm ci --no-audit --no-fund
npm run build
npm run demo
