#!/usr/bin/env bash
# The README's one set-up command, for a fresh Debian bookworm machine with Node 20, as root:
# installs the test QEMUs (7.2 and 10.0) and their QAPI sources, the npm dependencies, Chromium, builds,
# and runs the demo (the main job). `.ci/run` runs exactly this, then `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-qemu.sh
# tmux: the shell tests of `qmp` drive it in a real terminal (test/cli/shell.test.ts).
command -v tmux >/dev/null || apt-get install -y -q --no-install-recommends tmux
# A C compiler: the benchmark's instant peer (bench/peer/instant-peer.c) is built by its test (test/bench/).
command -v cc >/dev/null || apt-get install -y -q --no-install-recommends gcc libc6-dev
npm ci --no-audit --no-fund
# TypeScript 5 beside the project's TypeScript 6: the published .d.ts must compile for TS 5 users (test/generate/ts5.test.ts).
[ -f .cache/typescript5/node_modules/typescript/package.json ] || npm install --prefix .cache/typescript5 --no-audit --no-fund typescript@5.9
# Debian's Chromium for the browser tests (the API reference, the validators bundled for a browser).
if ! command -v chromium >/dev/null; then
  for n in 1 2 3; do
    { apt-get update -q && apt-get install -y -q --no-install-recommends chromium; } && break
    [ "$n" = 3 ] && { echo "setup.sh: installing chromium failed" >&2; exit 1; }
    sleep $((n * 5))
  done
fi
npm run build
npm run demo
