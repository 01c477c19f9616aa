#!/usr/bin/env bash
# Throughput of auth-svc on one JVM: ingress verify calls/s and logins/s (Argon2id at the production cost).
# Starts the packaged service (prod profile) on 127.0.0.1 against a throwaway database, drives it with `hey`
# for a bounded time, prints the figures, then stops the JVM and drops the database.
#
#   auth-svc/bench/run-benchmark.sh            # from the repository root; DURATION=15s CONCURRENCY_VERIFY=32 ...
#
# Needs: a JDK 17, PostgreSQL on TICKETING_PG_HOST:PORT (trust or password via PGPASSWORD), hey, openssl, curl
# (Debian: apt-get install -y hey openssl curl postgresql-client).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PORT="${BENCH_PORT:-18081}"
DURATION="${DURATION:-15s}"
CONCURRENCY_VERIFY="${CONCURRENCY_VERIFY:-32}"
# Logins are spread over distinct accounts, as on an on-sale (one account's parallel logins queue behind its
# brute-force budget by design): LOGIN_ACCOUNTS parallel `hey` runs, each with 2 connections.
LOGIN_ACCOUNTS="${LOGIN_ACCOUNTS:-4}"
PG_HOST="${TICKETING_PG_HOST:-127.0.0.1}"
PG_PORT="${TICKETING_PG_PORT:-5432}"
PG_USER="${TICKETING_PG_USER:-postgres}"
DB="auth_bench"
BASE="http://127.0.0.1:${PORT}"
WORK="$(mktemp -d)"
APP_PID=""

for tool in hey openssl curl psql java; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done

cleanup() {
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
  fi
  psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -c "drop database if exists $DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ ! -f "$ROOT/auth-svc/target/quarkus-app/quarkus-run.jar" || "${REBUILD:-0}" == 1 ]]; then
  (cd "$ROOT" && ./mvnw -o -q -B -pl auth-svc package -DskipTests)
fi

psql -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -c "drop database if exists $DB" -c "create database $DB"
# A throwaway signing key, the way prod mounts one from a Secret (PKCS#8 PEM).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/signing-key.pem" 2>/dev/null

TICKETING_AUTH_PORT="$PORT" TICKETING_PG_DB_AUTH="$DB" TICKETING_AUTH_SIGNING_KEY_FILE="$WORK/signing-key.pem" \
  java -Xmx512m -jar "$ROOT/auth-svc/target/quarkus-app/quarkus-run.jar" >"$WORK/app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
  curl -fs "$BASE/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log" >&2; exit 1; }
  sleep 1
done
curl -fs "$BASE/q/health/ready" >/dev/null || { echo "auth-svc did not become ready" >&2; exit 1; }

PASSWORD="bench password 1234"
body() { echo "{\"email\":\"bench-$1@example.test\",\"password\":\"$PASSWORD\"}"; }
for i in $(seq 1 "$LOGIN_ACCOUNTS"); do
  curl -fs -H 'Content-Type: application/json' \
    -d "{\"email\":\"bench-$i@example.test\",\"password\":\"$PASSWORD\",\"name\":\"Bench $i\"}" \
    "$BASE/api/auth/signup" >/dev/null
done
TOKEN="$(curl -fs -H 'Content-Type: application/json' -d "$(body 1)" "$BASE/api/auth/login" \
  | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')"

rps() { grep -E 'Requests/sec' | awk '{print $2}'; }
p() { grep -E "  $1% in" | awk '{printf "%.1f", $3 * 1000}'; }
codes() { sed -n '/Status code distribution/,/^$/p' | tail -n +2 | tr -s ' ' | tr '\n' ' '; }

# Warm-up (JIT), not reported.
hey -n 3000 -c "$CONCURRENCY_VERIFY" -H "Authorization: Bearer $TOKEN" "$BASE/api/auth/verify" >/dev/null
hey -n 20 -c 2 -m POST -T application/json -d "$(body 1)" "$BASE/api/auth/login" >/dev/null

hey -z "$DURATION" -c "$CONCURRENCY_VERIFY" -H "Authorization: Bearer $TOKEN" "$BASE/api/auth/verify" >"$WORK/verify.txt"
HEY_PIDS=()
for i in $(seq 1 "$LOGIN_ACCOUNTS"); do
  hey -z "$DURATION" -c 2 -m POST -T application/json -d "$(body "$i")" "$BASE/api/auth/login" >"$WORK/login-$i.txt" &
  HEY_PIDS+=("$!")
done
wait "${HEY_PIDS[@]}"

RSS_KB="$(ps -o rss= -p "$APP_PID" | tr -d ' ')"
echo "auth-svc benchmark — $(date -Iseconds), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "verify  (GET /api/auth/verify, c=$CONCURRENCY_VERIFY, $DURATION): $(rps <"$WORK/verify.txt") req/s," \
     "p50 $(p 50 <"$WORK/verify.txt") ms, p99 $(p 99 <"$WORK/verify.txt") ms; status $(codes <"$WORK/verify.txt")"
LOGIN_RPS="$(cat "$WORK"/login-*.txt | rps | awk '{s += $1} END {printf "%.1f", s}')"
LOGIN_P50="$(for f in "$WORK"/login-*.txt; do p 50 <"$f"; echo; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
echo "login   (POST /api/auth/login, $LOGIN_ACCOUNTS accounts x c=2, $DURATION): $LOGIN_RPS req/s," \
     "median of per-account p50 $LOGIN_P50 ms; status $(for f in "$WORK"/login-*.txt; do codes <"$f"; done)"
echo "JVM RSS after the runs: $((RSS_KB / 1024)) MiB"
