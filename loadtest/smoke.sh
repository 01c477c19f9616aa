#!/usr/bin/env bash
# Smoke-sized on-sale run, part of ./mvnw verify so the scenario never rots: 50 fans, 40 seats, capacity 10.
# Through devstack/with-stack.sh (the stack on :8080, or ./ticketing up started and always stopped), runs the
# Gatling simulation and the checker (which exits non-zero on any broken invariant).
set -euo pipefail
LT=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$LT/.." && pwd)
BASE=${LOADTEST_BASE_URL:-http://127.0.0.1:8080}
mkdir -p "$LT/target"

cd "$ROOT"
STACK_BASE_URL="$BASE" exec devstack/with-stack.sh "$LT/target/stack.log" bash -c '
  ./mvnw -B -q -f loadtest/pom.xml test-compile gatling:test exec:java@check \
    -DbaseUrl="$0" -Dusers=50 -DwindowSeconds=5 -Dseats=40 -Dcapacity=10 &&
  echo "[loadtest] smoke run passed its checks"' "$BASE"
