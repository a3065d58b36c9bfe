#!/usr/bin/env bash
# The public API as portals use it (issue 14): 1,000,000 published penalty decisions and
# 1,000,000 directory entities, on SQLite and on PostgreSQL; oha at 16 and 64 clients for
#   - a penalty search by a two-character party name (q=网吧),
#   - a search by credit code,
#   - a detail fetch,
#   - a conditional request of the search answered 304 (If-None-Match with its ETag),
# and, in the same run, the machine's ceiling: examples/ceiling.rs, a trivial warp endpoint whose
# constant JSON body is as large as the search page. The server runs with the default log level
# (GONGSHI_LOG=info: one access line per answer). Server peak RSS (VmHWM) after each backend.
#
# Usage: bash benches/load/portal.sh
# Environment (all optional):
#   COUNT=1000000   BENCH_DIR=/tmp/gongshi-bench   DURATION=15s   CLIENTS="16 64"
#   TODAY=(today in Asia/Shanghai)   PG_URL_BASE=postgres://root@127.0.0.1
#   PG_DB=gongshi_bench_portal (dropped and recreated)   SKIP_PG=1   SKIP_IMPORT=1 (reuse)
#   PORT=18082   CEILING_PORT=18090   BIN=target/release/gongshi (another BIN is not built)
#   NO_BUILD=1 (use target/release/examples/ceiling as it is)
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
COUNT=${COUNT:-1000000}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/gongshi-bench}
DURATION=${DURATION:-15s}
CLIENTS=${CLIENTS:-16 64}
PORT=${PORT:-18082}
CEILING_PORT=${CEILING_PORT:-18090}
TODAY=${TODAY:-$(TZ=Asia/Shanghai date +%F)}
PG_URL_BASE=${PG_URL_BASE:-postgres://root@127.0.0.1}
PG_DB=${PG_DB:-gongshi_bench_portal}
PG_URL=$PG_URL_BASE/$PG_DB
SQLITE_DB=$WORK/portal-$COUNT.db
PENALTIES=$WORK/penalties-$COUNT-$TODAY.csv
ENTITIES=$WORK/entities-$COUNT.csv
BIN=${BIN:-$ROOT/target/release/gongshi}
RESULTS=$WORK/portal-results.tsv
BASE=http://127.0.0.1:$PORT
export PATH="$HOME/.cargo/bin:$PATH"
export GONGSHI_LOG=info

# shellcheck source=benches/load/lib.sh
source "$ROOT/benches/load/lib.sh"
CEILING_PID=
trap 'stop_server; [[ -z $CEILING_PID ]] || kill $CEILING_PID 2>/dev/null || true' EXIT

mkdir -p "$WORK"
: >"$RESULTS"
log "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(free -g | awk '/^Mem:/{print $2" GiB"}')"
prepare_tools
if [[ ${NO_BUILD:-0} != 1 ]]; then
  log "building the ceiling (examples/ceiling.rs)"
  cargo build --release --quiet --example ceiling
fi

generate_portal_data

# setup URL: migrations, seeds, then the generated authorities (API, admin).
setup() { setup_authorities "$1" "$PENALTIES.authorities.json"; }

load() {
  local url=$1 label=$2
  setup "$url"
  import_once "$label-penalties" "$url" penalties "$PENALTIES"
  import_once "$label-entities" "$url" entities "$ENTITIES"
}

if [[ ${SKIP_IMPORT:-0} != 1 ]]; then
  rm -f "$SQLITE_DB" "$SQLITE_DB-wal" "$SQLITE_DB-shm"
  load "$SQLITE_DB" sqlite
  if [[ ${SKIP_PG:-0} != 1 ]]; then
    psql "$PG_URL_BASE/postgres" -q -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
    load "$PG_URL" postgres
    psql "$PG_URL" -q -c 'VACUUM (ANALYZE)'
  fi
fi

# A credit code with decisions, from the file.
CODE=$(python3 - "$PENALTIES" <<'PY'
import collections, csv, sys
rows = csv.reader(open(sys.argv[1], encoding="utf-8"))
next(rows)
codes = collections.Counter(r[2] for r, _ in zip(rows, range(200_000)) if r[2])
print(codes.most_common(1)[0][0])
PY
)

# run BACKEND NAME URL CLIENTS [HEADER]: oha for DURATION after a warm-up; appends
# "run BACKEND NAME CLIENTS p50 p99 req/s statuses bytes" to RESULTS.
run() {
  local backend=$1 name=$2 target=$3 c=$4 header=${5:-} json
  local args=(-z "$DURATION" -c "$c" --no-tui --output-format json)
  [[ -z $header ]] || args+=(-H "$header")
  wait_quiet
  oha -z 2s -c "$c" --no-tui --output-format json ${header:+-H "$header"} "$target" >/dev/null
  json=$WORK/oha-portal-$backend-$c-$(printf '%s' "$name" | sha256sum | cut -c1-8).json
  oha "${args[@]}" "$target" >"$json"
  python3 - "$json" "$backend" "$name" "$c" >>"$RESULTS" <<'PY'
import json, sys
path, backend, name, c = sys.argv[1:]
d = json.load(open(path))
p = d["latencyPercentiles"]
codes = ",".join(f"{k}:{v}" for k, v in sorted(d.get("statusCodeDistribution", {}).items()))
size = d["summary"].get("sizePerRequest") or 0
print("\t".join(["run", backend, name, c, "%.2f" % (p["p50"] * 1000), "%.2f" % (p["p99"] * 1000),
                 "%.0f" % d["summary"]["requestsPerSec"], codes, "%.0f" % size]))
PY
  tail -1 "$RESULTS" >&2
}

measure() {
  local backend=$1 url=$2 search etag id
  start_server "$backend" "$url"
  search="$BASE/api/v1/public/penalties?q=$(urlencode 网吧)&limit=20"
  etag=$(curl -fsI "$search" | sed -n 's/^etag: *//Ip' | tr -d '\r')
  id=$(curl -fs "$search" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
  SEARCH_BYTES=$(curl -fs "$search" | wc -c)
  for c in $CLIENTS; do
    run "$backend" "2-char party name" "$search" "$c"
    run "$backend" "credit code" "$BASE/api/v1/public/penalties?credit_code=$CODE&limit=20" "$c"
    run "$backend" "detail" "$BASE/api/v1/public/penalties/$id" "$c"
    run "$backend" "304 (If-None-Match)" "$search" "$c" "If-None-Match: $etag"
  done
  printf 'rss\t%s\t%s\n' "$backend" "$(server_peak_rss)" >>"$RESULTS"
  tail -1 "$RESULTS" >&2
  stop_server
}

measure sqlite "$SQLITE_DB"
[[ ${SKIP_PG:-0} == 1 ]] || measure postgres "$PG_URL"

log "ceiling: a constant $SEARCH_BYTES-byte JSON body"
"$ROOT/target/release/examples/ceiling" "$CEILING_PORT" "$SEARCH_BYTES" 2>"$WORK/ceiling.log" &
CEILING_PID=$!
sleep 1
for c in $CLIENTS; do run ceiling "constant body" "http://127.0.0.1:$CEILING_PORT/ceiling" "$c"; done
kill $CEILING_PID; CEILING_PID=

echo
echo "## Portal benchmark: $COUNT published decisions + $COUNT entities ($(date -I), $(nproc) cores, GONGSHI_LOG=info, $DURATION per run)"
echo
echo "| backend | request | clients | p50 ms | p99 ms | req/s | % of ceiling | statuses | bytes |"
echo "|---|---|---|---|---|---|---|---|---|"
python3 - "$RESULTS" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
ceiling = {r[3]: float(r[6]) for r in rows if r[0] == "run" and r[1] == "ceiling"}
for r in rows:
    if r[0] != "run":
        continue
    pct = "%.0f %%" % (100 * float(r[6]) / ceiling[r[3]]) if r[3] in ceiling else ""
    print(f"| {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]} | {pct} | {r[7]} | {r[8]} |")
for r in rows:
    if r[0] == "rss":
        print(f"\nServer peak RSS ({r[1]}): {r[2]} MiB", end="")
    if r[0] == "import":
        print(f"\nimport {r[1]}: {r[3]} rows/s, wall {r[4]}, max RSS {r[5]}", end="")
print()
PY
