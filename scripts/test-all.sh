#!/usr/bin/env bash
# `npm test`: type check, build, unit and integration tests (Vitest; some start the built
# app as `npm start` does), then e2e tests
# (Playwright + Chromium against the built app and a real worker). Stops at the first
# failing stage and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

stage() { printf '\n=== %s (%s s into the run) ===\n' "$1" "$SECONDS"; }

# need_package PACKAGE WHAT: install a missing Debian package the tests need (as root with
# apt, as on a fresh machine of ours), or say how to get it.
need_package() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "$2: installing Debian's $1 (apt-get install $1)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  else
    echo "$2: install Debian's $1 (sudo apt-get install $1)" >&2
    exit 1
  fi
}

stage "prisma generate (SQLite and PostgreSQL clients)"
node node_modules/tsx/dist/cli.mjs prisma/tools/generate.ts --quiet

# The integration-pg project starts its own throw-away PostgreSQL; it needs the binaries.
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 && ! command -v pg_config >/dev/null; then
  need_package postgresql "no PostgreSQL server binaries (the tests start their own server)"
fi
# The Slurm tests start a single-node Slurm of their own (munged, slurmctld, slurmd).
[ -x /usr/sbin/slurmctld ] || need_package slurm-wlm "no Slurm (the Slurm tests start their own single-node cluster)"
[ -x /usr/sbin/munged ] || need_package munge "no munge (the Slurm tests start their own munged)"

# deploy/nginx is checked with nginx -t, and a test uploads through a real nginx.
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need_package nginx "no nginx (the reverse-proxy example is checked with it)"

stage "type check"
node node_modules/typescript/bin/tsc --noEmit

stage "build"
node node_modules/next/dist/bin/next build
node --import tsx scripts/build-worker.ts
node --import tsx scripts/build-web-server.ts

stage "deployment files (nginx -t; systemd-analyze verify, apache2 -t, promtool where installed)"
node --import tsx scripts/check-deploy.ts

# Commands side by side: `beside NAME COMMAND...` starts one in the background, its output
# kept; `with_beside WHAT NAME COMMAND...` runs one more in the foreground, then shows the
# others' output as they end, and stops the run if any failed. Stopped (SIGTERM, Ctrl-C) or
# failed: every command started here stops too. (A trap runs once the command bash waits for
# returns, hence the foreground one in the background and `wait`.)
beside_pids=()
beside_logs=()
beside_names=()
trap 'kill "${beside_pids[@]}" 2>/dev/null || true' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
beside() {
  local name="$1" log
  shift
  log="$(mktemp -t qm-test.XXXXXX)"
  "$@" >"$log" 2>&1 &
  beside_pids+=($!)
  beside_logs+=("$log")
  beside_names+=("$name")
}
with_beside() {
  local what="$1" name="$2" first i status
  local failed=()
  shift 2
  "$@" &
  first=$!
  beside_pids+=("$first")
  wait "$first" || failed+=("$name (exit $?)")
  for i in "${!beside_logs[@]}"; do
    status=0
    wait "${beside_pids[$i]}" || status=$?
    stage "${beside_names[$i]} ($what, run beside the others)"
    cat "${beside_logs[$i]}"
    rm -f "${beside_logs[$i]}"
    [ "$status" = 0 ] || failed+=("${beside_names[$i]} (exit $status)")
  done
  beside_pids=()
  beside_logs=()
  beside_names=()
  if [ "${#failed[@]}" != 0 ]; then
    printf '%s failed: %s\n' "$what" "${failed[*]}" >&2
    exit 1
  fi
}

stage "unit and integration tests on SQLite and PostgreSQL (vitest, three side by side)"
# An integration file keeps a processor about half busy (its jobs and workers mostly wait):
# two Vitests run beside this one, their output shown when all are done (vitest.config.ts).
vitest=(node node_modules/vitest/vitest.mjs run)
beside "the programs, then PostgreSQL" "${vitest[@]}" --project integration-scripts --project integration-pg
beside "Slurm" "${vitest[@]}" --project integration-slurm
with_beside vitest "unit and integration" "${vitest[@]}" --project unit --project integration

stage "e2e tests (playwright, chromium; two halves side by side)"
browser="${QM_CHROMIUM:-/usr/bin/chromium}"
# Playwright cannot download its own browser here.
[ -x "$browser" ] || need_package chromium "no browser at $browser (or set QM_CHROMIUM)"
# A browser test mostly waits (for jobs, for the page): two halves of the spec files run at
# once, each its own Playwright against a QueueManager of its own (its folder, database and
# port: e2e/test-env.ts; QM_E2E_PORT, and the Slurm instance's port one above it), the second
# half's output shown when both are done. Measured: 262 s for both against 518 s for one.
playwright=(node node_modules/@playwright/test/cli.js test)
beside "e2e tests, second half" env QM_E2E_PORT=8451 "${playwright[@]}" --shard=2/2 --output=test-results/shard-2
with_beside playwright "e2e tests, first half" env QM_E2E_PORT=8431 "${playwright[@]}" --shard=1/2 --output=test-results/shard-1

printf '\nall test stages passed (%s s)\n' "$SECONDS"
