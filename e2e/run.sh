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

STACK_BASE_URL="$E2E_BASE_URL" STACK_READY_TIMEOUT="$READY_TIMEOUT" \
  exec "$ROOT/devstack/with-stack.sh" "$E2E/artifacts/stack.log" node two-fans.js
