#!/usr/bin/env bash
# queue-bench.sh — queue-svc's waiting room measured the way a fan sees it. Prints figures (lines starting with
# BENCH) and asserts nothing about speed; never part of the test command (docs/benchmarks.md, queue-svc section).
#
#   loadtest/bench/queue-bench.sh                     # P1 then P3 with the defaults below
#   loadtest/bench/queue-bench.sh --only p1           # or --only p3; knobs as env vars or KEY=VALUE arguments:
#   SOCKETS=500 SECONDS=10 loadtest/bench/queue-bench.sh --only p3
#
# What it does (everything it starts is stopped on exit, also on Ctrl-C):
#   - queue-svc as the packaged jar in the prod profile (repackaged with ./mvnw -o -pl queue-svc -am package when
#     older than its sources; QUEUE_BUILD=never uses the jar as it is) on QUEUE_PORT, against the running Redis
#     (db 0, fresh performance ids per run: room keys are room:{<id>}:*, deleted again at the end) and a Kafka broker:
#     the one on KAFKA_PORT when it answers, else one started with the engines launcher (stopped at the end).
#   - fans never seen before: a throwaway RSA key plays auth-svc's, its JWKS is served over HTTP (queue-svc fetches
#     it like auth-svc's in production) and every fan is a fresh UUID with its own pre-signed RS256 access token.
#   - rooms exist the production way: a PerformanceUpserted event on performance-events, then the admin's
#     PUT /api/queues/{id}/config, retried until it and a probe fan's entry succeed.
#   - P1: enter rate with wrk (a different token on every request), p50/p99, non-2xx, queue-svc CPU µs per request;
#     baseline redis-benchmark ZADD at the same concurrency, the ratio; then the re-entry (refresh) rate.
#   - P3: SOCKETS live WebSockets from another JVM (auth: the bearer-token-carrier subprotocol), a SECONDS window:
#     worst silence per socket p50/p99/max, server-side lag (receive − sentAt), frames/s, queue-svc RSS.
#
# Knobs (defaults): SOCKETS=10000 SECONDS=40 (P3 window) CONCURRENCY=50 QUEUE_HEAP=256m P1_SECONDS=10
#   WARMUP_SECONDS=15 P1_TOKENS=60000 WARMUP_TOKENS=40000 WRK_THREADS=2 QUEUE_PORT=18083 KAFKA_PORT=9092
#   WS_INFLIGHT=200 (handshakes in flight) WS_CLIENT_HEAP=1g QUEUE_BUILD=auto|always|never KEEP_WORK=0
#   TICKETING_REDIS_HOST/PORT (127.0.0.1:6379) TICKETING_JWT_ISSUER TICKETING_JWT_AUDIENCE
# Needs: JDK 17, wrk (P1), redis-benchmark + redis-cli (redis-tools), curl; Debian: apt-get install -y wrk redis-tools
# While ./ticketing up runs, its queue-svc shares the Redis and also runs admission rounds for these rooms.
set -euo pipefail
USER_SECONDS=$SECONDS   # first: bash's own SECONDS counts from here (it holds the caller's SECONDS= if one was given)

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CMDLINE="$0$(printf ' %q' "$@")"
ONLY=all
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=${2:?--only p1|p3}; shift 2 ;;
    --only=*) ONLY=${1#--only=}; shift ;;
    SECONDS=*) USER_SECONDS=${1#SECONDS=}; shift ;;
    [A-Z_]*=*) export "${1?}"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$ONLY" in all|p1|p3) ;; *) echo "--only p1|p3" >&2; exit 2 ;; esac
[ "$USER_SECONDS" -gt 0 ] 2>/dev/null && P3_SECONDS=$USER_SECONDS || P3_SECONDS=40

SOCKETS=${SOCKETS:-10000}
CONCURRENCY=${CONCURRENCY:-50}
QUEUE_HEAP=${QUEUE_HEAP:-256m}
P1_SECONDS=${P1_SECONDS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-15}
P1_TOKENS=${P1_TOKENS:-60000}
WARMUP_TOKENS=${WARMUP_TOKENS:-40000}
WRK_THREADS=${WRK_THREADS:-2}
QUEUE_PORT=${QUEUE_PORT:-18083}
KAFKA_PORT=${KAFKA_PORT:-9092}
WS_INFLIGHT=${WS_INFLIGHT:-200}
WS_CLIENT_HEAP=${WS_CLIENT_HEAP:-1g}
QUEUE_BUILD=${QUEUE_BUILD:-auto}
KEEP_WORK=${KEEP_WORK:-0}
REDIS_HOST=${TICKETING_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${TICKETING_REDIS_PORT:-6379}
ISSUER=${TICKETING_JWT_ISSUER:-https://auth.ticketing.local}
AUDIENCE=${TICKETING_JWT_AUDIENCE:-ticketing-api}
[ "$ONLY" = p3 ] && { P1_TOKENS=0; WARMUP_TOKENS=0; }
[ "$ONLY" = p1 ] && SOCKETS_TOKENS=0 || SOCKETS_TOKENS=$SOCKETS

say() { echo "[queue-bench] $*" >&2; }
die() { echo "[queue-bench] error: $*" >&2; exit 1; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/${2:-127.0.0.1}/$1" 2>/dev/null; }
ticks() { # utime+stime of a process in clock ticks (0 when unreadable)
  local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  s=${s##*) }; set -- $s; echo $(( ${12} + ${13} ))
}
mem() { # "VmRSS VmHWM" of a process in MB
  awk '/^VmRSS:/ {r=int($2/1024)} /^VmHWM:/ {h=int($2/1024)} END {print r+0, h+0}' "/proc/$1/status" 2>/dev/null || echo "0 0"
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

echo "BENCH cmd: $CMDLINE"
echo "BENCH knobs: ONLY=$ONLY SOCKETS=$SOCKETS SECONDS=$P3_SECONDS CONCURRENCY=$CONCURRENCY QUEUE_HEAP=$QUEUE_HEAP" \
     "P1_SECONDS=$P1_SECONDS WARMUP_SECONDS=$WARMUP_SECONDS P1_TOKENS=$P1_TOKENS WARMUP_TOKENS=$WARMUP_TOKENS" \
     "WRK_THREADS=$WRK_THREADS QUEUE_PORT=$QUEUE_PORT KAFKA_PORT=$KAFKA_PORT WS_INFLIGHT=$WS_INFLIGHT"

cd "$ROOT"
for tool in java curl redis-cli; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done
if [ "$ONLY" != p3 ]; then
  for tool in wrk redis-benchmark; do
    command -v "$tool" >/dev/null || die "missing tool: $tool (Debian: apt-get install -y wrk redis-tools)"
  done
fi
port_open "$QUEUE_PORT" && die "port $QUEUE_PORT is in use (set QUEUE_PORT)"
port_open "$REDIS_PORT" "$REDIS_HOST" || die "Redis is not reachable on $REDIS_HOST:$REDIS_PORT"
CLK=$(getconf CLK_TCK)

# ---- builds (one Maven build at a time, offline) --------------------------------------------------------------
JAR=queue-svc/target/quarkus-app/quarkus-run.jar
jar_stale() { [ ! -f "$JAR" ] || [ -n "$(find queue-svc/src/main queue-svc/pom.xml -newer "$JAR" -print -quit 2>/dev/null)" ]; }
case "$QUEUE_BUILD" in
  always) build_queue=1 ;;
  never) build_queue=0; [ -f "$JAR" ] || die "$JAR is missing (QUEUE_BUILD=never)" ;;
  *) jar_stale && build_queue=1 || build_queue=0 ;;
esac
if [ "$build_queue" = 1 ]; then
  say "packaging queue-svc (./mvnw -B -ntp -o -pl queue-svc -am package -DskipTests)"
  ./mvnw -B -ntp -o -q -pl queue-svc -am package -DskipTests >&2
elif jar_stale; then
  say "note: $JAR is older than queue-svc's sources (QUEUE_BUILD=never): measuring the jar as it is"
fi
if [ ! -s engines/kafka-broker/target/engine.classpath ] || [ ! -d engines/engine-core/target/classes ]; then
  say "building the engines launcher (./mvnw -o -pl engines/engine-core,engines/kafka-broker package)"
  ./mvnw -B -ntp -o -q -pl engines/engine-core,engines/kafka-broker package -DskipTests >&2
fi
BENCH_CP_FILE=loadtest/target/bench.classpath
if [ ! -s "$BENCH_CP_FILE" ] || [ ! -f loadtest/target/test-classes/dev/ticketing/bench/QueueBench.class ] ||
   [ -n "$(find loadtest/src/test/java/dev/ticketing/bench loadtest/pom.xml -newer "$BENCH_CP_FILE" -print -quit)" ]; then
  say "compiling the bench driver (./mvnw -o -f loadtest/pom.xml test-compile)"
  ./mvnw -B -ntp -o -q -f loadtest/pom.xml test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2
  touch "$BENCH_CP_FILE"
fi
CP="loadtest/target/test-classes:$(cat "$BENCH_CP_FILE")"
bench() { java -Xmx256m -cp "$CP" dev.ticketing.bench.QueueBench "$@"; }

# ---- cleanup --------------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/queue-bench.XXXXXX")
QPID="" PREP_PID="" KAFKA_PID="" CHILD="" ROOMS_MADE=() MYZSET_WAS=1
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
BASE="http://127.0.0.1:$QUEUE_PORT"
stop_pid() { # pid [seconds]: TERM, then KILL
  local p=$1 n=$(( ${2:-20} * 2 ))
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 "$n"); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$p" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  say "stopping what it started (rooms deleted, queue-svc, JWKS server$( [ -n "$KAFKA_PID" ] && echo ", Kafka broker"))"
  stop_pid "$CHILD" 5
  if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null && [ ${#ROOMS_MADE[@]} -gt 0 ] && [ -s "$WORK/admin.token" ]; then
    # The contract's way out: PerformanceDeleted (search-svc on a shared broker drops them too).
    for id in "${ROOMS_MADE[@]}"; do bench publish "$BOOTSTRAP" PerformanceDeleted "$id" 1000000 >/dev/null 2>&1 || true; done
    sleep 2
  fi
  stop_pid "$QPID" 20
  stop_pid "$PREP_PID" 5
  if [ -n "$KAFKA_PID" ]; then
    java -cp engines/engine-core/target/classes dev.ticketing.engines.EnginesCli stop "$KAFKA_PID" >/dev/null 2>&1 || true
  fi
  for id in "${ROOMS_MADE[@]}"; do
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --scan --pattern "room:{$id}:*" |
      xargs -r redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" del >/dev/null 2>&1 || true
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" srem queue:rooms "$id" >/dev/null 2>&1 || true
  done
  [ "$MYZSET_WAS" = 0 ] && redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" del myzset >/dev/null 2>&1 || true
  if [ "$rc" != 0 ] && [ "$rc" -lt 128 ] && [ -f "$WORK/queue-svc.log" ]; then
    say "exit $rc; last lines of queue-svc's log:"; tail -n 30 "$WORK/queue-svc.log" >&2 || true
  fi
  if [ "$KEEP_WORK" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
run() { "$@" & CHILD=$!; wait "$CHILD"; local rc=$?; CHILD=""; return $rc; }   # a child Ctrl-C/TERM can stop

echo "BENCH machine: $(date -Iseconds), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
     "$(java -version 2>&1 | head -1), git $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- queue-svc/src/main 2>/dev/null || echo ' (queue-svc/src/main has uncommitted changes)')," \
     "jar built $(date -r "$JAR" -Iseconds)"

# ---- fans: key, JWKS over HTTP, tokens (signing runs while Kafka and queue-svc start) -------------------------
say "signing $((WARMUP_TOKENS + P1_TOKENS + SOCKETS_TOKENS + 3)) access tokens in the background (fresh user each)"
java -Xmx1g -cp "$CP" dev.ticketing.bench.QueueBench prepare "$WORK" "$WARMUP_TOKENS" "$P1_TOKENS" "$SOCKETS_TOKENS" \
  "$ISSUER" "$AUDIENCE" 0 >"$WORK/prepare.log" 2>&1 &
PREP_PID=$!
for _ in $(seq 1 120); do [ -s "$WORK/jwks.port" ] && break; kill -0 "$PREP_PID" 2>/dev/null || break; sleep 0.5; done
[ -s "$WORK/jwks.port" ] || { cat "$WORK/prepare.log" >&2; die "the JWKS server did not start"; }
JWKS_URL="http://127.0.0.1:$(cat "$WORK/jwks.port")/jwks.json"
curl -fs "$JWKS_URL" >/dev/null || die "JWKS not served at $JWKS_URL"

# ---- Kafka ----------------------------------------------------------------------------------------------------
if port_open "$KAFKA_PORT"; then
  say "reusing the Kafka broker on :$KAFKA_PORT"
else
  say "starting a Kafka broker on :$KAFKA_PORT (engines launcher, data in $WORK/engines)"
  out=$(java -cp engines/engine-core/target/classes -Dticketing.repo.root="$ROOT" \
        dev.ticketing.engines.EnginesCli kafka "$WORK/engines" $$ "$KAFKA_PORT") ||
    die "the Kafka broker did not start (see $WORK/engines/kafka.log; KEEP_WORK=1 keeps it)"
  KAFKA_PID=$(echo "$out" | sed -n 's/.*KAFKA_PID=\([0-9]*\).*/\1/p')
  say "$out"
fi
bench topics "$BOOTSTRAP" >"$WORK/topics.log" 2>&1 || { cat "$WORK/topics.log" >&2; die "cannot create the topics"; }

# ---- queue-svc, prod profile ----------------------------------------------------------------------------------
[ -s "$WORK/admission-key.pem" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
  -out "$WORK/admission-key.pem" 2>/dev/null || die "openssl genpkey failed"
say "starting queue-svc (java -Xmx$QUEUE_HEAP -jar $JAR, prod profile) on :$QUEUE_PORT"
GROUP="queue-bench-$$-$RANDOM"
(
  ulimit -n "$(ulimit -Hn)"
  export TICKETING_QUEUE_PORT="$QUEUE_PORT" TICKETING_REDIS_HOST="$REDIS_HOST" TICKETING_REDIS_PORT="$REDIS_PORT" \
    TICKETING_KAFKA_BOOTSTRAP="$BOOTSTRAP" TICKETING_AUTH_JWKS_URL="$JWKS_URL" \
    TICKETING_JWT_ISSUER="$ISSUER" TICKETING_JWT_AUDIENCE="$AUDIENCE" \
    TICKETING_QUEUE_ADMISSION_KEY="$(cat "$WORK/admission-key.pem")"
  # Its own consumer group, from the end of the topics: never moves the local stack's offsets on a shared broker
  # nor replays its history into the shared Redis (rooms are (re)published until they appear).
  export MP_MESSAGING_INCOMING_PERFORMANCE_EVENTS_GROUP_ID="$GROUP" MP_MESSAGING_INCOMING_BOOKING_EVENTS_GROUP_ID="$GROUP" \
    MP_MESSAGING_INCOMING_PERFORMANCE_EVENTS_AUTO_OFFSET_RESET=latest MP_MESSAGING_INCOMING_BOOKING_EVENTS_AUTO_OFFSET_RESET=latest
  # QUEUE_JAVA_OPTS: extra JVM flags, e.g. a JFR recording (-XX:StartFlightRecording=filename=/tmp/q.jfr,settings=profile)
  exec java -Xmx"$QUEUE_HEAP" ${QUEUE_JAVA_OPTS:-} -jar "$JAR"
) >"$WORK/queue-svc.log" 2>&1 &
QPID=$!
for _ in $(seq 1 240); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/q/health/ready")" = 200 ] && break
  kill -0 "$QPID" 2>/dev/null || die "queue-svc exited during start"
  sleep 0.5
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/q/health/ready")" = 200 ] || die "queue-svc not ready after 120 s"
say "queue-svc ready (pid $QPID, fd limit $(awk '/Max open files/ {print $4}' "/proc/$QPID/limits"))"

for _ in $(seq 1 1200); do [ -s "$WORK/tokens.done" ] && break; kill -0 "$PREP_PID" 2>/dev/null || break; sleep 0.5; done
[ -s "$WORK/tokens.done" ] || { cat "$WORK/prepare.log" >&2; die "token signing failed"; }
say "$(cat "$WORK/tokens.done")"
ADMIN=$(cat "$WORK/admin.token")

RUN_ID="bench-$(date +%s)-$RANDOM"
open_room() { # id capacity admitPerSecond probeTokenFile: event, admin config, probe entry (201/200, not 404)
  local id=$1 body="{\"capacity\":$2,\"sessionTtlSeconds\":600,\"admitPerSecond\":$3}" probe v=1 t0=$SECONDS last code
  probe=$(cat "$4")
  ROOMS_MADE+=("$id")
  bench publish "$BOOTSTRAP" PerformanceUpserted "$id" "$v" >/dev/null
  last=$SECONDS
  while :; do
    code=$(curl -s -o "$WORK/config.json" -w '%{http_code}' -X PUT -H "Authorization: Bearer $ADMIN" \
           -H 'Content-Type: application/json' -d "$body" "$BASE/api/queues/$id/config")
    if [ "$code" = 200 ]; then
      code=$(curl -s -o "$WORK/probe.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $probe" \
             "$BASE/api/queues/$id/entries")
      if [ "$code" = 201 ] || [ "$code" = 200 ]; then
        say "room $id open after $((SECONDS - t0)) s: $(cat "$WORK/config.json"); probe fan: HTTP $code"
        return 0
      fi
    fi
    [ $((SECONDS - t0)) -lt 120 ] || die "room $id not open after 120 s (last HTTP $code: $(cat "$WORK/probe.json" 2>/dev/null))"
    if [ $((SECONDS - last)) -ge 5 ]; then   # published before the consumer had its partitions (offset reset latest)
      v=$((v + 1)); bench publish "$BOOTSTRAP" PerformanceUpserted "$id" "$v" >/dev/null; last=$SECONDS
    fi
    sleep 0.5
  done
}

# ---- P1: enter rate, baseline ZADD, re-entry rate ---------------------------------------------------------------
wrk_run() { # label tokenFile mode seconds (in this shell, not in $(...): a TERM then stops wrk at once)
  BENCH_TOKENS=$2 BENCH_THREADS=$WRK_THREADS BENCH_MODE=$3 BENCH_USED="$WORK/p1.used" \
    run wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -d"$4"s --timeout 10s -s loadtest/bench/queue-bench.lua \
    "$BASE/api/queues/$P1_ROOM/entries" >"$WORK/wrk-$1.txt" 2>&1 || { cat "$WORK/wrk-$1.txt" >&2; die "wrk failed"; }
  grep -q '^WRKSUM ' "$WORK/wrk-$1.txt" || { cat "$WORK/wrk-$1.txt" >&2; die "no WRKSUM line from wrk"; }
}
wrk_sum() { grep '^WRKSUM ' "$WORK/wrk-$1.txt" | tail -1; }
v() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
report_wrk() { # name summary cpuTicks redisTicks note
  local s=$2 req dur
  req=$(v requests "$s"); dur=$(v duration_us "$s")
  echo "BENCH $1: $(calc %.0f "$req / ($dur / 1e6)") req/s ($req requests in $(calc %.1f "$dur / 1e6") s, c=$CONCURRENCY," \
       "t=$WRK_THREADS; $5); latency p50 $(calc %.1f "$(v p50_us "$s") / 1000") ms, p90 $(calc %.1f "$(v p90_us "$s") / 1000") ms," \
       "p99 $(calc %.1f "$(v p99_us "$s") / 1000") ms, max $(calc %.1f "$(v max_us "$s") / 1000") ms;" \
       "non-2xx $(v non2xx "$s") (codes $(v codes "$s")); 201 $(v s201 "$s"), 200 $(v s200 "$s");" \
       "socket errors connect/read/write/timeout $(v connect_err "$s")/$(v read_err "$s")/$(v write_err "$s")/$(v timeouts "$s");" \
       "queue-svc CPU $(calc %.0f "$3 * 1e6 / $CLK / ($req > 0 ? $req : 1)") us/req$( [ "$4" -ge 0 ] &&
         echo ", redis-server CPU $(calc %.0f "$4 * 1e6 / $CLK / ($req > 0 ? $req : 1)") us/req")"
}
REDIS_PID=$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" info server | tr -d '\r' | sed -n 's/^process_id://p')
redis_ticks() { [ -r "/proc/$REDIS_PID/stat" ] && ticks "$REDIS_PID" || echo -1; }

ENTER_RATE=""
if [ "$ONLY" != p3 ]; then
  P1_ROOM="$RUN_ID-p1"
  open_room "$P1_ROOM" 100 20 "$WORK/probe-p1.token"
  say "P1 warm-up: $WARMUP_SECONDS s with $WARMUP_TOKENS separate tokens (not reported)"
  wrk_run warmup "$WORK/warmup.tokens" warmup "$WARMUP_SECONDS"
  say "P1 enter: $P1_SECONDS s, every request a fan never seen before"
  c0=$(ticks "$QPID"); r0=$(redis_ticks)
  wrk_run enter "$WORK/p1.tokens" fresh "$P1_SECONDS"
  c1=$(ticks "$QPID"); r1=$(redis_ticks)
  sum=$(wrk_sum enter)
  [ "$r0" -ge 0 ] && rd=$((r1 - r0)) || rd=-1
  report_wrk p1.enter "$sum" $((c1 - c0)) "$rd" "fresh token and user on every request: $(v reused "$sum") reused of $P1_TOKENS"
  ENTER_RATE=$(calc %.1f "$(v requests "$sum") / ($(v duration_us "$sum") / 1e6)")

  say "P1 baseline: redis-benchmark ZADD, c=$CONCURRENCY, same Redis"
  [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" exists myzset)" = 0 ] && MYZSET_WAS=0
  run redis-benchmark -h "$REDIS_HOST" -p "$REDIS_PORT" -c "$CONCURRENCY" -n 200000 -t zadd -q >"$WORK/zadd.txt" 2>&1 ||
    { cat "$WORK/zadd.txt" >&2; die "redis-benchmark failed"; }
  ZADD=$(tr '\r' '\n' <"$WORK/zadd.txt" | sed -n 's/^ZADD: \([0-9.]*\) requests per second.*/\1/p' | tail -1)
  [ -n "$ZADD" ] || { cat "$WORK/zadd.txt" >&2; die "cannot read redis-benchmark's ZADD rate"; }
  echo "BENCH p1.baseline: redis-benchmark -c $CONCURRENCY -n 200000 -t zadd -q on $REDIS_HOST:$REDIS_PORT: $(calc %.0f "$ZADD") ops/s"
  echo "BENCH p1.ratio: enter / ZADD = $(calc %.3f "$ENTER_RATE / $ZADD") (issue target >= 0.30, printed only)"

  say "P1 re-entry: $P1_SECONDS s, the same fans entering again"
  c0=$(ticks "$QPID"); r0=$(redis_ticks)
  wrk_run reenter "$WORK/p1.tokens" reuse "$P1_SECONDS"
  c1=$(ticks "$QPID"); r1=$(redis_ticks)
  sum=$(wrk_sum reenter)
  [ "$r0" -ge 0 ] && rd=$((r1 - r0)) || rd=-1
  report_wrk p1.reenter "$sum" $((c1 - c0)) "$rd" \
    "tokens reused on purpose: the $(awk '{s += $2} END {print s}' "$WORK/p1.used") fans of p1.enter, cycled"
  read -r rss hwm <<<"$(mem "$QPID")"
  echo "BENCH p1.rss: queue-svc VmRSS $rss MB, VmHWM $hwm MB after P1 (-Xmx$QUEUE_HEAP)"
fi

# ---- P3: live sockets -------------------------------------------------------------------------------------------
if [ "$ONLY" != p1 ]; then
  P3_ROOM="$RUN_ID-p3"
  open_room "$P3_ROOM" 1 1 "$WORK/probe-p3.token"   # the probe fan holds the only slot: (almost) everyone waits
  say "P3: $SOCKETS sockets (token in the subprotocol list, $WS_INFLIGHT handshakes in flight), then a $P3_SECONDS s window"
  (
    ulimit -n "$(ulimit -Hn)"
    exec java -Xmx"$WS_CLIENT_HEAP" -cp "$CP" dev.ticketing.bench.QueueBench ws \
      "uri=ws://127.0.0.1:$QUEUE_PORT/api/queues/$P3_ROOM/ws" "tokens=$WORK/p3.tokens" "seconds=$P3_SECONDS" \
      "pid=$QPID" "clk=$CLK" "inflight=$WS_INFLIGHT"
  ) >"$WORK/ws.txt" 2>&1 &
  CHILD=$!
  wait "$CHILD" && rc=0 || rc=$?
  CHILD=""
  grep '^BENCH' "$WORK/ws.txt" || true
  if [ "$rc" != 0 ]; then cat "$WORK/ws.txt" >&2; die "the socket client exited with $rc"; fi
  kill -0 "$QPID" 2>/dev/null || die "queue-svc died during P3"
fi
say "done"
