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

stage "unit and integration tests on SQLite and PostgreSQL (vitest, three side by side)"
# An integration file keeps a processor about half busy (its jobs and workers mostly wait):
# two Vitests run beside this one, their output shown when all are done (vitest.config.ts).
beside_pids=()
beside_logs=()
beside_names=()
# Stopped (SIGTERM, Ctrl-C) or failed: every Vitest started here stops too. (A trap runs once
# the command bash waits for returns, hence the first Vitest in the background and `wait`.)
trap 'kill "${beside_pids[@]}" 2>/dev/null || true' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
# beside NAME PROJECT...: a Vitest of these projects in the background, its output kept.
beside() {
  local name="$1" log
  shift
  log="$(mktemp -t qm-vitest.XXXXXX)"
  node node_modules/vitest/vitest.mjs run "${@/#/--project=}" >"$log" 2>&1 &
  beside_pids+=($!)
  beside_logs+=("$log")
  beside_names+=("$name")
}
beside "the programs, then PostgreSQL" integration-scripts integration-pg
beside "Slurm" integration-slurm
failed=()
node node_modules/vitest/vitest.mjs run --project unit --project integration &
first=$!
beside_pids+=("$first")
wait "$first" || failed+=("unit and integration (exit $?)")
for i in "${!beside_logs[@]}"; do
  status=0
  wait "${beside_pids[$i]}" || status=$?
  stage "${beside_names[$i]} (vitest, run beside the others)"
  cat "${beside_logs[$i]}"
  rm -f "${beside_logs[$i]}"
  [ "$status" = 0 ] || failed+=("${beside_names[$i]} (exit $status)")
done
if [ "${#failed[@]}" != 0 ]; then
  printf 'vitest failed: %s\n' "${failed[*]}" >&2
  exit 1
fi

stage "e2e tests (playwright, chromium; two halves side by side)"
browser="${QM_CHROMIUM:-/usr/bin/chromium}"
# Playwright cannot download its own browser here.
[ -x "$browser" ] || need_package chromium "no browser at $browser (or set QM_CHROMIUM)"
# A browser test mostly waits (for jobs, for the page): two halves of the spec files run at
# once, each its own Playwright against a QueueManager of its own (its folder, database and
# port: e2e/test-env.ts; QM_E2E_PORT, and the Slurm instance's port one above it), the second
# half's output shown when both are done. Measured: 262 s for both against 518 s for one.
beside_pids=()
e2e_log="$(mktemp -t qm-e2e.XXXXXX)"
QM_E2E_PORT=8451 node node_modules/@playwright/test/cli.js test --shard=2/2 --output=test-results/shard-2 >"$e2e_log" 2>&1 &
beside_pids+=($!)
failed=()
QM_E2E_PORT=8431 node node_modules/@playwright/test/cli.js test --shard=1/2 --output=test-results/shard-1 &
first=$!
beside_pids+=("$first")
wait "$first" || failed+=("first half (exit $?)")
status=0
wait "${beside_pids[0]}" || status=$?
stage "e2e tests, second half (playwright, run beside the first)"
cat "$e2e_log"
rm -f "$e2e_log"
[ "$status" = 0 ] || failed+=("second half (exit $status)")
if [ "${#failed[@]}" != 0 ]; then
  printf 'e2e failed: %s\n' "${failed[*]}" >&2
  exit 1
fi

printf '\nall test stages passed (%s s)\n' "$SECONDS"
