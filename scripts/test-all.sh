#!/usr/bin/env bash
# `npm test`: type check, build, unit and integration tests (Vitest; some start the built
# app as `npm start` does), then e2e tests
# (Playwright + Chromium against the built app and a real worker). Stops at the first
# failing stage and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

stage() { printf '\n=== %s ===\n' "$1"; }

stage "prisma generate"
node node_modules/prisma/build/index.js generate >/dev/null

stage "type check"
node node_modules/typescript/bin/tsc --noEmit

stage "build"
node node_modules/next/dist/bin/next build
node --import tsx scripts/build-worker.ts
node --import tsx scripts/build-web-server.ts

stage "unit and integration tests (vitest)"
node node_modules/vitest/vitest.mjs run

stage "e2e tests (playwright, chromium)"
browser="${QM_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$browser" ]; then
  # A fresh machine of ours has no browser; Playwright cannot download its own here.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "no browser at $browser: installing Debian's chromium (apt-get install chromium)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "no browser at $browser: install Debian's chromium (sudo apt-get install chromium) or set QM_CHROMIUM" >&2
    exit 1
  fi
fi
node node_modules/@playwright/test/cli.js test

printf '\nall test stages passed\n'
