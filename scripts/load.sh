#!/usr/bin/env bash
# Load test of the release server on loopback, in one run:
#   cold start to the first answer, GET /healthz (the HTTP floor),
#   POST /v1/ask with the question set's varied caller questions (with the
#   answer cache, as served, and without it: every question searched),
#   whole phone registrations over the sessions API (one caller, 32 back to
#   back, 1,000 at once pausing between lines as callers do, 1,000 at once
#   with no pause), and memory with 10,000 live sessions.
# Prints a Markdown report (also written to $CARGO_TARGET_DIR/load-report.md).
# Needs wrk (Debian package; installed with apt-get when missing).
#
#   scripts/load.sh                 # defaults below
#   DURATION=10 CONNECTIONS=32 CALLERS=1000 LIVE=10000 scripts/load.sh
#
#   scripts/load.sh ask             # only /healthz and /v1/ask (cached and
#     uncached): the answer path's figures in a minute
#
#   scripts/load.sh nodes [N]       # capacity across nodes instead: whole
#     registrations on one node with SQLite, one node with PostgreSQL, and
#     N nodes (default 2) sharing that PostgreSQL (a throwaway cluster from
#     scripts/postgres), each caller's lines going to the nodes in turn.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"          # seconds per wrk run
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
CALLERS="${CALLERS:-1000}"          # concurrent registrations
PAUSE_MS="${PAUSE_MS:-1000}"        # a caller's average pause between lines
LIVE="${LIVE:-10000}"               # live sessions for the memory figure
TARGET="${CARGO_TARGET_DIR:-target}"
PORT="${PORT:-18080}"
BASE="http://127.0.0.1:$PORT"
UNCACHED_PORT=$((PORT + 1))

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian)…" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
ulimit -n 65536 2>/dev/null || true

echo "building the release binary and the dialogue load generator…" >&2
cargo build --release --quiet --bin hotline --example dialogue_load
BIN="$TARGET/release/hotline"
DIALOGUES="$TARGET/release/examples/dialogue_load"

WORK="$(mktemp -d)"
SERVER_PID=""
UNCACHED_PID=""
NODE_PIDS=""
CLUSTER=""
cleanup() {
  for pid in $SERVER_PID $UNCACHED_PID $NODE_PIDS; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ -n "$CLUSTER" ]; then scripts/postgres stop "$CLUSTER" || true; rm -rf "$CLUSTER"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# Values from a dialogue_load summary: the JSON, then Python expressions
# over it as `d`; prints them space-separated.
summary() {
  local json=$1; shift
  python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(*(eval(e) for e in sys.argv[2:]))" "$json" "$@"
}
# "p50 p99 turns/s" of a dialogue_load summary.
turn_figures() {
  summary "$1" "round(d['turn_ms']['p50'], 2)" "round(d['turn_ms']['p99'], 2)" "round(d['turns_per_second'])"
}

if [ "${1:-}" = nodes ]; then
  NODES="${2:-2}"
  CLUSTER="$(mktemp -d)"
  echo "starting PostgreSQL…" >&2
  DB_URL=$(scripts/postgres start "$CLUSTER")
  # Starts a node on PORT (further arguments go to serve); waits for it.
  start_node() {
    local port=$1; shift
    "$BIN" serve --addr "127.0.0.1:$port" --data-dir "$WORK/node-$port" \
      --ip-rate-per-second 1000000 --ip-burst 1000000 \
      --session-rate-per-second 1000000 --session-burst 1000000 \
      --session-ttl-secs 86400 "$@" > "$WORK/node-$port.log" 2>&1 &
    NODE_PIDS="$NODE_PIDS $!"
    until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
      kill -0 "$!" 2>/dev/null || { cat "$WORK/node-$port.log" >&2; exit 1; }
      sleep 0.05
    done
  }
  stop_nodes() {
    for pid in $NODE_PIDS; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    NODE_PIDS=""
  }
  # A fresh database on the cluster, for one configuration.
  fresh_database() {
    psql -q "$DB_URL" -c "CREATE DATABASE $1" >/dev/null
    echo "${DB_URL%/*}/$1"
  }
  # One table row: back-to-back saturation, then callers pausing.
  measure() {
    local bases=$1 label=$2 b2b paced
    echo "$label: $CONNECTIONS callers back to back…" >&2
    b2b=$("$DIALOGUES" "$bases" "$((CONNECTIONS * 10))" 7 "$CONNECTIONS")
    echo "$label: $CALLERS callers pausing ${PAUSE_MS} ms…" >&2
    paced=$("$DIALOGUES" "$bases" "$CALLERS" 7 "$CALLERS" "$PAUSE_MS")
    read -r B_P50 B_P99 B_RPS < <(turn_figures "$b2b")
    read -r P_P50 P_P99 P_RPS < <(turn_figures "$paced")
    echo "| $label | $B_RPS turns/s | $B_P50 ms | $B_P99 ms | $P_RPS turns/s | $P_P50 ms | $P_P99 ms | $(summary "$b2b" "d['errors']") / $(summary "$paced" "d['errors']") |"
  }
  ROWS=()
  start_node "$PORT"
  ROWS+=("$(measure "$BASE" "1 node, SQLite")")
  stop_nodes
  start_node "$PORT" --database-url "$(fresh_database load_one)"
  ROWS+=("$(measure "$BASE" "1 node, PostgreSQL")")
  stop_nodes
  SHARED=$(fresh_database load_shared)
  BASES=""
  for n in $(seq 0 $((NODES - 1))); do
    start_node "$((PORT + n))" --database-url "$SHARED"
    BASES="${BASES:+$BASES,}http://127.0.0.1:$((PORT + n))"
  done
  ROWS+=("$(measure "$BASES" "$NODES nodes, one PostgreSQL")")
  stop_nodes
  REPORT=$(cat <<MD
Load across nodes $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/Mem:/ {print $2}') GB RAM;
nodes, PostgreSQL $(psql -tA "$DB_URL" -c 'SHOW server_version' | cut -d' ' -f1) (fsync and synchronous commit on) and the load generator all on this machine, loopback.
Whole phone registrations (7 turns each, every turn committed before its reply); with several nodes each caller's lines go to the nodes in turn.

| configuration | back to back ($CONNECTIONS callers): turns/s | p50 | p99 | $CALLERS callers pausing ${PAUSE_MS} ms: turns/s | p50 | p99 | errors |
| --- | --- | --- | --- | --- | --- | --- | --- |
$(printf '%s\n' "${ROWS[@]}")
MD
)
  echo "$REPORT" | tee "$TARGET/load-nodes-report.md"
  exit 0
fi

# The questions, one Lua string each, for varied POST /v1/ask bodies.
{
  echo 'questions = {'
  sed -n 's/^- q: *//p' tests/qa/questions.yaml | sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/  "&",/'
  echo '}'
  cat <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  local q = questions[(counter % #questions) + 1]
  return wrk.format("POST", "/v1/ask", {["Content-Type"] = "application/json"},
                    '{"question":"' .. q .. '"}')
end
LUA
} > "$WORK/ask.lua"
QUESTIONS=$(grep -c '^  "' "$WORK/ask.lua")

now_ms() { date +%s%3N; }

# Cold start: process start to the first answer of POST /v1/ask.
START=$(now_ms)
"$BIN" serve --addr "127.0.0.1:$PORT" --data-dir "$WORK/data" \
  --ip-rate-per-second 1000000 --ip-burst 1000000 \
  --session-rate-per-second 1000000 --session-burst 1000000 \
  --session-ttl-secs 86400 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
until grep -q "listening on" "$WORK/server.log"; do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.005
done
LISTENING=$(now_ms)
curl -sf -X POST "$BASE/v1/ask" -H 'content-type: application/json' \
  -d '{"question":"退休以后回老家养老，医保要办什么手续"}' >/dev/null
FIRST_ANSWER=$(now_ms)
COLD_LISTEN=$((LISTENING - START))
COLD_ANSWER=$((FIRST_ANSWER - START))

# wrk's summary → "rps p50_ms p99_ms non2xx"
run_wrk() {
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
  echo "$out" >> "$WORK/wrk.log"
  local rps p50 p99 bad
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  bad=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") ${bad:-0}"
}
# wrk prints 512.00us, 1.20ms, 2.00s
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else print v }'
}

echo "GET /healthz…" >&2
read -r H_RPS H_P50 H_P99 H_BAD < <(run_wrk "$BASE/healthz")
echo "POST /v1/ask…" >&2
read -r A_RPS A_P50 A_P99 A_BAD < <(run_wrk -s "$WORK/ask.lua" "$BASE/v1/ask")

# The same questions on a second server with the answer cache off, so
# every request is searched and composed.
echo "POST /v1/ask, answer cache off…" >&2
"$BIN" serve --addr "127.0.0.1:$UNCACHED_PORT" --data-dir "$WORK/data-uncached" \
  --ip-rate-per-second 1000000 --ip-burst 1000000 --answer-cache-kb 0 > "$WORK/uncached.log" 2>&1 &
UNCACHED_PID=$!
until curl -sf "http://127.0.0.1:$UNCACHED_PORT/healthz" >/dev/null; do
  kill -0 "$UNCACHED_PID" 2>/dev/null || { cat "$WORK/uncached.log" >&2; exit 1; }
  sleep 0.05
done
read -r U_RPS U_P50 U_P99 U_BAD < <(run_wrk -s "$WORK/ask.lua" "http://127.0.0.1:$UNCACHED_PORT/v1/ask")
kill "$UNCACHED_PID"; wait "$UNCACHED_PID" 2>/dev/null || true; UNCACHED_PID=""

if [ "${1:-}" = ask ]; then
  share() { awk -v a="$1" -v b="$H_RPS" 'BEGIN { printf "%.1f %%", 100 * a / b }'; }
  REPORT=$(cat <<MD
Ask run $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), load average before: $(cut -d' ' -f1-3 /proc/loadavg);
wrk ${THREADS} threads × ${CONNECTIONS} connections × ${DURATION} s, loopback, rate limits lifted; ask bodies cycle through ${QUESTIONS} distinct questions.

| measurement | throughput | p50 | p99 | share of /healthz | target (p99 ≤ 5 ms, ≥ 30 %) |
| --- | --- | --- | --- | --- | --- |
| GET /healthz | ${H_RPS} req/s | ${H_P50} ms | ${H_P99} ms | 100 % | — |
| POST /v1/ask, answer cache on | ${A_RPS} req/s | ${A_P50} ms | ${A_P99} ms | $(share "$A_RPS") | — |
| POST /v1/ask, answer cache off | ${U_RPS} req/s | ${U_P50} ms | ${U_P99} ms | $(share "$U_RPS") | non-2xx ${U_BAD} |
MD
)
  echo "$REPORT" | tee "$TARGET/load-ask-report.md"
  exit 0
fi

echo "one caller at a time…" >&2
read -r O_P50 O_P99 O_RPS < <(turn_figures "$("$DIALOGUES" "$BASE" 20 7 1)")
echo "registrations, $CONNECTIONS callers back to back…" >&2
read -r S_P50 S_P99 S_RPS < <(turn_figures "$("$DIALOGUES" "$BASE" "$((CONNECTIONS * 10))" 7 "$CONNECTIONS")")
echo "$CALLERS registrations at once, callers pausing ${PAUSE_MS} ms between lines…" >&2
PACED_JSON=$("$DIALOGUES" "$BASE" "$CALLERS" 7 "$CALLERS" "$PAUSE_MS")
read -r P_P50 P_P99 P_RPS < <(turn_figures "$PACED_JSON")
P_ERR=$(summary "$PACED_JSON" "d['errors']" "d['registrations']")
echo "$CALLERS registrations at once, no pause…" >&2
DIALOGUE_JSON=$("$DIALOGUES" "$BASE" "$CALLERS" 7)
PEAK_CALLERS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
read -r T_RPS R_RPS T_P50 T_P99 T_TURNS T_REGS T_ERR < <(summary "$DIALOGUE_JSON" \
  "round(d['turns_per_second'], 2)" "round(d['requests_per_second'], 2)" \
  "round(d['turn_ms']['p50'], 2)" "round(d['turn_ms']['p99'], 2)" \
  "d['turns']" "d['registrations']" "d['errors']")

# Sessions stay live (not closed) for the TTL; they are opened 100 at a
# time so the figure is about sessions, not about 10,000 open sockets.
echo "$LIVE live sessions…" >&2
LIVE_JSON=$("$DIALOGUES" "$BASE" "$LIVE" 1 100)
# The server hands freed memory back every 2 s; read it once that has run.
sleep 3
RSS_LIVE_KB=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
PEAK_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
LIVE_OPENED=$(summary "$LIVE_JSON" "d['sessions_opened']")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f %%", 100 * a / b }'; }
mark() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = (dir == "le") ? (v <= t) : (v >= t); print ok ? "met" : "**missed**" }'; }

REPORT=$(cat <<MD
Load run $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/Mem:/ {print $2}') GB RAM;
wrk ${THREADS} threads × ${CONNECTIONS} connections × ${DURATION} s, loopback; ask bodies cycle through ${QUESTIONS} questions.

| measurement | throughput | p50 | p99 | share of /healthz | target | |
| --- | --- | --- | --- | --- | --- | --- |
| GET /healthz | ${H_RPS} req/s | ${H_P50} ms | ${H_P99} ms | 100 % | — | non-2xx ${H_BAD} |
| POST /v1/ask (answer cache on, as served) | ${A_RPS} req/s | ${A_P50} ms | ${A_P99} ms | $(ratio "$A_RPS" "$H_RPS") | ≥ 50 %, p99 ≤ 5 ms: $(mark "$(awk -v a="$A_RPS" -v h="$H_RPS" 'BEGIN{print a/h}')" 0.5 ge) / $(mark "$A_P99" 5 le) | non-2xx ${A_BAD} |
| POST /v1/ask (answer cache off: every question searched) | ${U_RPS} req/s | ${U_P50} ms | ${U_P99} ms | $(ratio "$U_RPS" "$H_RPS") | ≥ 50 %, p99 ≤ 5 ms: $(mark "$(awk -v a="$U_RPS" -v h="$H_RPS" 'BEGIN{print a/h}')" 0.5 ge) / $(mark "$U_P99" 5 le) | non-2xx ${U_BAD} |
| persisted turns, one caller at a time | ${O_RPS} turns/s | ${O_P50} ms | ${O_P99} ms | $(ratio "$O_RPS" "$H_RPS") | p99 ≤ 10 ms: $(mark "$O_P99" 10 le) | |
| persisted turns, ${CALLERS} callers at once pausing ${PAUSE_MS} ms between lines | ${P_RPS} turns/s | ${P_P50} ms | ${P_P99} ms | $(ratio "$P_RPS" "$H_RPS") | p99 ≤ 10 ms: $(mark "$P_P99" 10 le) | errors, registrations: ${P_ERR} |
| persisted turns, ${CONNECTIONS} callers back to back (no pause: saturation) | ${S_RPS} turns/s | ${S_P50} ms | ${S_P99} ms | $(ratio "$S_RPS" "$H_RPS") | p99 ≤ 10 ms: $(mark "$S_P99" 10 le) | |
| persisted turns, ${CALLERS} callers at once, no pause (saturation) | ${T_RPS} turns/s (${R_RPS} req/s with opens) | ${T_P50} ms | ${T_P99} ms | $(ratio "$T_RPS" "$H_RPS") | (queueing: ${CALLERS} callers ÷ throughput) | ${T_TURNS} turns, ${T_REGS} registrations, ${T_ERR} errors |

| measurement | value | target | |
| --- | --- | --- | --- |
| cold start: process start → listening | ${COLD_LISTEN} ms | | |
| cold start: process start → first answer | ${COLD_ANSWER} ms | ≤ 1000 ms | $(mark "$COLD_ANSWER" 1000 le) |
| RSS with ${LIVE_OPENED} more live sessions (after the runs above, 3 s later) | $((RSS_LIVE_KB / 1024)) MB | ≤ 150 MB | $(mark "$((RSS_LIVE_KB / 1024))" 150 le) |
| peak RSS up to the ${CALLERS} simultaneous callers with no pause | $((PEAK_CALLERS_KB / 1024)) MB | | |
| peak RSS over the whole run | $((PEAK_KB / 1024)) MB | | |
MD
)
echo "$REPORT" | tee "$TARGET/load-report.md"
