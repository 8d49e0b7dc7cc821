#!/usr/bin/env bash
# `npm test`: type check, unit and integration tests (Vitest), then e2e tests
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

stage "unit and integration tests (vitest)"
node node_modules/vitest/vitest.mjs run

stage "build"
node node_modules/next/dist/bin/next build

stage "e2e tests (playwright, chromium)"
node node_modules/@playwright/test/cli.js test

printf '\nall test stages passed\n'
