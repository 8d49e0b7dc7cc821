#!/usr/bin/env bash
# `npm test`: type check, build, unit and integration tests (Vitest; some start the built
# app as `npm start` does), then e2e tests
# (Playwright + Chromium against the built app and a real worker). Stops at the first
# failing stage and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

stage() { printf '\n=== %s ===\n' "$1"; }

# need <file that proves it is there> <Debian packages>: installed when missing (as root,
# with apt), else a clear error. A fresh machine of ours has neither a browser nor Slurm.
need() {
  local proof=$1
  shift
  [ -e "$proof" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "no $proof: installing $* (apt-get install $*)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "no $proof: install $* (sudo apt-get install $*)" >&2
    exit 1
  fi
}

stage "prisma generate"
node node_modules/prisma/build/index.js generate >/dev/null

stage "type check"
node node_modules/typescript/bin/tsc --noEmit

stage "build"
node node_modules/next/dist/bin/next build
node --import tsx scripts/build-worker.ts
node --import tsx scripts/build-web-server.ts

stage "unit and integration tests (vitest)"
# The Slurm tests start a single-node Slurm of their own (munged, slurmctld, slurmd).
need /usr/sbin/slurmctld slurm-wlm munge
need /usr/sbin/munged munge
node node_modules/vitest/vitest.mjs run

stage "e2e tests (playwright, chromium)"
# Playwright cannot download its own browser here: Debian's (or QM_CHROMIUM's).
need "${QM_CHROMIUM:-/usr/bin/chromium}" chromium
node node_modules/@playwright/test/cli.js test

printf '\nall test stages passed\n'
