#!/usr/bin/env bash
# One command for the browser end-to-end test: e2e/run.sh
#   - installs the npm dependencies (npm ci) and, as root on Debian, the chromium package if it is missing;
#   - uses the stack already answering on E2E_BASE_URL (default http://127.0.0.1:8080), or starts `./ticketing up`
#     in the background, waits for its READY line, and always stops it afterwards (also on failure or Ctrl-C);
#   - runs two-fans.js; screenshots land in e2e/artifacts/, the stack's output in e2e/artifacts/stack.log.
set -euo pipefail
E2E=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$E2E/.." && pwd)
export E2E_BASE_URL=${E2E_BASE_URL:-http://127.0.0.1:8080}
READY_TIMEOUT=${E2E_READY_TIMEOUT:-1200}   # seconds; includes a first build on a cold machine
say() { printf '[e2e] %s\n' "$*"; }

command -v node >/dev/null || { say "node (18+) is required"; exit 1; }
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian's chromium package"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-nanum >/dev/null
  else
    say "Chromium not found at $CHROMIUM: apt-get install chromium (or set CHROMIUM)"; exit 1
  fi
fi
export CHROMIUM
cd "$E2E"
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --silent
mkdir -p artifacts

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

if curl -fsS "$E2E_BASE_URL/q/health/ready" >/dev/null 2>&1; then
  say "using the stack already running at $E2E_BASE_URL"
else
  say "starting ./ticketing up (log: e2e/artifacts/stack.log)"
  "$ROOT/ticketing" up >artifacts/stack.log 2>&1 </dev/null &
  STACK_PID=$!
  deadline=$(( $(date +%s) + READY_TIMEOUT ))
  until grep -q "READY" artifacts/stack.log 2>/dev/null; do
    kill -0 "$STACK_PID" 2>/dev/null || { say "the stack exited before READY:"; tail -20 artifacts/stack.log; exit 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { say "no READY after ${READY_TIMEOUT}s"; tail -20 artifacts/stack.log; exit 1; }
    sleep 2
  done
  say "stack ready"
fi
node two-fans.js
