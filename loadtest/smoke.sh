#!/usr/bin/env bash
# Smoke-sized on-sale run, part of ./mvnw verify so the scenario never rots: 50 fans, 40 seats, capacity 10.
# Uses the stack already answering on :8080, or starts ./ticketing up and always stops it afterwards; then runs the
# Gatling simulation and the checker (which exits non-zero on any broken invariant).
set -euo pipefail
LT=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$LT/.." && pwd)
BASE=${LOADTEST_BASE_URL:-http://127.0.0.1:8080}
say() { printf '[loadtest] %s\n' "$*"; }
mkdir -p "$LT/target"

STACK_PID=
stop_stack() {
  [ -n "$STACK_PID" ] || return 0
  say "stopping the stack"
  kill -TERM "$STACK_PID" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$STACK_PID" 2>/dev/null || break; sleep 1; done
  kill -KILL "$STACK_PID" 2>/dev/null || true
  STACK_PID=
}
trap stop_stack EXIT
trap 'exit 130' INT TERM

if curl -fsS "$BASE/q/health/ready" >/dev/null 2>&1; then
  say "using the stack already running at $BASE"
else
  say "starting ./ticketing up (log: loadtest/target/stack.log)"
  "$ROOT/ticketing" up >"$LT/target/stack.log" 2>&1 </dev/null &
  STACK_PID=$!
  deadline=$(( $(date +%s) + ${LOADTEST_READY_TIMEOUT:-1200} ))
  until grep -q "READY" "$LT/target/stack.log" 2>/dev/null; do
    kill -0 "$STACK_PID" 2>/dev/null || { say "the stack exited before READY:"; tail -20 "$LT/target/stack.log"; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { say "no READY in time"; tail -20 "$LT/target/stack.log"; exit 1; }
    sleep 2
  done
  say "stack ready"
fi
cd "$ROOT"
./mvnw -B -q -f loadtest/pom.xml test-compile gatling:test exec:java@check \
  -DbaseUrl="$BASE" -Dusers=50 -DwindowSeconds=5 -Dseats=40 -Dcapacity=10
say "smoke run passed its checks"
