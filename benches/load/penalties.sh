#!/usr/bin/env bash
# Penalty-decision benchmarks (issue 12), on generated data:
#   1. `gongshi import penalties` of COUNT (1,000,000) published decisions (benches/generators/gen_penalties.py,
#      20 authorities created first through the API) into a fresh SQLite file and a fresh
#      PostgreSQL database, then the same file again (a no-op: all unchanged); `seed --demo` adds
#      the demo authority's decisions in every state, so the deadline report has something to say;
#   2. under 16 concurrent clients with oha, on each backend: the public search by a two-character
#      party name, by credit code and by decision number, and the public detail of one decision;
#   3. the staff deadline report (`GET /api/v1/penalties/deadlines`, overdue / due / published
#      late) over all of them: RUNS sequential requests each, median and maximum;
#   4. the server's peak resident set (VmHWM) after all of it.
#
# Usage: bash benches/load/penalties.sh
# Environment (all optional):
#   COUNT=1000000   BENCH_DIR=/tmp/gongshi-bench   DURATION=20s   CONCURRENCY=16   RUNS=15
#   TODAY=(today in Asia/Shanghai)   the day the decisions are dated back from (the server's today)
#   PG_URL_BASE=postgres://root@127.0.0.1   PG_DB=gongshi_bench_penalties (dropped and recreated)
#   SKIP_PG=1   SKIP_IMPORT=1 (reuse the databases)   PORT=18081   BIN=target/release/gongshi
# Each run rewrites $BENCH_DIR/penalties-results.tsv and prints the tables at the end.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
COUNT=${COUNT:-1000000}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/gongshi-bench}
DURATION=${DURATION:-20s}
CONCURRENCY=${CONCURRENCY:-16}
RUNS=${RUNS:-15}
PORT=${PORT:-18081}
TODAY=${TODAY:-$(TZ=Asia/Shanghai date +%F)}
PG_URL_BASE=${PG_URL_BASE:-postgres://root@127.0.0.1}
PG_DB=${PG_DB:-gongshi_bench_penalties}
PG_URL=$PG_URL_BASE/$PG_DB
SQLITE_DB=$WORK/penalties-$COUNT.db
CSV=$WORK/penalties-$COUNT-$TODAY.csv
BIN=${BIN:-$ROOT/target/release/gongshi}
RESULTS=$WORK/penalties-results.tsv
BASE=http://127.0.0.1:$PORT
export PATH="$HOME/.cargo/bin:$PATH"
export GONGSHI_LOG=${GONGSHI_LOG:-warn}

# shellcheck source=benches/load/lib.sh
source "$ROOT/benches/load/lib.sh"
trap stop_server EXIT

mkdir -p "$WORK"
: >"$RESULTS"
log "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(free -g | awk '/^Mem:/{print $2" GiB"}')"
prepare_tools

if [[ -s $CSV ]]; then
  log "reusing $CSV"
else
  log "generating $COUNT decisions dated up to $TODAY into $CSV"
  (cd benches/generators && python3 gen_penalties.py "$COUNT" "$CSV.part" --today "$TODAY")
  mv "$CSV.part.authorities.json" "$CSV.authorities.json"
  mv "$CSV.part" "$CSV"
fi
log "file: $(du -h "$CSV" | cut -f1), sha256 $(sha256sum "$CSV" | cut -c1-16)…"

# setup URL: migrations, seeds and the demo data, then the generated authorities (API, admin).
setup() { setup_authorities "$1" "$CSV.authorities.json" --demo; }


if [[ ${SKIP_IMPORT:-0} != 1 ]]; then
  rm -f "$SQLITE_DB" "$SQLITE_DB-wal" "$SQLITE_DB-shm"
  setup "$SQLITE_DB"
  import_once sqlite-first "$SQLITE_DB" penalties "$CSV"
  import_once sqlite-again "$SQLITE_DB" penalties "$CSV"
  log "sqlite file: $(du -h "$SQLITE_DB" | cut -f1)"
  if [[ ${SKIP_PG:-0} != 1 ]]; then
    psql "$PG_URL_BASE/postgres" -q -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
    setup "$PG_URL"
    import_once pg-first "$PG_URL" penalties "$CSV"
    import_once pg-again "$PG_URL" penalties "$CSV"
    log "postgres database: $(psql "$PG_URL" -Atc "select pg_size_pretty(pg_database_size(current_database()))")"
    log "postgres: VACUUM (ANALYZE)"
    psql "$PG_URL" -q -c 'VACUUM (ANALYZE)'
  fi
fi

# A party with many decisions, one decision number and one id near the middle of the file.
read -r CODE NUMBER < <(python3 - "$CSV" <<'PY'
import collections, csv, sys
rows = csv.reader(open(sys.argv[1], encoding="utf-8"))
next(rows)
codes = collections.Counter()
number = None
for i, r in enumerate(rows):
    if r[2]:
        codes[r[2]] += 1
    if i == 500_000 or number is None:
        number = r[6]
print(codes.most_common(1)[0][0], number)
PY
)

# report BACKEND STATE: RUNS sequential deadline reports; appends "report BACKEND STATE items median max".
report() {
  local backend=$1 state=$2 staff=$3
  wait_quiet
  python3 - "$BASE/api/v1/penalties/deadlines?state=$state" "$staff" "$RUNS" "$backend" "$state" >>"$RESULTS" <<'PY'
import json, statistics, sys, time, urllib.request
url, token, runs, backend, state = sys.argv[1:]
times, items = [], 0
for _ in range(int(runs)):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    t = time.perf_counter()
    body = urllib.request.urlopen(req).read()
    times.append((time.perf_counter() - t) * 1000)
    items = len(json.loads(body)["items"])
print("\t".join(["report", backend, state, str(items), "%.1f" % statistics.median(times), "%.1f" % max(times)]))
PY
  tail -1 "$RESULTS" >&2
}

# measure BACKEND URL
measure() {
  local backend=$1 url=$2 staff id target hits
  staff=$(token "$url" "bench-reviewer-$RANDOM" reviewer)
  start_server "$backend" "$url"
  for entry in "2-char party name|q=$(urlencode 网吧)" "credit code|credit_code=$CODE" \
    "decision number|q=$(urlencode "$NUMBER")"; do
    target="$BASE/api/v1/public/penalties?${entry#*|}&limit=20"
    hits=$(curl -fs "$target" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')
    load_test "$backend" "${entry%%|*}" "${entry#*|}" "$target" "$hits"
  done
  id=$(curl -fs "$BASE/api/v1/public/penalties?q=$(urlencode "$NUMBER")" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
  load_test "$backend" "detail" "/public/penalties/$id" "$BASE/api/v1/public/penalties/$id" 1
  for state in overdue due published_late; do report "$backend" "$state" "$staff"; done
  printf 'rss\t%s\t%s\n' "$backend" "$(server_peak_rss)" >>"$RESULTS"
  tail -1 "$RESULTS" >&2
  stop_server
}

measure sqlite "$SQLITE_DB"
[[ ${SKIP_PG:-0} == 1 ]] || measure postgres "$PG_URL"

echo
echo "## Penalty benchmark: $COUNT published decisions ($(date -I), $(nproc) cores)"
echo
echo "| import | load before | rows/s | wall | max RSS | result |"
echo "|---|---|---|---|---|---|"
awk -F'\t' '$1=="import"{printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7}' "$RESULTS"
echo
echo "| backend | request | query | first page | p50 ms | p90 ms | p99 ms | req/s | non-200 | load before |"
echo "|---|---|---|---|---|---|---|---|---|---|"
awk -F'\t' '$1=="search"{printf "| %s | %s | `%s` | %s | %s | %s | %s | %s | %s | %s |\n", $2, $4, $5, $6, $7, $8, $9, $10, $11, $3}' "$RESULTS"
echo
echo "| backend | deadline report | items | median ms | max ms ($RUNS runs) |"
echo "|---|---|---|---|---|"
awk -F'\t' '$1=="report"{printf "| %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6}' "$RESULTS"
echo
awk -F'\t' '$1=="rss"{printf "Server peak RSS (%s): %s MiB\n", $2, $3}' "$RESULTS"
