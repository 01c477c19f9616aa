#!/usr/bin/env bash
# The fault-injection run, one command:   loadtest/faults.sh [small|large] [-Dname=value ...]
# Starts its own Redis (append-only file, so a crash can be survived) and its own stack (./ticketing up, which
# supervises and restarts crashed services), fuzzes every public endpoint, then drives an on-sale while it kills -9
# each service, stops the Kafka broker, crashes Redis, exhausts booking-svc's connection pool and makes the payment
# provider fail, slow down, lose answers and capture late (answers that never come, captures that land after). The checkers print reports (loadtest/target/faults/*.txt) and the exit
# status is non-zero on any breach. `small` (the default) is what ./mvnw verify runs; see docs/reliability.md.
set -euo pipefail
LT=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$LT/.." && pwd)
SIZE=${1:-small}; [ $# -gt 0 ] && shift
case "$SIZE" in
  small) PRESET=(-Dfans=120 -DwindowSeconds=180 -Dseats=80 -Dcapacity=10 -DfuzzRequests=10000) ;;
  large) PRESET=(-Dfans=1500 -DwindowSeconds=900 -Dseats=1000 -Dcapacity=100 -Drounds=3 -DfuzzRequests=50000) ;;
  *) echo "usage: loadtest/faults.sh [small|large] [-Dname=value ...]" >&2; exit 2 ;;
esac
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
if port_open 8080; then
  echo "[faults] a stack is already running on :8080 — stop it first: the fault run starts (and crashes) its own" >&2
  exit 1
fi
OUT="$LT/target/faults"
# Debian's redis-server when installed; on a machine with only Java, the Redis binary that engines/embedded-stores
# ships in its Maven jar (built by ./mvnw before this runs), extracted with the JDK's jar tool.
REDIS_SERVER=$(command -v redis-server || true)
if [ -z "$REDIS_SERVER" ]; then
  case "$(uname -m)" in x86_64) bin=redis-server-6.2.6-v5-linux-amd64 ;; aarch64) bin=redis-server-6.2.7-linux-arm64 ;; *) bin= ;; esac
  jar=$(tr ':' '\n' <"$ROOT/engines/embedded-stores/target/engine.classpath" 2>/dev/null | grep '/embedded-redis-' | head -n 1 || true)
  [ -n "$bin" ] && [ -n "$jar" ] || { echo "[faults] no redis-server: install it (Debian package redis-server) or build engines/embedded-stores" >&2; exit 1; }
  mkdir -p "$OUT/bin"
  (cd "$OUT/bin" && jar xf "$jar" "$bin" && chmod +x "$bin")
  REDIS_SERVER="$OUT/bin/$bin"
  echo "[faults] no redis-server installed: using $bin from $(basename "$jar")"
fi

REDIS_PORT=${FAULTS_REDIS_PORT:-16379}
REDIS_DIR="$OUT/redis"
rm -rf "$REDIS_DIR"; mkdir -p "$REDIS_DIR"
# The waiting room's durability promise (docs/reliability.md): append-only file, fsync every second.
REDIS_ARGS="--port $REDIS_PORT --bind 127.0.0.1 --dir $REDIS_DIR --appendonly yes --appendfsync everysec --daemonize yes --pidfile $REDIS_DIR/redis.pid --logfile $REDIS_DIR/redis.log"
stop_redis() { # the pid file names the live server: a restart by the fault run writes it again
  local pid
  pid=$(cat "$REDIS_DIR/redis.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
}
trap stop_redis EXIT
# shellcheck disable=SC2086
"$REDIS_SERVER" $REDIS_ARGS
for _ in $(seq 1 50); do port_open "$REDIS_PORT" && break; sleep 0.2; done

export TICKETING_REDIS_PORT=$REDIS_PORT
export BOOKING_HOLD_TTL=${BOOKING_HOLD_TTL:-PT30S}   # holds that fans walk away from lapse within the run
# A pool smaller than the worker pool, so locking the seat table really exhausts it (requests then wait for a
# connection until the acquisition timeout) instead of only queueing on worker threads.
export TICKETING_PG_POOL_MAX=${TICKETING_PG_POOL_MAX:-8}
# The fuzzer's wrong passwords and the crowd's logins all come from 127.0.0.1 here; in the field they come from
# different addresses. Without this the per-address login brake (100 failures / 10 min) would lock the crowd out.
export TICKETING_AUTH_THROTTLE_IP_MAX_FAILURES=${TICKETING_AUTH_THROTTLE_IP_MAX_FAILURES:-1000000}
cd "$ROOT"
STACK_BASE_URL=http://127.0.0.1:8080 devstack/with-stack.sh "$OUT/stack.log" bash -c '
  set +e
  ./mvnw -B -q -f loadtest/pom.xml test-compile exec:java@fuzz -DrepoRoot="$1" "${@:3}"; fuzz=$?
  ./mvnw -B -q -f loadtest/pom.xml exec:java@faults -DrepoRoot="$1" -DredisPort='"$REDIS_PORT"' -DredisServer='"$REDIS_SERVER"' -DredisArgs="$2" "${@:3}"; faults=$?
  echo "[faults] fuzz exit $fuzz, fault run exit $faults (reports: loadtest/target/faults/)"
  [ $fuzz = 0 ] && [ $faults = 0 ]' _ "$ROOT" "$REDIS_ARGS" "${PRESET[@]}" "$@"
