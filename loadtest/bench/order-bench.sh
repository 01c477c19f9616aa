#!/usr/bin/env bash
# order-bench.sh — holds and orders at on-sale rate, measured the way fans see them: P4b (fans race for seats) and P5
# (hold → order → payment → CONFIRMED, end to end). Prints figures (lines starting with BENCH), asserts nothing about
# speed; never part of the test command (docs/benchmarks.md, "order-bench.sh").
#
#   loadtest/bench/order-bench.sh                      # P4b then P5 with the defaults below
#   loadtest/bench/order-bench.sh --only p5 RATE=200 SECONDS=30
#
# What it starts (and stops on exit, also on Ctrl-C): its own Kafka broker (KRaft, engines launcher, fresh data), the
# payment sandbox (the provider's API shape), booking-svc and payment-svc as packaged jars in the prod profile with
# the heaps the local stack gives them (BOOKING_HEAP / PAYMENT_HEAP to change), against the running PostgreSQL
# (scratch databases order_bench_booking/_payment, dropped at the end) and Redis (keys of fresh performances,
# deleted at the end). Two throwaway RSA keys play auth-svc's and queue-svc's: their JWKS are served over HTTP, so
# every token is verified the production way. Every fan is fresh (own access token, own admission token, own live
# admission session in Redis, as queue-svc's admission round writes it). The client is its own JVM
# (dev.ticketing.bench.OrderBench), never inside a service.
#   - P4b: RACE_FANS fans race for RACE_SEATS seats (c=RACE_CONCURRENCY): each tries a random seat, on 409 another,
#     up to 3 attempts. Reported: attempts/s, p50/p99, and oversold seats counted from the database.
#   - P5: fan i starts at i/RATE s for SECONDS s (an open model, at most MAX_IN_FLIGHT journeys in flight): hold one
#     seat, order it with tok_approve. Then it waits until every order is final and reports order→CONFIRMED
#     (database timestamps), the per-stage timers of both services (ticketing_pipeline_stage_seconds), provider
#     captures from the sandbox ledger against confirmed orders, and CPU per order of each process.
#
# Knobs (defaults): RATE=500 SECONDS=60 MAX_IN_FLIGHT=512 RACE_FANS=5000 RACE_SEATS=1000 RACE_CONCURRENCY=50
#   WARMUP_SECONDS=60 (journeys at RATE/5 before anything is measured: the JIT needs them) IDLE_SECONDS=10
#   BASELINE_SECONDS=30 (pgbench -N on a scratch database of the same PostgreSQL, same run, services idle; 0 skips it) FINAL_WAIT=300 KAFKA_PORT=19092 BOOKING_PORT=18084 PAYMENT_PORT=18085 SANDBOX_PORT=18086 BOOKING_HEAP=160m PAYMENT_HEAP=160m
#   BOOKING_JAVA_OPTS= PAYMENT_JAVA_OPTS= (e.g. a JFR recording) BUILD=auto|always|never KEEP_WORK=0
#   TICKETING_PG_HOST/PORT/USER (127.0.0.1:5432 postgres) TICKETING_REDIS_HOST/PORT (127.0.0.1:6379)
# Needs: JDK 17, psql and pgbench (postgresql-client), redis-cli (redis-tools), curl, python3.
set -euo pipefail
USER_SECONDS=$SECONDS

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CMDLINE="$0$(printf ' %q' "$@")"
ONLY=all
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=$2; shift 2 ;;
    SECONDS=*) USER_SECONDS=${1#SECONDS=}; shift ;;
    [A-Z_]*=*) export "${1?}"; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$USER_SECONDS" -gt 0 ] 2>/dev/null && RUN_SECONDS=$USER_SECONDS || RUN_SECONDS=60
case "$ONLY" in all|p4b|p5) ;; *) echo "--only p4b|p5" >&2; exit 2 ;; esac

RATE=${RATE:-500}
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-512}
RACE_FANS=${RACE_FANS:-5000}
RACE_SEATS=${RACE_SEATS:-1000}
RACE_CONCURRENCY=${RACE_CONCURRENCY:-50}
FINAL_WAIT=${FINAL_WAIT:-300}
WARMUP_SECONDS=${WARMUP_SECONDS:-60}
IDLE_SECONDS=${IDLE_SECONDS:-10}
BASELINE_SECONDS=${BASELINE_SECONDS:-30}
KAFKA_PORT=${KAFKA_PORT:-19092}
BOOKING_PORT=${BOOKING_PORT:-18084}
PAYMENT_PORT=${PAYMENT_PORT:-18085}
SANDBOX_PORT=${SANDBOX_PORT:-18086}
BOOKING_HEAP=${BOOKING_HEAP:-160m}   # what ./ticketing gives them (docs/footprint.md)
PAYMENT_HEAP=${PAYMENT_HEAP:-160m}
BUILD=${BUILD:-auto}
KEEP_WORK=${KEEP_WORK:-0}
PG_HOST=${TICKETING_PG_HOST:-127.0.0.1}
PG_PORT=${TICKETING_PG_PORT:-5432}
PG_USER=${TICKETING_PG_USER:-postgres}
REDIS_HOST=${TICKETING_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${TICKETING_REDIS_PORT:-6379}
ISSUER=${TICKETING_JWT_ISSUER:-https://auth.ticketing.local}
AUDIENCE=${TICKETING_JWT_AUDIENCE:-ticketing-api}
BDB=order_bench_booking
PDB=order_bench_payment
BASELINE_DB=order_bench_pgbench
SECRET=test_sk_order_bench

say() { echo "[order-bench] $*" >&2; }
die() { echo "[order-bench] error: $*" >&2; exit 1; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/${2:-127.0.0.1}/$1" 2>/dev/null; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
psql_() { psql -q -X -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"; }
sql() { psql_ -At -d "$1" -c "$2"; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

echo "BENCH cmd: $CMDLINE"
echo "BENCH knobs: ONLY=$ONLY RATE=$RATE SECONDS=$RUN_SECONDS MAX_IN_FLIGHT=$MAX_IN_FLIGHT RACE_FANS=$RACE_FANS" \
     "RACE_SEATS=$RACE_SEATS RACE_CONCURRENCY=$RACE_CONCURRENCY BOOKING_HEAP=${BOOKING_HEAP:-none} PAYMENT_HEAP=${PAYMENT_HEAP:-none}"
cd "$ROOT"
for tool in java curl redis-cli psql pgbench python3; do
  command -v "$tool" >/dev/null || die "missing tool: $tool (Debian: apt-get install -y redis-tools postgresql-client)"
done
for p in "$BOOKING_PORT" "$PAYMENT_PORT" "$SANDBOX_PORT" "$KAFKA_PORT"; do
  port_open "$p" && die "port $p is in use (see the *_PORT knobs)"
done
port_open "$REDIS_PORT" "$REDIS_HOST" || die "Redis is not reachable on $REDIS_HOST:$REDIS_PORT"
port_open "$PG_PORT" "$PG_HOST" || die "PostgreSQL is not reachable on $PG_HOST:$PG_PORT"
CLK=$(getconf CLK_TCK)

# ---- builds (one Maven build at a time, offline) --------------------------------------------------------------
stale() { [ ! -f "$1/target/quarkus-app/quarkus-run.jar" ] ||
          [ -n "$(find "$1/src/main" "$1/pom.xml" -newer "$1/target/quarkus-app/quarkus-run.jar" -print -quit 2>/dev/null)" ]; }
for svc in booking-svc payment-svc; do
  if [ "$BUILD" = always ] || { [ "$BUILD" = auto ] && stale "$svc"; }; then
    say "packaging $svc (./mvnw -o -pl $svc -am package -DskipTests)"
    ./mvnw -B -ntp -o -q -pl "$svc" -am package -DskipTests >&2
  fi
  [ -f "$svc/target/quarkus-app/quarkus-run.jar" ] || die "$svc is not packaged"
done
SANDBOX_CP=payment-sandbox/target/runtime.classpath
SANDBOX_CLASS=payment-sandbox/target/classes/dev/ticketing/sandbox/PaymentSandbox.class
if [ ! -f "$SANDBOX_CLASS" ] || [ ! -s "$SANDBOX_CP" ] ||
   [ -n "$(find payment-sandbox/src/main -newer "$SANDBOX_CLASS" -print -quit)" ]; then
  ./mvnw -B -ntp -o -q -pl payment-sandbox package -DskipTests >&2
  ./mvnw -B -ntp -q -f payment-sandbox/pom.xml org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=runtime \
    -Dmdep.outputFile=target/runtime.classpath >&2
fi
if [ ! -s engines/kafka-broker/target/engine.classpath ] || [ ! -d engines/engine-core/target/classes ]; then
  ./mvnw -B -ntp -o -q -pl engines/engine-core,engines/kafka-broker package -DskipTests >&2
fi
BENCH_CP_FILE=loadtest/target/bench.classpath
if [ ! -s "$BENCH_CP_FILE" ] || [ ! -f loadtest/target/test-classes/dev/ticketing/bench/OrderBench.class ] ||
   [ -n "$(find loadtest/src/test/java/dev/ticketing/bench loadtest/pom.xml -newer "$BENCH_CP_FILE" -print -quit)" ]; then
  say "compiling the bench driver (./mvnw -o -f loadtest/pom.xml test-compile)"
  ./mvnw -B -ntp -q -f loadtest/pom.xml test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath >&2
  touch "$BENCH_CP_FILE"
fi
CP="loadtest/target/test-classes:$(cat "$BENCH_CP_FILE")"

# ---- cleanup --------------------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/order-bench.XXXXXX")
BPID="" PPID_="" SPID="" KEYS_PID="" KAFKA_PID="" CHILD="" PERFS=()
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
  say "stopping what it started; scratch databases and keys deleted"
  stop_pid "$CHILD" 5
  stop_pid "$BPID" 20
  stop_pid "$PPID_" 20
  stop_pid "$SPID" 5
  stop_pid "$KEYS_PID" 5
  [ -n "$KAFKA_PID" ] && java -cp engines/engine-core/target/classes dev.ticketing.engines.EnginesCli stop "$KAFKA_PID" >/dev/null 2>&1 || true
  for perf in "${PERFS[@]}"; do
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --scan --pattern "*{$perf}*" |
      xargs -r redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" del >/dev/null 2>&1 || true
  done
  psql_ -c "drop database if exists $BDB" postgres >/dev/null 2>&1 || true
  psql_ -c "drop database if exists $PDB" postgres >/dev/null 2>&1 || true
  psql_ -c "drop database if exists $BASELINE_DB" postgres >/dev/null 2>&1 || true
  if [ "$rc" != 0 ] && [ "$rc" -lt 128 ]; then
    for f in booking-svc payment-svc; do
      [ -f "$WORK/$f.log" ] && { say "exit $rc; last lines of $f's log:"; tail -n 20 "$WORK/$f.log" >&2; }
    done
  fi
  if [ "$KEEP_WORK" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
run() { "$@" & CHILD=$!; wait "$CHILD"; local rc=$?; CHILD=""; return $rc; }
wait_ready() { # name url pid
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$2")" = 200 ] && return 0
    kill -0 "$3" 2>/dev/null || die "$1 exited during start (see $WORK/$1.log; KEEP_WORK=1 keeps it)"
    sleep 0.5
  done
  die "$1 not ready after 120 s"
}

echo "BENCH machine: $(date -Iseconds), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
     "$(java -version 2>&1 | head -1), git $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- booking-svc/src/main payment-svc/src/main 2>/dev/null || echo ' (uncommitted changes in the services)')"

# ---- keys and JWKS; Kafka; sandbox; services ------------------------------------------------------------------
java -Xmx512m -cp "$CP" dev.ticketing.bench.OrderBench serve "$WORK" "$ISSUER" "$AUDIENCE" >"$WORK/keys.log" 2>&1 &
KEYS_PID=$!
for _ in $(seq 1 120); do [ -s "$WORK/jwks.port" ] && break; kill -0 "$KEYS_PID" 2>/dev/null || break; sleep 0.5; done
[ -s "$WORK/jwks.port" ] || { cat "$WORK/keys.log" >&2; die "the JWKS server did not start"; }
JWKS="http://127.0.0.1:$(cat "$WORK/jwks.port")"

say "starting a Kafka broker on :$KAFKA_PORT (engines launcher, data in $WORK/engines)"
out=$(java -cp engines/engine-core/target/classes -Dticketing.repo.root="$ROOT" \
      dev.ticketing.engines.EnginesCli kafka "$WORK/engines" $$ "$KAFKA_PORT") || die "the Kafka broker did not start"
KAFKA_PID=$(echo "$out" | sed -n 's/.*KAFKA_PID=\([0-9]*\).*/\1/p')

say "starting the payment sandbox on :$SANDBOX_PORT"
SANDBOX_SECRET_KEY=$SECRET SANDBOX_PORT=$SANDBOX_PORT \
  java -Xmx256m -XX:+UseSerialGC -cp "payment-sandbox/target/classes:$(cat "$SANDBOX_CP")" dev.ticketing.sandbox.PaymentSandbox \
  >"$WORK/payment-sandbox.log" 2>&1 &
SPID=$!

for db in $BDB $PDB; do psql_ -c "drop database if exists $db" postgres && psql_ -c "create database $db" postgres; done
common_env() {
  export TICKETING_PG_HOST="$PG_HOST" TICKETING_PG_PORT="$PG_PORT" TICKETING_PG_USER="$PG_USER" \
    TICKETING_REDIS_HOST="$REDIS_HOST" TICKETING_REDIS_PORT="$REDIS_PORT" TICKETING_KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" \
    TICKETING_AUTH_JWKS_URL="$JWKS/auth-jwks.json" TICKETING_JWT_ISSUER="$ISSUER" TICKETING_JWT_AUDIENCE="$AUDIENCE" \
    QUARKUS_HTTP_HOST=127.0.0.1
}
say "starting booking-svc (prod jar${BOOKING_HEAP:+, -Xmx$BOOKING_HEAP}) on :$BOOKING_PORT and payment-svc (prod jar${PAYMENT_HEAP:+, -Xmx$PAYMENT_HEAP}) on :$PAYMENT_PORT"
(
  common_env
  export TICKETING_BOOKING_PORT="$BOOKING_PORT" TICKETING_PG_DB_BOOKING="$BDB" TICKETING_QUEUE_JWKS_URL="$JWKS/queue-jwks.json"
  exec java -Xms32m ${BOOKING_HEAP:+-Xmx$BOOKING_HEAP} -XX:+UseSerialGC ${BOOKING_JAVA_OPTS:-} -jar booking-svc/target/quarkus-app/quarkus-run.jar
) >"$WORK/booking-svc.log" 2>&1 &
BPID=$!
(
  common_env
  export TICKETING_PAYMENT_PORT="$PAYMENT_PORT" TICKETING_PG_DB_PAYMENT="$PDB" \
    TICKETING_PAYMENT_PROVIDER_URL="http://127.0.0.1:$SANDBOX_PORT" TICKETING_PAYMENT_PROVIDER_SECRET_KEY=$SECRET
  exec java -Xms32m ${PAYMENT_HEAP:+-Xmx$PAYMENT_HEAP} -XX:+UseSerialGC ${PAYMENT_JAVA_OPTS:-} -jar payment-svc/target/quarkus-app/quarkus-run.jar
) >"$WORK/payment-svc.log" 2>&1 &
PPID_=$!
wait_ready booking-svc "$BASE/q/health/ready" "$BPID"
wait_ready payment-svc "http://127.0.0.1:$PAYMENT_PORT/q/health/ready" "$PPID_"
port_open "$SANDBOX_PORT" || die "the payment sandbox is not up (see $WORK/payment-sandbox.log)"
ADMIN=$(cat "$WORK/admin.token")

# A performance of $2 seats (sections of up to 200 × 200); fans for it signed by the key JVM; sessions written.
performance() { # name seats fans
  local name=$1 seats=$2 fans=$3 rows per=200 starts
  rows=$(( (seats + per - 1) / per )); [ "$seats" -lt "$per" ] && { per=$seats; rows=1; }
  starts=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
  curl -fsS -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' "$BASE/api/performances" \
    -d "{\"title\":\"Order bench $name $$\",\"description\":\"on-sale\",\"venue\":\"Bench Hall\",\"category\":\"concert\",
         \"showtimes\":[{\"startsAt\":\"$starts\",\"sections\":[{\"name\":\"R\",\"rows\":$rows,\"seatsPerRow\":$per,\"price\":50000}]}]}" \
    >"$WORK/$name.performance.json" || die "cannot create the performance"
  local perf showtime
  perf=$(json "$WORK/$name.performance.json" "d['id']")
  PERFS+=("$perf")
  showtime=$(json "$WORK/$name.performance.json" "d['showtimes'][0]['id']")
  curl -fsS "$BASE/api/showtimes/$showtime/seats" >"$WORK/$name.seatmap.json" || die "cannot read the seat map"
  json "$WORK/$name.seatmap.json" "'\\n'.join(s['id'] for s in d['seats'][:$seats])" >"$WORK/$name.seats"
  echo "$perf $fans" >"$WORK/$name.request"
  for _ in $(seq 1 2400); do [ -s "$WORK/$name.done" ] && break; kill -0 "$KEYS_PID" 2>/dev/null || break; sleep 0.5; done
  [ -s "$WORK/$name.done" ] || { cat "$WORK/keys.log" >&2; die "token signing failed"; }
  say "$name: $(cat "$WORK/$name.done")"
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --pipe <"$WORK/$name.sessions.redis" >/dev/null
  echo "$showtime"
}
# The order pipeline's stage timers of both services (ticketing_pipeline_stage_seconds{stage}).
scrape_stages() { for port in "$BOOKING_PORT" "$PAYMENT_PORT"; do curl -s "http://127.0.0.1:$port/q/metrics"; done |
                  grep '^ticketing_pipeline_stage_seconds' || true; }
stage_table() { # before after: the mean over the run (count/sum deltas), p50/p99 of the timers' recent window
  python3 - "$1" "$2" <<'PY'
import re, sys
def read(path):
    d = {}
    for line in open(path):
        m = re.match(r'ticketing_pipeline_stage_seconds(_count|_sum|_max)?\{stage="([^"]+)"(?:,quantile="([0-9.]+)")?\} (\S+)', line)
        if m:
            d[(m.group(2), m.group(1) or 'q' + (m.group(3) or ''))] = float(m.group(4))
    return d
b, a = read(sys.argv[1]), read(sys.argv[2])
order = ["order-published", "order-to-payment-recorded", "recorded-to-provider-answered", "approved-to-published",
         "approved-to-confirmed", "order-to-confirmed"]
for st in order + sorted({k[0] for k in a} - set(order)):
    n = a.get((st, "_count"), 0) - b.get((st, "_count"), 0)
    if n <= 0:
        continue
    mean = (a.get((st, "_sum"), 0) - b.get((st, "_sum"), 0)) / n * 1000
    print("BENCH P5 stage %-30s n=%6d mean %7.1f ms · p50 %7.1f ms · p99 %7.1f ms (timer window) · max %7.1f ms"
          % (st, n, mean, a.get((st, "q0.5"), 0) * 1000, a.get((st, "q0.99"), 0) * 1000, a.get((st, "_max"), 0) * 1000))
PY
}
ORDERS_JAVA="java -Xmx1g -cp $CP dev.ticketing.bench.OrderBench"

# ---- warm-up: the JIT, the topics (created by the first events) and the consumer groups' first assignment --------
if [ "$WARMUP_SECONDS" -gt 0 ]; then
  WRATE=$(( RATE / 5 > 0 ? RATE / 5 : 1 ))
  WSHOW=$(performance warmup $((WRATE * WARMUP_SECONDS)) $((WRATE * WARMUP_SECONDS)))
  say "warm-up: $((WRATE * WARMUP_SECONDS)) journeys at $WRATE/s (not measured)"
  run $ORDERS_JAVA orders "$BASE" "$WSHOW" "$WORK/warmup.fans" "$WORK/warmup.seats" "$WRATE" "$WARMUP_SECONDS" \
    "$MAX_IN_FLIGHT" "$WORK/warmup.txt" >"$WORK/warmup-run.txt"
  for _ in $(seq 1 "$FINAL_WAIT"); do
    [ "$(sql $BDB "select count(*) from booking_order where status = 'PENDING'")" = 0 ] && break
    sleep 1
  done
  say "warm-up done: $(sql $BDB "select string_agg(status || '=' || n, ' ') from (select status, count(*) n
        from booking_order where showtime_id = '$WSHOW' group by status order by status) x")"
fi

# ---- baseline: pgbench -N, same server, same run (the services idle) ----------------------------------------------
TPS=""
if [ "$BASELINE_SECONDS" -gt 0 ]; then
  psql_ -c "drop database if exists $BASELINE_DB" postgres && psql_ -c "create database $BASELINE_DB" postgres
  pgbench -i -q -s 10 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$BASELINE_DB" >"$WORK/pgbench-init.txt" 2>&1 ||
    { cat "$WORK/pgbench-init.txt" >&2; die "pgbench -i failed"; }
  run pgbench -N -c "$RACE_CONCURRENCY" -j 2 -T "$BASELINE_SECONDS" -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" \
    "$BASELINE_DB" >"$WORK/pgbench.txt" 2>&1 || { cat "$WORK/pgbench.txt" >&2; die "pgbench failed"; }
  TPS=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/pgbench.txt" | head -1)
  echo "BENCH baseline pgbench -N -c $RACE_CONCURRENCY -j 2 -T $BASELINE_SECONDS (same PostgreSQL, same run): $(calc "%.0f" "$TPS") tps"
  psql_ -c "drop database if exists $BASELINE_DB" postgres >/dev/null
fi

# ---- P4b ------------------------------------------------------------------------------------------------------
if [ "$ONLY" != p5 ]; then
  SHOW=$(performance race "$RACE_SEATS" "$RACE_FANS")
  say "P4b: $RACE_FANS fans race for $RACE_SEATS seats, c=$RACE_CONCURRENCY"
  b0=$(ticks "$BPID")
  run $ORDERS_JAVA race "$BASE" "$SHOW" "$WORK/race.fans" "$WORK/race.seats" "$RACE_CONCURRENCY" 3 | tee "$WORK/race.txt"
  b1=$(ticks "$BPID")
  attempts=$(sed -n 's/.*: \([0-9]*\) attempts in.*/\1/p' "$WORK/race.txt")
  # Every live hold must own all the seats it counts: a seat claimed by two winners would leave one hold short.
  held=$(sql $BDB "select count(*) from seat s join seat_hold h on h.id = s.hold_id
                   where h.showtime_id = '$SHOW' and h.status = 'ACTIVE' and s.status = 'HELD'")
  won=$(sql $BDB "select coalesce(sum(seat_count), 0) from seat_hold where showtime_id = '$SHOW' and status = 'ACTIVE'")
  holds=$(sql $BDB "select count(*) from seat_hold where showtime_id = '$SHOW' and status = 'ACTIVE'")
  echo "BENCH P4b database: $holds live holds counting $won seats, $held seats held by them; oversold = $((won - held)) (must be 0)"
  echo "BENCH P4b booking-svc CPU per attempt: $(calc "%.0f" "($b1 - $b0) * 1000000 / $CLK / ${attempts:-1}") µs"
  rate=$(sed -n 's/.*attempts in [0-9.]* s = \([0-9.]*\) attempts\/s.*/\1/p' "$WORK/race.txt" | head -1)
  [ -n "$TPS" ] && [ -n "$rate" ] &&
    echo "BENCH P4b ratio attempts/s / pgbench -N tps: $(calc "%.2f" "$rate / $TPS")"
fi

# ---- P5 -------------------------------------------------------------------------------------------------------
if [ "$ONLY" != p4b ]; then
  N=$((RATE * RUN_SECONDS))
  SHOW=$(performance orders "$N" "$N")
  procs=("booking-svc:$BPID" "payment-svc:$PPID_" "sandbox:$SPID" "kafka:$KAFKA_PID")
  declare -A T0 IDLE
  # What each process burns with nothing to do (pollers, timers), measured before the run and reported apart.
  for p in "${procs[@]}"; do IDLE[${p%%:*}]=$(ticks "${p##*:}"); done
  sleep "$IDLE_SECONDS"
  for p in "${procs[@]}"; do IDLE[${p%%:*}]=$(( $(ticks "${p##*:}") - ${IDLE[${p%%:*}]} )); done
  for p in "${procs[@]}"; do T0[${p%%:*}]=$(ticks "${p##*:}"); done
  P5_START=$(date +%s.%N)
  scrape_stages >"$WORK/stages-before.txt"
  say "P5: $N journeys at $RATE/s for $RUN_SECONDS s (hold → order with tok_approve), at most $MAX_IN_FLIGHT in flight"
  run $ORDERS_JAVA orders "$BASE" "$SHOW" "$WORK/orders.fans" "$WORK/orders.seats" "$RATE" "$RUN_SECONDS" \
    "$MAX_IN_FLIGHT" "$WORK/orders.txt" | tee "$WORK/orders-run.txt"
  accepted=$(wc -l <"$WORK/orders.txt")
  say "waiting up to $FINAL_WAIT s for every order to be final"
  for _ in $(seq 1 "$FINAL_WAIT"); do
    [ "$(sql $BDB "select count(*) from booking_order where showtime_id = '$SHOW' and status = 'PENDING'")" = 0 ] && break
    sleep 1
  done
  P5_SECONDS=$(calc "%.1f" "$(date +%s.%N) - $P5_START")
  for p in "${procs[@]}"; do
    used=$(( $(ticks "${p##*:}") - ${T0[${p%%:*}]} ))
    idle=$(calc "%.0f" "${IDLE[${p%%:*}]} * $P5_SECONDS / $IDLE_SECONDS")
    echo "BENCH P5 CPU ${p%%:*}: $(calc "%.0f" "$used * 1000000 / $CLK / ($accepted > 0 ? $accepted : 1)") µs per accepted order" \
         "($(calc "%.0f" "($used - $idle) * 1000000 / $CLK / ($accepted > 0 ? $accepted : 1)") µs above its idle cost;" \
         "idle $(calc "%.1f" "${IDLE[${p%%:*}]} * 100 / $CLK / $IDLE_SECONDS") % of a core)"
  done
  echo "BENCH P5 final states: $(sql $BDB "select string_agg(status || '=' || n, ' ') from (select status, count(*) n
        from booking_order where showtime_id = '$SHOW' group by status order by status) x")"
  sql $BDB "select round(1000 * percentile_cont(0.5) within group (order by extract(epoch from updated_at - created_at))::numeric, 0),
                   round(1000 * percentile_cont(0.99) within group (order by extract(epoch from updated_at - created_at))::numeric, 0),
                   round(1000 * max(extract(epoch from updated_at - created_at))::numeric, 0)
            from booking_order where showtime_id = '$SHOW' and status = 'CONFIRMED'" |
    awk -F'|' '{ printf "BENCH P5 order→CONFIRMED (database: created_at → confirmed): p50 %s ms, p99 %s ms, max %s ms (target p99 <= 500 ms)\n", $1, $2, $3 }'
  # A confirmation batch (one transaction of booking-svc's payment-events consumer) shares its now().
  sql $BDB "select count(*), round(avg(n), 1), max(n), round(extract(epoch from max(t) - min(t))::numeric, 1)
            from (select updated_at t, count(*) n from booking_order where showtime_id = '$SHOW' and status = 'CONFIRMED'
                  group by updated_at) b" |
    awk -F'|' '{ printf "BENCH P5 confirmations: %s transactions of booking-svc'"'"'s payment-events consumer, mean %s orders, max %s, over %s s\n", $1, $2, $3, $4 }'
  sql $BDB "select round(1000 * percentile_cont(0.5) within group (order by extract(epoch from published_at - occurred_at))::numeric, 0),
                   round(1000 * percentile_cont(0.99) within group (order by extract(epoch from published_at - occurred_at))::numeric, 0)
            from outbox_event where event_type = 'OrderPlaced' and published_at is not null
              and payload->>'showtimeId' = '$SHOW'" |
    awk -F'|' '{ printf "BENCH P5 stage order accepted → OrderPlaced published (database): p50 %s ms, p99 %s ms\n", $1, $2 }'
  stage_table "$WORK/stages-before.txt" <(scrape_stages)
  # Every order of the showtime the database has (also those whose answer the client never got: a timeout or a 5xx
  # after the order was written), not only the client's list.
  sql $BDB "select id from booking_order where showtime_id = '$SHOW'" >"$WORK/db-orders.txt"
  captured=$(curl -fsS "http://127.0.0.1:$SANDBOX_PORT/sandbox/ledger" | python3 -c '
import json, sys
ours = set(open(sys.argv[1]).read().split())
net = {}
for e in json.load(sys.stdin)["entries"]:
    if e["orderId"] in ours:
        net[e["orderId"]] = net.get(e["orderId"], 0) + (1 if e["kind"] == "CAPTURE" else -1)
print(sum(1 for v in net.values() if v == 1), sum(1 for v in net.values() if v > 1))' "$WORK/db-orders.txt")
  confirmed=$(sql $BDB "select count(*) from booking_order where showtime_id = '$SHOW' and status = 'CONFIRMED'")
  [ -n "$TPS" ] && echo "BENCH P5 ratio confirmed orders/s ($confirmed in $P5_SECONDS s) / pgbench -N tps:" \
       "$(calc "%.3f" "$confirmed / $P5_SECONDS / $TPS")"
  echo "BENCH P5 provider captures (sandbox ledger, net of refunds): ${captured% *} for $confirmed confirmed orders;" \
       "orders captured twice: ${captured#* } (must be 0; captures must equal confirmed)"
fi
