#!/usr/bin/env bash
# What the server spends on an uncached `POST /v1/ask` against `GET /healthz`,
# in instructions (callgrind), which repeat run to run where wall-clock
# figures on a shared machine do not (BENCHMARKS.md, "Uncached ask").
#
#   scripts/profile-server.sh            # callgrind: instructions per request
#   scripts/profile-server.sh bodies OUT # no callgrind: every answer body and
#                                        # the misses kept, written to OUT and
#                                        # OUT.misses, to `cmp` two builds
#
# The release server runs with the answer cache off and rate limits lifted,
# on a fresh data folder. One client on one keep-alive connection sends 20
# of each request to warm up; then the counters are zeroed and it sends one
# `GET /healthz` per question of the rotation (every `q` of
# tests/qa/questions.yaml, as `scripts/load.sh` sends them), dumps, then
# one `POST /v1/ask` per question, and dumps again. All the server's threads
# are counted, the miss writes included (the client waits for them before
# the last dump). Prints instructions per /healthz, per ask and the ratio;
# the profiles stay in $CARGO_TARGET_DIR/profile-server/ for
# `callgrind_annotate --inclusive=yes`.
#
# NO_BUILD=1 skips building; BIN=path runs that binary instead. Needs
# valgrind and python3 with PyYAML.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET="${CARGO_TARGET_DIR:-target}"
PORT="${PORT:-18090}"
MODE="${1:-callgrind}"
if [ "${NO_BUILD:-}" != 1 ]; then
  echo "building the release binary…" >&2
  cargo build --locked --release --quiet --bin hotline
fi
BIN="${BIN:-$TARGET/release/hotline}"
OUTDIR="$TARGET/profile-server"
mkdir -p "$OUTDIR"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

TOKEN="profile-$RANDOM$RANDOM"
SERVE=(serve --addr "127.0.0.1:$PORT" --data-dir "$WORK/data" --answer-cache-kb 0
  --ip-rate-per-second 1000000 --ip-burst 1000000 --agent-token "$TOKEN")
case "$MODE" in
  callgrind)
    rm -f "$OUTDIR"/server.cg*
    valgrind --tool=callgrind --callgrind-out-file="$OUTDIR/server.cg" \
      "$BIN" "${SERVE[@]}" > "$WORK/server.log" 2>&1 &
    ;;
  bodies)
    OUT="${2:?bodies needs an output file}"
    "$BIN" "${SERVE[@]}" > "$WORK/server.log" 2>&1 &
    ;;
  *) echo "usage: $0 [callgrind | bodies OUT]" >&2; exit 2 ;;
esac
SERVER_PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.2
done

python3 - "$MODE" "$PORT" "$SERVER_PID" "$TOKEN" "${OUT:-}" <<'PY'
import http.client, json, subprocess, sys, time
import yaml

mode, port, pid, token, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
load = lambda f: yaml.safe_load(open(f"tests/qa/{f}", encoding="utf-8"))
tuning = load("questions.yaml")
rotation = [case["q"] for case in tuning]
conn = http.client.HTTPConnection("127.0.0.1", port)

def request(method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        sys.exit(f"{method} {path}: {response.status} {data[:200]!r}")
    return data

def ask(question, region=None):
    body = {"question": question}
    if region is not None:
        body["region"] = region
    return request("POST", "/v1/ask", json.dumps(body, ensure_ascii=False).encode(),
                   {"Content-Type": "application/json"})

def control(flag):
    subprocess.run(["callgrind_control", flag, pid], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def misses():
    return json.loads(request("GET", "/v1/misses?limit=1000", headers={"Authorization": f"Bearer {token}"}))

def is_miss(body):
    # As `server::misses::reason`: refused, or answered below UNSURE_BELOW.
    answer = json.loads(body)
    return not answer["answered"] or answer["confidence"] < ANSWER_THRESHOLD + 0.25

def stored():
    return sum(m["count"] for m in misses()["misses"])

def settle(expected):
    # Miss writes run in the background: wait until all are counted.
    for _ in range(300):
        if stored() >= expected:
            return
        time.sleep(0.2)
    sys.exit(f"only {stored()} of {expected} misses were stored")

ANSWER_THRESHOLD = 0.5

if mode == "bodies":
    frozen = load("frozen.yaml")
    bodies = [ask(q) for q in rotation]
    bodies += [ask(c["q"], c.get("region")) for c in tuning + frozen]
    open(out, "wb").write(b"\n".join(bodies) + b"\n")
    settle(sum(map(is_miss, bodies)))
    listing = misses()["misses"]
    for entry in listing:
        del entry["first_at"], entry["last_at"]
    listing.sort(key=lambda m: (m["question"], m["region"] or "", m["reason"]))
    open(out + ".misses", "w", encoding="utf-8").write(
        "\n".join(json.dumps(m, ensure_ascii=False, sort_keys=True) for m in listing) + "\n")
    print(f"{len(bodies)} answers, {len(listing)} distinct misses, "
          f"{sum(m['count'] for m in listing)} counted")
    sys.exit(0)

warm = [ask(q) for q in rotation[:20]]
for _ in warm:
    request("GET", "/healthz")
settle(sum(map(is_miss, warm)))
before = stored()
control("-z")
for _ in rotation:
    request("GET", "/healthz")
control("-d")
expected = sum(is_miss(ask(q)) for q in rotation)
# The miss writes finish in the background; give them time before the dump.
time.sleep(3)
control("-d")
if stored() - before != expected:
    sys.exit(f"{stored() - before} of {expected} misses stored before the dump")
print(f"{len(rotation)} of each; {expected} asks were misses, stored")
PY

if [ "$MODE" = callgrind ]; then
  total() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}'; }
  N=$(python3 -c "import yaml; print(len(yaml.safe_load(open('tests/qa/questions.yaml'))))")
  HEALTHZ=$(total "$OUTDIR/server.cg.1")
  ASK=$(total "$OUTDIR/server.cg.2")
  awk -v h="$HEALTHZ" -v a="$ASK" -v n="$N" 'BEGIN {
    printf "%d requests each: /healthz %.1f M (%.1f k each), uncached ask %.1f M (%.1f k each), ask / healthz %.2f\n",
      n, h / 1e6, h / n / 1e3, a / 1e6, a / n / 1e3, a / h }'
  echo "profiles: $OUTDIR/server.cg.1 (/healthz), $OUTDIR/server.cg.2 (ask)"
fi
