# Shared by the shell benchmarks (directory.sh, penalties.sh): source it after setting
# WORK, PORT, CONCURRENCY, DURATION, BIN and RESULTS.

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# Waits (up to QUIET_WAIT seconds, default 600) until nobody is compiling, so that a concurrent
# cargo build does not share the two cores with a measurement; the wait is logged.
wait_quiet() {
  local waited=0
  while pgrep -x rustc >/dev/null && ((waited < ${QUIET_WAIT:-600})); do
    ((waited % 30 == 0)) && log "rustc is running; waiting for a quiet machine (${waited}s)"
    sleep 5
    waited=$((waited + 5))
  done
  sleep 2
}

# The 1/5/15-minute load averages and how many rustc processes (someone compiling) are running.
load_avg() { printf '%s; rustc: %s' "$(awk '{print $1", "$2", "$3}' /proc/loadavg)" "$(pgrep -c -x rustc || true)"; }

urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

# Builds the release binary when BIN is the tree's own, and installs oha when it is missing.
prepare_tools() {
  if [[ $BIN == "$ROOT/target/release/gongshi" ]]; then
    log "building the release binary"
    (cd "$ROOT" && cargo build --release --quiet)
  fi
  log "binary: $BIN ($(sha256sum "$BIN" | cut -c1-12)…)"
  if ! command -v oha >/dev/null; then
    log "installing oha"
    cargo install --locked oha
  fi
  log "oha: $(oha --version)"
}

SERVER_PID=
stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}

# start_server LABEL URL: serves the database at URL on PORT and waits for /healthz.
start_server() {
  local label=$1 url=$2
  GONGSHI_DATABASE_URL=$url "$BIN" serve --bind "127.0.0.1:$PORT" 2>"$WORK/serve-$label.log" &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve-$label.log" >&2; return 1; }
    sleep 0.5
  done
  log "$label server up: $(curl -fs "http://127.0.0.1:$PORT/healthz")"
}

# The server's peak resident set so far (VmHWM), in MiB.
server_peak_rss() { awk '/^VmHWM/{printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status"; }

# load_test BACKEND NAME LABEL URL HITS [TOKEN]: a warm-up, then oha for DURATION at CONCURRENCY
# (with TOKEN as a bearer token when given); appends
# "search BACKEND load NAME LABEL HITS p50 p90 p99 req/s non-200" to RESULTS.
load_test() {
  local backend=$1 name=$2 label=$3 target=$4 hits=$5 json load
  local auth=()
  [[ -z ${6:-} ]] || auth=(-H "authorization: Bearer $6")
  wait_quiet
  load=$(load_avg)
  oha -z 3s -c "$CONCURRENCY" --no-tui --output-format json "${auth[@]}" "$target" >/dev/null # warm-up
  json=$WORK/oha-$backend-$(printf '%s' "$name$label" | sha256sum | cut -c1-12).json
  log "$backend: $label ($name, $hits), load $load"
  oha -z "$DURATION" -c "$CONCURRENCY" --no-tui --output-format json "${auth[@]}" "$target" >"$json"
  python3 - "$json" "$backend" "$name" "$label" "$hits" "$load" >>"$RESULTS" <<'PY'
import json, sys
path, backend, name, label, hits, load = sys.argv[1:]
d = json.load(open(path))
p = d["latencyPercentiles"]
ms = lambda k: "%.2f" % (p[k] * 1000)
codes = d.get("statusCodeDistribution", {})
# oha cancels the requests in flight when the duration ends ("aborted due to deadline"): not errors.
errors = {k: v for k, v in d.get("errorDistribution", {}).items() if "deadline" not in k}
bad = sum(v for k, v in codes.items() if k != "200") + sum(errors.values())
print("\t".join(["search", backend, load, name, label, hits, ms("p50"), ms("p90"), ms("p99"),
                 "%.0f" % d["summary"]["requestsPerSec"], str(bad)]))
PY
  tail -1 "$RESULTS" >&2
}

# import_once LABEL URL WHAT FILE: one timed `gongshi import WHAT FILE` into URL; appends
# "import LABEL load rows/s wall rss counts" to RESULTS.
import_once() {
  local label=$1 url=$2 what=$3 file=$4
  local out=$WORK/import-$what-$label.txt tv=$WORK/time-$what-$label.txt load
  wait_quiet
  load=$(load_avg)
  log "import $what $label (load $load)"
  # Penalty decisions generated for a benchmark are published ones moved in (issue 25: a plain
  # import enters them as submitted, awaiting review).
  local extra=()
  [ "$what" = penalties ] && extra=(--already-published)
  GONGSHI_DATABASE_URL=$url /usr/bin/time -v -o "$tv" "$BIN" import "$what" "$file" "${extra[@]}" >"$out"
  cat "$out" >&2
  local rate wall rss counts
  rate=$(sed -n 's/.*(\([0-9]*\) rows\/s).*/\1/p' "$out")
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tv")
  rss=$(awk '/Maximum resident set size/{printf "%.0f MiB", $6/1024}' "$tv")
  counts=$(grep '^rows:' "$out" | tr -s ' ')
  printf 'import\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$load" "$rate" "$wall" "$rss" "$counts" >>"$RESULTS"
}

# token URL NAME ROLE: a fresh account's bearer token (the last line `user add` prints).
token() { GONGSHI_DATABASE_URL=$1 "$BIN" user add --name "$2" --role "$3" | tail -1; }

# setup_authorities URL AUTHORITIES_JSON [SEED_ARGS…]: migrations and seeds (`gongshi seed`
# SEED_ARGS), then the generated authorities created through the API as an admin.
setup_authorities() {
  local url=$1 authorities=$2 admin
  shift 2
  GONGSHI_DATABASE_URL=$url "$BIN" seed "$@" >&2
  admin=$(token "$url" "bench-admin-$RANDOM" admin)
  start_server setup "$url"
  python3 - "$authorities" "$BASE" "$admin" <<'PY'
import json, sys, urllib.request
path, base, token = sys.argv[1:]
for a in json.load(open(path, encoding="utf-8")):
    req = urllib.request.Request(base + "/api/v1/authorities", data=json.dumps(a).encode(), method="POST",
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
PY
  stop_server
}

# generate_portal_data: COUNT decisions dated up to TODAY into PENALTIES (and its authorities
# JSON) and ENTITY_COUNT (default COUNT) entities into ENTITIES, each unless already there
# (portal.sh, distinct.sh).
generate_portal_data() {
  if [[ ! -s $PENALTIES ]]; then
    log "generating $COUNT decisions dated up to $TODAY"
    (cd benches/generators && python3 gen_penalties.py "$COUNT" "$PENALTIES.part" --today "$TODAY")
    mv "$PENALTIES.part.authorities.json" "$PENALTIES.authorities.json"
    mv "$PENALTIES.part" "$PENALTIES"
  fi
  if [[ ! -s $ENTITIES ]]; then
    log "generating ${ENTITY_COUNT:-$COUNT} entities"
    python3 benches/generators/gen_entities.py "${ENTITY_COUNT:-$COUNT}" "$ENTITIES.part"
    mv "$ENTITIES.part" "$ENTITIES"
  fi
}
