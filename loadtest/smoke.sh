#!/usr/bin/env bash
# Smoke-sized on-sale run, part of ./mvnw verify so the scenario never rots: 50 fans, 40 seats, capacity 10, a
# scheduled opening 2 s into the 5 s arrival window (the early fans are pre-queued and drawn).
# Through devstack/with-stack.sh (the stack on :8080, or ./ticketing up started and always stopped), runs the
# Gatling simulation and the checker (which exits non-zero on any broken invariant).
set -euo pipefail
LT=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$LT/.." && pwd)
BASE=${LOADTEST_BASE_URL:-http://127.0.0.1:8080}
mkdir -p "$LT/target"

cd "$ROOT"
STACK_BASE_URL="$BASE" exec devstack/with-stack.sh "$LT/target/stack.log" bash -c '
  # A dev stack is not a server on the network: the gateway, the services and the sandbox listen on loopback only
  # (unless TICKETING_BIND_HOST says otherwise on purpose).
  if [ -z "${TICKETING_BIND_HOST:-}" ] && command -v ss >/dev/null; then
    open=$(ss -ltnH | awk "{print \$4}" | grep -E ":(808[0-6])\$" | grep -vE "^(127\.0\.0\.1|\[::1\]|\[::ffff:127\.0\.0\.1\]):" || true)
    if [ -n "$open" ]; then echo "[loadtest] listening beyond loopback: $open"; exit 1; fi
    echo "[loadtest] the stack listens on loopback only"
  fi
  # Fans provisioned ahead of the sale (the bulk admin path; tokens in loadtest/target/fans/), then the on-sale.
  # Fans of their own per run: the PostgreSQL of the machine outlives a clone, and fans that an earlier run created
  # with another password (kept in the fan file of that clone) cannot be provisioned again.
  prefix="smoke-$(date +%s)"
  ./mvnw -B -q -f loadtest/pom.xml test-compile exec:java@provision gatling:test exec:java@check \
    -DbaseUrl="$0" -Dusers=50 -DwindowSeconds=5 -Dseats=40 -Dcapacity=10 -DopensInSeconds=2 -DrepoRoot="$PWD" -DfanPrefix="$prefix" &&
  echo "[loadtest] smoke run passed its checks"' "$BASE"
