#!/usr/bin/env bash
# Computed answers and the bounded answer cache (issue 27): public questions that are mostly new,
# as a portal's visitors ask them (each looks up another company, a fragment with an authority and
# a date), over 1,000,000 published decisions and 1,000,000 entities, on SQLite and PostgreSQL.
#
# The path generator writes one file of distinct paths per workload from the generated data (the
# same files and databases as portal.sh); the driver is wrk with benches/load/random_path.lua,
# which picks a random path of its file for every request. Each workload runs twice:
#   - with the answer cache off (GONGSHI_ANSWER_CACHE_MIB=0): every answer computed, whatever the
#     size of the path set: the computed-answer figures;
#   - with the cache at CACHE_MIB (default 16, the server's default): what a portal sees.
# Then the long run: LONG (default 600s) of random paths from 1,000,000 distinct ones with that
# cache, the server's peak RSS (VmHWM) sampled every 10 s. The ceiling (examples/ceiling.rs,
# a constant answer the size of a search page) runs in the same session with the same driver.
#
# Usage: bash benches/load/distinct.sh
# Environment (all optional):
#   COUNT=1000000 (decisions)  ENTITY_COUNT=$COUNT  BENCH_DIR=/tmp/gongshi-bench  DURATION=15s  CLIENTS=16  THREADS=2  LONG=600s (0: skip)
#   CACHE_MIB=16 (the answer cache of the cached runs)  CACHED=0 (skip the cached runs)
#   STAFF=0 (skip the staff's routes)
#   BACKENDS="sqlite postgres"  PG_URL_BASE=postgres://root@127.0.0.1  PG_DB=gongshi_bench_portal
#   SKIP_IMPORT=1 (reuse the databases portal.sh or an earlier run left)  PORT=18082  CEILING_PORT=18090
#   BIN=target/release/gongshi   NO_BUILD=1
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
COUNT=${COUNT:-1000000}
ENTITY_COUNT=${ENTITY_COUNT:-$COUNT}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/gongshi-bench}
DURATION=${DURATION:-15s}
CLIENTS=${CLIENTS:-16}
THREADS=${THREADS:-2}
LONG=${LONG:-600s}
CACHE_MIB=${CACHE_MIB:-16}
PORT=${PORT:-18082}
CEILING_PORT=${CEILING_PORT:-18090}
BACKENDS=${BACKENDS:-sqlite postgres}
TODAY=${TODAY:-$(TZ=Asia/Shanghai date +%F)}
PG_URL_BASE=${PG_URL_BASE:-postgres://root@127.0.0.1}
PG_DB=${PG_DB:-gongshi_bench_portal}
PG_URL=$PG_URL_BASE/$PG_DB
SQLITE_DB=$WORK/portal-$COUNT.db
PATHS=$WORK/paths-$COUNT
if [[ $ENTITY_COUNT != "$COUNT" ]]; then
  SQLITE_DB=$WORK/portal-$COUNT-$ENTITY_COUNT.db
  PATHS=$WORK/paths-$COUNT-$ENTITY_COUNT
fi
PENALTIES=$WORK/penalties-$COUNT-$TODAY.csv
ENTITIES=$WORK/entities-$ENTITY_COUNT.csv
BIN=${BIN:-$ROOT/target/release/gongshi}
RESULTS=$WORK/distinct-results.tsv
BASE=http://127.0.0.1:$PORT
LUA=$ROOT/benches/load/random_path.lua
export PATH="$HOME/.cargo/bin:$PATH"
export GONGSHI_LOG=${GONGSHI_LOG:-warn}

# shellcheck source=benches/load/lib.sh
source "$ROOT/benches/load/lib.sh"
CEILING_PID=
RSS_PID=
trap 'stop_server; [[ -z $CEILING_PID ]] || kill $CEILING_PID 2>/dev/null || true; [[ -z $RSS_PID ]] || kill $RSS_PID 2>/dev/null || true' EXIT

mkdir -p "$WORK" "$PATHS"
: >"$RESULTS"
log "machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2" GiB"}')"
if [[ ${NO_BUILD:-0} != 1 ]]; then
  prepare_tools
  cargo build --release --quiet --example ceiling
fi
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  (apt-get update -qq && apt-get install -y -qq wrk) >&2
fi

generate_portal_data

load() {
  local url=$1 label=$2
  setup_authorities "$url" "$PENALTIES.authorities.json"
  import_once "$label-penalties" "$url" penalties "$PENALTIES"
  import_once "$label-entities" "$url" entities "$ENTITIES"
}

if [[ ${SKIP_IMPORT:-0} != 1 ]]; then
  for backend in $BACKENDS; do
    case $backend in
      sqlite)
        rm -f "$SQLITE_DB" "$SQLITE_DB-wal" "$SQLITE_DB-shm"
        load "$SQLITE_DB" sqlite
        ;;
      postgres)
        psql "$PG_URL_BASE/postgres" -q -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
        load "$PG_URL" postgres
        psql "$PG_URL" -q -c 'VACUUM (ANALYZE)'
        ;;
    esac
  done
fi

# The path generator: one file per workload, each path once, in random order (seeded).
generate_paths() {
  local authorities=$1
  python3 - "$PENALTIES" "$ENTITIES" "$PATHS" "$authorities" <<'PY'
import csv, json, random, sys, urllib.parse
penalties, entities, out, authorities = sys.argv[1:]
rng = random.Random(27)
q = urllib.parse.quote
rows = csv.reader(open(penalties, encoding="utf-8"))
head = next(rows)
NAME, CODE, DATE = (head.index(h) for h in ("行政相对人名称", "行政相对人代码_1（统一社会信用代码）", "处罚决定日期"))
names, codes, dates = [], set(), set()
for r in rows:
    names.append(r[NAME])
    if r[CODE]:
        codes.add(r[CODE])
    dates.add(r[DATE])
frags = sorted({n[i:i + 2] for n in names[:200_000] for i in range(len(n) - 1)
                if all("\u4e00" <= c <= "\u9fff" for c in n[i:i + 2])})
ent = csv.reader(open(entities, encoding="utf-8"))
next(ent)
ent_codes = [r[0] for r in ent]
ids = [a["id"] for a in json.load(open(authorities, encoding="utf-8"))["items"]]
dates = sorted(dates)
def write(name, paths):
    paths = list(paths)
    rng.shuffle(paths)
    with open(f"{out}/{name}.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(paths) + "\n")
    print(f"{name}: {len(paths)} distinct paths", file=sys.stderr)
codes = sorted(codes)
write("penalty-code", (f"/api/v1/public/penalties?credit_code={c}&limit=20" for c in rng.sample(codes, min(300_000, len(codes)))))
write("entity-code", (f"/api/v1/public/entities?credit_code={c}" for c in rng.sample(ent_codes, min(300_000, len(ent_codes)))))
write("fragment", (f"/api/v1/public/penalties?q={q(f)}&limit=20" for f in frags))
mixed = set()
while len(mixed) < 300_000:
    mixed.add(f"/api/v1/public/penalties?q={q(rng.choice(frags))}&authority_id={rng.choice(ids)}&from={rng.choice(dates)}&limit=20")
write("fragment-authority-from", mixed)
long = set()
kinds = [lambda: f"/api/v1/public/penalties?credit_code={rng.choice(codes)}&limit=20",
         lambda: f"/api/v1/public/entities?credit_code={rng.choice(ent_codes)}",
         lambda: f"/api/v1/public/penalties?q={q(rng.choice(frags))}&authority_id={rng.choice(ids)}&from={rng.choice(dates)}&limit=20",
         lambda: f"/api/v1/public/penalties?q={q(rng.choice(frags))}&from={rng.choice(dates)}&limit=20"]
while len(long) < 1_000_000:
    long.add(rng.choice(kinds)())
write("long-tail", long)
PY
}

# drive BACKEND WORKLOAD CACHE FILE [DURATION] [TOKEN]: wrk with a random path of FILE per
# request (with TOKEN as a bearer token when given); appends
# "run BACKEND WORKLOAD CACHE p50 p99 req/s requests non2xx distinct" to RESULTS.
drive() {
  local backend=$1 name=$2 cache=$3 file=$4 duration=${5:-$DURATION} bearer=${6:-} out
  out=$WORK/wrk-$backend-$(printf '%s' "$name$cache" | sha256sum | cut -c1-8).txt
  wait_quiet
  wrk -t"$THREADS" -c"$CLIENTS" -d2s -s "$LUA" "http://127.0.0.1:${TARGET_PORT:-$PORT}" -- "$file" $bearer >/dev/null
  wrk -t"$THREADS" -c"$CLIENTS" -d"$duration" --latency -s "$LUA" "http://127.0.0.1:${TARGET_PORT:-$PORT}" -- "$file" $bearer >"$out"
  python3 - "$out" "$backend" "$name" "$cache" "$(wc -l <"$file")" >>"$RESULTS" <<'PY'
import re, sys
path, backend, name, cache, distinct = sys.argv[1:]
t = open(path).read()
def ms(label):
    m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", t, re.M)
    v, unit = float(m.group(1)), m.group(2)
    return "%.2f" % (v / 1000 if unit == "us" else v * 1000 if unit == "s" else v)
rps = re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)
total = re.search(r"(\d+) requests in", t).group(1)
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print("\t".join(["run", backend, name, cache, ms("50"), ms("99"), "%.0f" % float(rps), total,
                 bad.group(1) if bad else "0", distinct]))
PY
  tail -1 "$RESULTS" >&2
}

# warm BACKEND URL: reads the whole database into the page cache. This machine pages out memory
# nobody touched for a while (DAMON, `/sys/kernel/mm/damon`), so a run that starts minutes after
# the import reads a cold 5 GB file from disk and measures the disk (15 req/s where a warm file
# gives 450); every run starts warm, as a server that has been answering does.
warm() {
  local backend=$1 url=$2
  case $backend in
    sqlite) cat "$url" >/dev/null ;;
    postgres)
      psql "$url" -q -c 'CREATE EXTENSION IF NOT EXISTS pg_prewarm' \
        -c "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i')" >/dev/null ||
        log "pg_prewarm unavailable: PostgreSQL runs cold"
      ;;
  esac
}

measure() {
  local backend=$1 url=$2
  export GONGSHI_ANSWER_CACHE_MIB=0
  warm "$backend" "$url"
  start_server "$backend" "$url"
  curl -fs "$BASE/api/v1/authorities" >"$PATHS/authorities.json"
  [[ -s $PATHS/long-tail.txt ]] || generate_paths "$PATHS/authorities.json"
  SEARCH_BYTES=$(curl -fs "$BASE/api/v1/public/penalties?q=$(urlencode 网吧)&limit=20" | wc -c)
  for w in penalty-code entity-code fragment fragment-authority-from; do
    drive "$backend" "$w" off "$PATHS/$w.txt"
  done
  # The staff's list and search (the console's): the same questions with a token, never kept.
  if [[ ${STAFF:-1} != 0 ]]; then
    local staff
    staff=$(token "$url" "bench-staff-$RANDOM" admin)
    for w in penalty-code entity-code fragment fragment-authority-from; do
      sed 's#^/api/v1/public/#/api/v1/#' "$PATHS/$w.txt" >"$PATHS/staff-$w.txt"
      drive "$backend" "staff-$w" - "$PATHS/staff-$w.txt" "$DURATION" "$staff"
    done
  fi
  printf 'rss-off\t%s\t%s\n' "$backend" "$(server_peak_rss)" >>"$RESULTS"
  stop_server
  if [[ ${CACHED:-1} == 0 ]]; then
    return
  fi
  export GONGSHI_ANSWER_CACHE_MIB=$CACHE_MIB
  start_server "$backend" "$url"
  for w in penalty-code entity-code fragment fragment-authority-from; do
    drive "$backend" "$w" "${CACHE_MIB}MiB" "$PATHS/$w.txt"
  done
  if [[ $LONG != 0 ]]; then
    (while sleep 10; do printf 'rss-sample\t%s\t%s\t%s\n' "$backend" "$(date +%s)" "$(awk '/^VmRSS/{printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status")"; done) >>"$RESULTS" &
    RSS_PID=$!
    drive "$backend" long-tail "${CACHE_MIB}MiB" "$PATHS/long-tail.txt" "$LONG"
    kill $RSS_PID; RSS_PID=
  fi
  printf 'rss\t%s\t%s\n' "$backend" "$(server_peak_rss)" >>"$RESULTS"
  tail -1 "$RESULTS" >&2
  stop_server
}

for backend in $BACKENDS; do
  case $backend in
    sqlite) measure sqlite "$SQLITE_DB" ;;
    postgres) measure postgres "$PG_URL" ;;
  esac
done

log "ceiling: a constant $SEARCH_BYTES-byte JSON body"
"$ROOT/target/release/examples/ceiling" "$CEILING_PORT" "$SEARCH_BYTES" 2>"$WORK/ceiling.log" &
CEILING_PID=$!
sleep 1
printf '/ceiling\n' >"$PATHS/ceiling.txt"
TARGET_PORT=$CEILING_PORT drive ceiling "constant body" - "$PATHS/ceiling.txt"
kill $CEILING_PID; CEILING_PID=

echo
echo "## Distinct paths: $COUNT published decisions + $ENTITY_COUNT entities ($(date -I), $(nproc) cores, $CLIENTS clients, wrk, $DURATION per run)"
echo
echo "| backend | workload | answer cache | distinct paths | p50 ms | p99 ms | req/s | % of ceiling | requests | non-2xx |"
echo "|---|---|---|---|---|---|---|---|---|---|"
python3 - "$RESULTS" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
ceiling = next((float(r[6]) for r in rows if r[0] == "run" and r[1] == "ceiling"), None)
for r in rows:
    if r[0] != "run":
        continue
    pct = "%.1f %%" % (100 * float(r[6]) / ceiling) if ceiling else ""
    print(f"| {r[1]} | {r[2]} | {r[3]} | {r[9]} | {r[4]} | {r[5]} | {r[6]} | {pct} | {r[7]} | {r[8]} |")
for r in rows:
    if r[0] == "rss-off":
        print(f"\nServer peak RSS with the answer cache off ({r[1]}): {r[2]} MiB", end="")
    if r[0] == "rss":
        samples = [int(s[3]) for s in rows if s[0] == "rss-sample" and s[1] == r[1]]
        print(f"\nServer peak RSS ({r[1]}): {r[2]} MiB; during the long run: "
              f"{min(samples, default=0)}–{max(samples, default=0)} MiB", end="")
    if r[0] == "import":
        print(f"\nimport {r[1]}: {r[3]} rows/s, wall {r[4]}, max RSS {r[5]}", end="")
print()
PY
