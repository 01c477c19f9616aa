#!/usr/bin/env bash
# hold-bench.sh — booking-svc's sold-out minute measured the way fans see it (P4a): every seat is held, and fans keep
# pressing "hold" on them. Prints figures (lines starting with BENCH), asserts nothing about speed; never part of the
# test command (docs/benchmarks.md, booking-svc section).
#
#   loadtest/bench/hold-bench.sh                       # defaults below; knobs as env vars or KEY=VALUE arguments
#   FANS=5000 SECONDS=20 loadtest/bench/hold-bench.sh
#
# What it does (everything it starts is stopped on exit, also on Ctrl-C):
#   - booking-svc as the packaged jar in the prod profile (repackaged when older than its sources; BOOKING_BUILD=never
#     uses it as it is), with the heap and collector the local stack gives it (BOOKING_HEAP=160m, -Xms32m, serial GC; BOOKING_HEAP= for none), on BOOKING_PORT,
#     against the running PostgreSQL (a scratch database hold_bench, dropped at the end), the running Redis (db 0,
#     keys of a fresh performance, deleted at the end) and a Kafka broker (the one on KAFKA_PORT, else one started).
#   - two throwaway RSA keys play auth-svc's and queue-svc's; their JWKS are served over HTTP, so booking-svc verifies
#     tokens the production way. FANS fresh fans, each with its own access token and admission token, and a live
#     admission session each in Redis (what queue-svc's admission round writes).
#   - a performance of SEATS seats made through the admin API; a few owner fans hold every seat (4 per hold).
#   - P4a: wrk (its own process) sends holds for random held seats, each request from the next fan (rotating over
#     all FANS), after a WARMUP_SECONDS pass; every answer should be 409. Reported: refusals/s, p50/p99, the status
#     mix, how many the seat gate answered (booking_seat_gate_refusals_total), booking-svc and Redis CPU µs per
#     refusal; baseline pgbench -N at the same concurrency on a scratch database of the same server, same run; the
#     ratio (target ≥ 1.5).
#
# Knobs (defaults): FANS=2000 SEATS=40 CONCURRENCY=50 SECONDS=15 WARMUP_SECONDS=10 WRK_THREADS=2 BOOKING_PORT=18084
#   BOOKING_HEAP=160m BOOKING_JAVA_OPTS= (e.g. a JFR recording) BOOKING_BUILD=auto|always|never KAFKA_PORT=9092 KEEP_WORK=0
#   TICKETING_PG_HOST/PORT/USER (127.0.0.1:5432 postgres) TICKETING_REDIS_HOST/PORT (127.0.0.1:6379)
# Needs: JDK 17, wrk, pgbench and psql (postgresql-client), redis-cli, curl, python3 (JSON); Debian: apt-get install -y wrk redis-tools
set -euo pipefail
USER_SECONDS=$SECONDS

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CMDLINE="$0$(printf ' %q' "$@")"
while [ $# -gt 0 ]; do
  case "$1" in
    SECONDS=*) USER_SECONDS=${1#SECONDS=}; shift ;;
    [A-Z_]*=*) export "${1?}"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$USER_SECONDS" -gt 0 ] 2>/dev/null && RUN_SECONDS=$USER_SECONDS || RUN_SECONDS=15

FANS=${FANS:-2000}
SEATS=${SEATS:-40}
CONCURRENCY=${CONCURRENCY:-50}
WARMUP_SECONDS=${WARMUP_SECONDS:-10}
WRK_THREADS=${WRK_THREADS:-2}
BOOKING_PORT=${BOOKING_PORT:-18084}
BOOKING_HEAP=${BOOKING_HEAP-160m}   # what ./ticketing gives it (docs/footprint.md); empty: no limit
BOOKING_BUILD=${BOOKING_BUILD:-auto}
KAFKA_PORT=${KAFKA_PORT:-9092}
KEEP_WORK=${KEEP_WORK:-0}
PG_HOST=${TICKETING_PG_HOST:-127.0.0.1}
PG_PORT=${TICKETING_PG_PORT:-5432}
PG_USER=${TICKETING_PG_USER:-postgres}
REDIS_HOST=${TICKETING_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${TICKETING_REDIS_PORT:-6379}
ISSUER=${TICKETING_JWT_ISSUER:-https://auth.ticketing.local}
AUDIENCE=${TICKETING_JWT_AUDIENCE:-ticketing-api}
DB=hold_bench
BASELINE_DB=hold_bench_pgbench

say() { echo "[hold-bench] $*" >&2; }
die() { echo "[hold-bench] error: $*" >&2; exit 1; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/${2:-127.0.0.1}/$1" 2>/dev/null; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
psql_() { psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"; }

echo "BENCH cmd: $CMDLINE"
echo "BENCH knobs: FANS=$FANS SEATS=$SEATS CONCURRENCY=$CONCURRENCY SECONDS=$RUN_SECONDS WARMUP_SECONDS=$WARMUP_SECONDS" \
     "WRK_THREADS=$WRK_THREADS BOOKING_HEAP=${BOOKING_HEAP:-none} BOOKING_PORT=$BOOKING_PORT"
cd "$ROOT"
for tool in java curl redis-cli wrk pgbench psql python3; do
  command -v "$tool" >/dev/null || die "missing tool: $tool (Debian: apt-get install -y wrk redis-tools postgresql-client)"
done
port_open "$BOOKING_PORT" && die "port $BOOKING_PORT is in use (set BOOKING_PORT)"
port_open "$REDIS_PORT" "$REDIS_HOST" || die "Redis is not reachable on $REDIS_HOST:$REDIS_PORT"
port_open "$PG_PORT" "$PG_HOST" || die "PostgreSQL is not reachable on $PG_HOST:$PG_PORT"
CLK=$(getconf CLK_TCK)

# ---- builds (one Maven build at a time, offline) --------------------------------------------------------------
JAR=booking-svc/target/quarkus-app/quarkus-run.jar
jar_stale() { [ ! -f "$JAR" ] || [ -n "$(find booking-svc/src/main booking-svc/pom.xml -newer "$JAR" -print -quit 2>/dev/null)" ]; }
case "$BOOKING_BUILD" in
  always) build=1 ;;
  never) build=0; [ -f "$JAR" ] || die "$JAR is missing (BOOKING_BUILD=never)" ;;
  *) jar_stale && build=1 || build=0 ;;
esac
if [ "$build" = 1 ]; then
  say "packaging booking-svc (./mvnw -B -ntp -o -pl booking-svc -am package -DskipTests)"
  ./mvnw -B -ntp -o -q -pl booking-svc -am package -DskipTests >&2
fi
if [ ! -s engines/kafka-broker/target/engine.classpath ] || [ ! -d engines/engine-core/target/classes ]; then
  ./mvnw -B -ntp -o -q -pl engines/engine-core,engines/kafka-broker package -DskipTests >&2
fi
BENCH_CP_FILE=loadtest/target/bench.classpath
if [ ! -s "$BENCH_CP_FILE" ] || [ ! -f loadtest/target/test-classes/dev/ticketing/bench/HoldBench.class ] ||
   [ -n "$(find loadtest/src/test/java/dev/ticketing/bench loadtest/pom.xml -newer "$BENCH_CP_FILE" -print -quit)" ]; then
  say "compiling the bench driver (./mvnw -o -f loadtest/pom.xml test-compile)"
  ./mvnw -B -ntp -o -q -f loadtest/pom.xml test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2
  touch "$BENCH_CP_FILE"
fi
CP="loadtest/target/test-classes:$(cat "$BENCH_CP_FILE")"

# ---- cleanup --------------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hold-bench.XXXXXX")
BPID="" KEYS_PID="" KAFKA_PID="" CHILD="" PERF=""
BASE="http://127.0.0.1:$BOOKING_PORT"
stop_pid() {
  local p=$1 n=$(( ${2:-20} * 2 ))
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 "$n"); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$p" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  say "stopping what it started (booking-svc, JWKS server$( [ -n "$KAFKA_PID" ] && echo ", Kafka broker"); scratch databases and keys deleted)"
  stop_pid "$CHILD" 5
  stop_pid "$BPID" 20
  stop_pid "$KEYS_PID" 5
  [ -n "$KAFKA_PID" ] && java -cp engines/engine-core/target/classes dev.ticketing.engines.EnginesCli stop "$KAFKA_PID" >/dev/null 2>&1 || true
  if [ -n "$PERF" ]; then
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --scan --pattern "seats:{$PERF}:*" |
      xargs -r redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" del >/dev/null 2>&1 || true
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" del "room:{$PERF}:sessions" >/dev/null 2>&1 || true
  fi
  psql_ -c "drop database if exists $DB" postgres >/dev/null 2>&1 || true
  psql_ -c "drop database if exists $BASELINE_DB" postgres >/dev/null 2>&1 || true
  if [ "$rc" != 0 ] && [ "$rc" -lt 128 ] && [ -f "$WORK/booking-svc.log" ]; then
    say "exit $rc; last lines of booking-svc's log:"; tail -n 30 "$WORK/booking-svc.log" >&2 || true
  fi
  if [ "$KEEP_WORK" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
run() { "$@" & CHILD=$!; wait "$CHILD"; local rc=$?; CHILD=""; return $rc; }

echo "BENCH machine: $(date -Iseconds), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
     "$(java -version 2>&1 | head -1), git $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- booking-svc/src/main 2>/dev/null || echo ' (booking-svc/src/main has uncommitted changes)')," \
     "jar built $(date -r "$JAR" -Iseconds)"

# ---- keys and JWKS; Kafka; booking-svc ------------------------------------------------------------------------
java -Xmx512m -cp "$CP" dev.ticketing.bench.HoldBench keys "$WORK" "$ISSUER" "$AUDIENCE" >"$WORK/keys.log" 2>&1 &
KEYS_PID=$!
for _ in $(seq 1 120); do [ -s "$WORK/jwks.port" ] && break; kill -0 "$KEYS_PID" 2>/dev/null || break; sleep 0.5; done
[ -s "$WORK/jwks.port" ] || { cat "$WORK/keys.log" >&2; die "the JWKS server did not start"; }
JWKS="http://127.0.0.1:$(cat "$WORK/jwks.port")"

if port_open "$KAFKA_PORT"; then
  say "reusing the Kafka broker on :$KAFKA_PORT"
else
  say "starting a Kafka broker on :$KAFKA_PORT (engines launcher, data in $WORK/engines)"
  out=$(java -cp engines/engine-core/target/classes -Dticketing.repo.root="$ROOT" \
        dev.ticketing.engines.EnginesCli kafka "$WORK/engines" $$ "$KAFKA_PORT") || die "the Kafka broker did not start"
  KAFKA_PID=$(echo "$out" | sed -n 's/.*KAFKA_PID=\([0-9]*\).*/\1/p')
fi

psql_ -c "drop database if exists $DB" postgres && psql_ -c "create database $DB" postgres
say "starting booking-svc (java ${BOOKING_HEAP:+-Xmx$BOOKING_HEAP }-jar $JAR, prod profile) on :$BOOKING_PORT"
(
  export TICKETING_BOOKING_PORT="$BOOKING_PORT" TICKETING_PG_HOST="$PG_HOST" TICKETING_PG_PORT="$PG_PORT" \
    TICKETING_PG_USER="$PG_USER" TICKETING_PG_DB_BOOKING="$DB" TICKETING_REDIS_HOST="$REDIS_HOST" \
    TICKETING_REDIS_PORT="$REDIS_PORT" TICKETING_KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" \
    TICKETING_AUTH_JWKS_URL="$JWKS/auth-jwks.json" TICKETING_QUEUE_JWKS_URL="$JWKS/queue-jwks.json" \
    TICKETING_JWT_ISSUER="$ISSUER" TICKETING_JWT_AUDIENCE="$AUDIENCE" QUARKUS_HTTP_HOST=127.0.0.1
  # Its own consumer group: never moves the local stack's offsets on a shared broker.
  export MP_MESSAGING_INCOMING_PAYMENT_EVENTS_GROUP_ID="hold-bench-$$" MP_MESSAGING_INCOMING_PAYMENT_EVENTS_AUTO_OFFSET_RESET=latest
  exec java -Xms32m ${BOOKING_HEAP:+-Xmx$BOOKING_HEAP} -XX:+UseSerialGC ${BOOKING_JAVA_OPTS:-} -jar "$JAR"
) >"$WORK/booking-svc.log" 2>&1 &
BPID=$!
for _ in $(seq 1 240); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/q/health/ready")" = 200 ] && break
  kill -0 "$BPID" 2>/dev/null || die "booking-svc exited during start"
  sleep 0.5
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/q/health/ready")" = 200 ] || die "booking-svc not ready after 120 s"

# ---- the sold-out showtime ------------------------------------------------------------------------------------
ADMIN=$(cat "$WORK/admin.token")
STARTS=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
curl -fsS -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' "$BASE/api/performances" \
  -d "{\"title\":\"Hold bench $$\",\"description\":\"sold out\",\"venue\":\"Bench Hall\",\"category\":\"musical\",
       \"showtimes\":[{\"startsAt\":\"$STARTS\",\"sections\":[{\"name\":\"R\",\"rows\":1,\"seatsPerRow\":$SEATS,\"price\":50000}]}]}" \
  >"$WORK/performance.json" || die "cannot create the performance"
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
PERF=$(json "$WORK/performance.json" "d['id']") || die "unexpected answer: $(cat "$WORK/performance.json")"
SHOWTIME=$(json "$WORK/performance.json" "d['showtimes'][0]['id']")
curl -fsS "$BASE/api/showtimes/$SHOWTIME/seats" >"$WORK/seatmap.json" || die "cannot read the seat map"
json "$WORK/seatmap.json" "'\\n'.join(s['id'] for s in d['seats'])" >"$WORK/seats.txt"
[ "$(wc -l <"$WORK/seats.txt")" = "$SEATS" ] || die "expected $SEATS seats, got $(wc -l <"$WORK/seats.txt")"
OWNERS=$(( (SEATS + 3) / 4 ))
echo "$PERF $FANS $OWNERS" >"$WORK/fans.request"
for _ in $(seq 1 1200); do [ -s "$WORK/fans.done" ] && break; kill -0 "$KEYS_PID" 2>/dev/null || break; sleep 0.5; done
[ -s "$WORK/fans.done" ] || { cat "$WORK/keys.log" >&2; die "token signing failed"; }
say "$(cat "$WORK/fans.done")"
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" <"$WORK/sessions.redis" >/dev/null
i=0
while read -r access admission; do
  seats=$(sed -n "$((i * 4 + 1)),$((i * 4 + 4))p" "$WORK/seats.txt" | sed 's/.*/"&"/' | paste -sd, -)
  code=$(curl -s -o "$WORK/hold.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $access" \
         -H "X-Admission-Token: $admission" -H 'Content-Type: application/json' -d "{\"seatIds\":[$seats]}" \
         "$BASE/api/showtimes/$SHOWTIME/holds")
  [ "$code" = 201 ] || die "owner hold $i: HTTP $code $(cat "$WORK/hold.json")"
  i=$((i + 1))
done <"$WORK/owners.txt"
say "performance $PERF: all $SEATS seats held by $OWNERS owners; $FANS fans with live admissions"

# ---- P4a ------------------------------------------------------------------------------------------------------
wrk_run() { # label seconds
  BENCH_FANS="$WORK/fans.txt" BENCH_SEATS="$WORK/seats.txt" BENCH_THREADS=$WRK_THREADS \
    run wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -d"$2"s --timeout 10s -s loadtest/bench/hold-bench.lua \
    "$BASE/api/showtimes/$SHOWTIME/holds" >"$WORK/wrk-$1.txt" 2>&1 || { cat "$WORK/wrk-$1.txt" >&2; die "wrk failed"; }
}
v() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
gate_refusals() { curl -s "$BASE/q/metrics" | awk '/^booking_seat_gate_refusals_total/ { s += $2 } END { printf "%d", s }'; }
# refusals answered by HoldRoute, before RESTEasy (the rest went through the resource)
route_answers() { curl -s "$BASE/q/metrics" | awk '/^booking_hold_route_total\{.*result="answered"/ { s += $2 } END { printf "%d", s }'; }
REDIS_PID=$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" info server | sed -n 's/^process_id:\([0-9]*\).*/\1/p' | tr -d '\r')
redis_ticks() { [ -r "/proc/$REDIS_PID/stat" ] && ticks "$REDIS_PID" || echo -1; }

say "warm-up: ${WARMUP_SECONDS} s (every fan's tokens verified once; the JIT)"
wrk_run warmup "$WARMUP_SECONDS"
g0=$(gate_refusals); a0=$(route_answers); b0=$(ticks "$BPID"); r0=$(redis_ticks)
say "P4a: ${RUN_SECONDS} s, c=$CONCURRENCY, $FANS fans rotating, random held seats"
wrk_run p4a "$RUN_SECONDS"
b1=$(ticks "$BPID"); r1=$(redis_ticks); g1=$(gate_refusals); a1=$(route_answers)
S=$(grep '^WRKSUM ' "$WORK/wrk-p4a.txt" | tail -1)
req=$(v requests "$S"); dur=$(v duration_us "$S")
rate=$(calc "%.0f" "$req / ($dur / 1000000)")
cpu=$(calc "%.0f" "($b1 - $b0) * 1000000 / $CLK / $req")
echo "BENCH P4a sold-out refusals: $rate req/s over $(calc "%.1f" "$dur / 1000000") s, p50 $(calc "%.1f" "$(v p50_us "$S") / 1000") ms," \
     "p99 $(calc "%.1f" "$(v p99_us "$S") / 1000") ms; 409=$(v s409 "$S") 201=$(v s201 "$S") other=$(v other "$S") ($(v codes "$S"))," \
     "socket errors connect/read/write/timeout $(v connect_err "$S")/$(v read_err "$S")/$(v write_err "$S")/$(v timeouts "$S")"
echo "BENCH P4a answered by the seat gate: $((g1 - g0)) of $req (the rest would have reached PostgreSQL); before RESTEasy (HoldRoute): $((a1 - a0))"
echo "BENCH P4a booking-svc CPU per refusal: $cpu µs$( [ "$r0" != -1 ] && echo "; Redis $(calc "%.0f" "($r1 - $r0) * 1000000 / $CLK / $req") µs")"

# ---- baseline: pgbench -N, same server, same concurrency --------------------------------------------------------
psql_ -c "drop database if exists $BASELINE_DB" postgres && psql_ -c "create database $BASELINE_DB" postgres
pgbench -i -q -s 10 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$BASELINE_DB" >"$WORK/pgbench-init.txt" 2>&1 ||
  { cat "$WORK/pgbench-init.txt" >&2; die "pgbench -i failed"; }
run pgbench -N -c "$CONCURRENCY" -j 2 -T "$RUN_SECONDS" -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$BASELINE_DB" \
  >"$WORK/pgbench.txt" 2>&1 || { cat "$WORK/pgbench.txt" >&2; die "pgbench failed"; }
tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.txt" | head -1)
echo "BENCH baseline pgbench -N -c $CONCURRENCY -j 2 -T $RUN_SECONDS (same PostgreSQL): $(calc "%.0f" "$tps") tps"
echo "BENCH P4a ratio sold-out refusals / pgbench -N: $(calc "%.2f" "$rate / $tps") (target >= 1.5)"
