#!/usr/bin/env bash
# Directory benchmarks (issue 4), on generated data:
#   1. `gongshi import entities` of COUNT (1,000,000) rows into a fresh SQLite file and a fresh
#      PostgreSQL database, then the same file again (must be a no-op: all unchanged);
#   2. the public name search (`GET /api/v1/public/entities?q=…&limit=20`) under 16 concurrent
#      clients with oha, on each backend, for a few two- and four-character queries; a repeated
#      public query is answered from memory (issue 14), so the same queries run again on the staff
#      route (`GET /api/v1/entities?q=…`, backend "…-staff"), which searches on every request.
#
# Usage: bash benches/load/directory.sh
# Environment (all optional):
#   COUNT=1000000            rows to generate and import
#   DATASET=dense            dense: benches/generators/gen_dense.py (4,800 distinct names, every key of a
#                            four-character query common; the categories named as bureau files name
#                            them); zipf: benches/generators/gen_entities.py (Zipf-skewed names, issue 4)
#   GEN_ARGS=                extra arguments for the generator (e.g. --old-labels for a build
#                            before issue 11)
#   BENCH_DIR=/tmp/gongshi-bench   where the CSV (kept and reused), databases and logs go
#   DURATION=20s             oha duration per query;  CONCURRENCY=16
#   PG_URL_BASE=postgres://root@127.0.0.1   PG_DB=gongshi_bench   (PG_DB is dropped and recreated)
#   SKIP_PG=1                SQLite only;   SKIP_SEARCH=1 imports only;   SKIP_IMPORT=1 reuse the DBs
#   PORT=18080
# Each run rewrites $BENCH_DIR/results.tsv and prints the tables at the end.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
COUNT=${COUNT:-1000000}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/gongshi-bench}
DURATION=${DURATION:-20s}
CONCURRENCY=${CONCURRENCY:-16}
PORT=${PORT:-18080}
PG_URL_BASE=${PG_URL_BASE:-postgres://root@127.0.0.1}
PG_DB=${PG_DB:-gongshi_bench}
PG_URL=$PG_URL_BASE/$PG_DB
DATASET=${DATASET:-dense}
GEN_ARGS=${GEN_ARGS:-}
case $DATASET in
  dense) GENERATOR=benches/generators/gen_dense.py ;;
  zipf) GENERATOR=benches/generators/gen_entities.py ;;
  *) echo "DATASET must be dense or zipf" >&2; exit 2 ;;
esac
SQLITE_DB=$WORK/directory-$DATASET-$COUNT.db
CSV=$WORK/$DATASET-$COUNT${GEN_ARGS:+$(printf '%s' "$GEN_ARGS" | tr -c 'a-z0-9' '_')}.csv
BIN=${BIN:-$ROOT/target/release/gongshi}
RESULTS=$WORK/results.tsv
export PATH="$HOME/.cargo/bin:$PATH"
export GONGSHI_LOG=${GONGSHI_LOG:-warn}

# name|query (percent-encoded below). 星光宾馆 matches nothing; its rarest bigram (光宾) has only a
# few postings, so it is answered at once; 国际旅游 matches nothing either, but each of its bigrams
# (国际, 际旅, 旅游) is in ~2-3 % of the names (国际旅行社…, …旅游有限公司), so the search walks a
# whole posting list of some 25,000 entries: the worst case of the bigram index.
QUERIES=(
  "2-char common|网吧"
  "2-char rare|星光"
  "4-char|星光网吧"
  "4-char, no match|星光宾馆"
  "4-char, no match, common bigrams|国际旅游"
)

# shellcheck source=benches/load/lib.sh
source "$ROOT/benches/load/lib.sh"

mkdir -p "$WORK"
: >"$RESULTS"

log "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1), $(free -g | awk '/^Mem:/{print $2" GiB"}')"
prepare_tools

if [[ -s $CSV ]]; then
  log "reusing $CSV"
else
  log "generating $COUNT rows into $CSV"
  # shellcheck disable=SC2086 # GEN_ARGS is a list of words
  python3 "$GENERATOR" "$COUNT" "$CSV.part" $GEN_ARGS
  mv "$CSV.part" "$CSV"
fi
log "file: $(du -h "$CSV" | cut -f1), sha256 $(sha256sum "$CSV" | cut -c1-16)…"


if [[ ${SKIP_IMPORT:-0} != 1 ]]; then
  rm -f "$SQLITE_DB" "$SQLITE_DB-wal" "$SQLITE_DB-shm"
  GONGSHI_DATABASE_URL=$SQLITE_DB "$BIN" migrate >&2
  import_once sqlite-first "$SQLITE_DB" entities "$CSV"
  import_once sqlite-again "$SQLITE_DB" entities "$CSV"
  log "sqlite file: $(du -h "$SQLITE_DB" | cut -f1)"
  if [[ ${SKIP_PG:-0} != 1 ]]; then
    psql "$PG_URL_BASE/postgres" -q -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
    GONGSHI_DATABASE_URL=$PG_URL "$BIN" migrate >&2
    import_once pg-first "$PG_URL" entities "$CSV"
    import_once pg-again "$PG_URL" entities "$CSV"
    log "postgres database: $(psql "$PG_URL" -Atc "select pg_size_pretty(pg_database_size(current_database()))")"
  fi
fi

trap stop_server EXIT

# search BACKEND URL: serves URL and runs oha against each query, first on the public route
# (a repeated query is answered from memory: issue 14), then on the staff route, which computes
# every answer (a token check, then the same search).
search() {
  local backend=$1 url=$2 base=http://127.0.0.1:$PORT entry name q target hits clerk
  clerk=$(token "$url" "bench-clerk-$RANDOM" clerk)
  start_server "$backend" "$url"
  for entry in "${QUERIES[@]}"; do
    name=${entry%%|*}
    q=${entry#*|}
    target="$base/api/v1/public/entities?q=$(urlencode "$q")&limit=20"
    hits=$(curl -fs "$target" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')
    load_test "$backend" "$name" "$q" "$target" "$hits"
  done
  for entry in "${QUERIES[@]}"; do
    name=${entry%%|*}
    q=${entry#*|}
    target="$base/api/v1/entities?q=$(urlencode "$q")&limit=20"
    hits=$(curl -fs -H "authorization: Bearer $clerk" "$target" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')
    load_test "$backend-staff" "$name" "$q" "$target" "$hits" "$clerk"
  done
  stop_server
}

if [[ ${SKIP_SEARCH:-0} != 1 ]]; then
  search sqlite "$SQLITE_DB"
  if [[ ${SKIP_PG:-0} != 1 ]]; then
    # gongshi does not ANALYZE after an import; until autovacuum does, PostgreSQL plans without
    # statistics. Measure that state if it is the current one, then the state after
    # VACUUM (ANALYZE), which is what autovacuum reaches on its own when it is on.
    log "postgres: autovacuum=$(psql "$PG_URL" -Atc 'show autovacuum'), tables with statistics: $(psql "$PG_URL" -Atc "select count(distinct tablename) from pg_stats where tablename in ('entities','entity_name_grams')")/2"
    if [[ $(psql "$PG_URL" -Atc "select count(*) from pg_stats where tablename = 'entity_name_grams'") == 0 ]]; then
      search postgres-no-statistics "$PG_URL"
    fi
    log "postgres: VACUUM (ANALYZE)"
    psql "$PG_URL" -q -c 'VACUUM (ANALYZE)'
    search postgres "$PG_URL"
  fi
fi

echo
echo "## Directory benchmark: $COUNT entities, $DATASET ($(date -I), $(nproc) cores)"
echo
echo "| import | load before | rows/s | wall | max RSS | result |"
echo "|---|---|---|---|---|---|"
awk -F'\t' '$1=="import"{printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7}' "$RESULTS"
echo
echo "| backend | query | kind | first page | p50 ms | p90 ms | p99 ms | req/s | non-200 | load before |"
echo "|---|---|---|---|---|---|---|---|---|---|"
awk -F'\t' '$1=="search"{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, $5, $4, $6, $7, $8, $9, $10, $11, $3}' "$RESULTS"
