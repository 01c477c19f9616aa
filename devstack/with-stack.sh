#!/usr/bin/env bash
# Runs a command against a whole local stack: devstack/with-stack.sh <stack-log> <command> [args...]
# Uses the stack already answering on $STACK_BASE_URL (default http://127.0.0.1:8080), or starts `./ticketing up`
# in the background (output to <stack-log>), waits for its READY line, runs the command, and always stops the stack
# it started (also on failure or Ctrl-C). Exit status: the command's. Used by e2e/run.sh and loadtest/smoke.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOG=$1; shift
BASE=${STACK_BASE_URL:-http://127.0.0.1:8080}
READY_TIMEOUT=${STACK_READY_TIMEOUT:-1200}   # seconds; includes a first build on a cold machine
say() { printf '[stack] %s\n' "$*"; }

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
  mkdir -p "$(dirname "$LOG")"
  say "starting ./ticketing up (log: $LOG)"
  "$ROOT/ticketing" up >"$LOG" 2>&1 </dev/null &
  STACK_PID=$!
  deadline=$(( $(date +%s) + READY_TIMEOUT ))
  until grep -q "READY" "$LOG" 2>/dev/null; do
    kill -0 "$STACK_PID" 2>/dev/null || { say "the stack exited before READY:"; tail -20 "$LOG"; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { say "no READY after ${READY_TIMEOUT}s"; tail -20 "$LOG"; exit 1; }
    sleep 2
  done
  say "stack ready"
fi
# The tools read the admin password from the environment: the one the stack generated, unless one was given.
if [ -z "${TICKETING_ADMIN_PASSWORD:-}" ] && [ -s "$ROOT/.devstack/admin-password" ]; then
  TICKETING_ADMIN_PASSWORD=$(cat "$ROOT/.devstack/admin-password")
  export TICKETING_ADMIN_PASSWORD
fi
"$@"
