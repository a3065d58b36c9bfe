#!/usr/bin/env bash
# The random draw end to end through the API at province scale (issue 13), on generated data:
#   1. 1,000,000 entities (benches/generators/gen_entities.py) imported into a fresh database, 1,000
#      inspectors covering their ten categories (certificates valid 2020–2030), 10,000 declared
#      conflicts (POST /api/v1/inspectors/{id}/conflicts, each with a random entity), and one
#      inspection item whose 抽查对象 are those ten categories;
#   2. a plan drawing 50,000 entities with teams of two: the timed requests are the announcement
#      (freezing the 1,000,000-code snapshot and the roster), the draw (run the day after, under
#      faketime, since a source must not be known at announcement), the public bundle, the public
#      plan detail;
#   3. the bundle verified by `gongshi draw verify` and by verifier/verify_draw.py against the public
#      plan saved after the announcement (--announced), each timed;
#   4. the server's peak resident set (VmHWM).
#
# Usage: bash benches/load/draw_api.sh
# Environment (all optional):
#   COUNT=1000000  PICKS=50000  INSPECTORS=1000  CONFLICTS=10000  BENCH_DIR=/tmp/gongshi-bench
#   BACKENDS="sqlite postgres"  PG_URL_BASE=postgres://root@127.0.0.1  PG_DB=gongshi_bench_draw
#   PORT=18082  BIN=target/release/gongshi   SKIP_PY=1 (skip the Python verifier)
#   SKIP_SETUP=1 (reuse the databases of an earlier run: a new plan on the same data)
# Each run rewrites $BENCH_DIR/draw-results.tsv and prints a table at the end.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
COUNT=${COUNT:-1000000}
PICKS=${PICKS:-50000}
INSPECTORS=${INSPECTORS:-1000}
CONFLICTS=${CONFLICTS:-10000}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/gongshi-bench}
PORT=${PORT:-18082}
BACKENDS=${BACKENDS:-sqlite postgres}
PG_URL_BASE=${PG_URL_BASE:-postgres://root@127.0.0.1}
PG_DB=${PG_DB:-gongshi_bench_draw}
BIN=${BIN:-$ROOT/target/release/gongshi}
RESULTS=$WORK/draw-results.tsv
BASE=http://127.0.0.1:$PORT
CONCURRENCY=1
DURATION=1s
export PATH="$HOME/.cargo/bin:$PATH"
export GONGSHI_LOG=${GONGSHI_LOG:-warn}
# Every run draws from the whole directory: earlier runs' selections do not count against it.
export GONGSHI_DRAW_YEARLY_CAP=0
mkdir -p "$WORK"
: >"$RESULTS"
# shellcheck source=benches/load/lib.sh
source benches/load/lib.sh
trap stop_server EXIT

prepare_tools
if ! dpkg -s libfaketime >/dev/null 2>&1; then
  log "installing libfaketime"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime
fi
FAKETIME_LIB=$(dpkg -L libfaketime | grep 'libfaketimeMT\.so\.1$' | head -1)

ENTITIES=$WORK/entities-$COUNT.csv
[[ -s $ENTITIES ]] || { log "generating $COUNT entities"; python3 benches/generators/gen_entities.py "$COUNT" "$ENTITIES"; }
ROSTER=$WORK/inspectors-$INSPECTORS.csv
python3 - "$INSPECTORS" "$ROSTER" <<'PY'
import csv, importlib.util, random, sys
n, out = int(sys.argv[1]), sys.argv[2]
spec = importlib.util.spec_from_file_location("g", "benches/generators/gen_entities.py")
g = importlib.util.module_from_spec(spec); spec.loader.exec_module(g)
categories = list(g.CATEGORIES)
rng = random.Random(13)
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["姓名", "执法证号", "证件有效期起", "证件有效期止", "所属单位", "执法领域", "状态"])
    for i in range(n):
        # Every inspector covers two categories; category k is covered by about 200 of them.
        fields = [categories[i % len(categories)], categories[(i * 7 + 3) % len(categories)]]
        w.writerow([f"检查员{i:04d}", f"6401002020{i:04d}", "2020-01-01", "2030-12-31",
                    "全省文化市场综合执法总队", "；".join(dict.fromkeys(fields)), "在岗"])
PY

# setup BACKEND URL: a fresh database with the directory, roster, conflicts and the item.
setup() {
  local backend=$1 url=$2
  if [[ -n ${SKIP_SETUP:-} ]]; then
    start_server "$backend" "$url"
    return
  fi
  GONGSHI_DATABASE_URL=$url "$BIN" migrate >/dev/null
  import_once "$backend" "$url" entities "$ENTITIES"
  GONGSHI_DATABASE_URL=$url "$BIN" import inspectors "$ROSTER" >/dev/null
  start_server "$backend" "$url"
  local admin
  admin=$(GONGSHI_DATABASE_URL=$url "$BIN" user add --name "bench-admin" --role admin --token-ttl-hours 96 | tail -1)
  log "$backend: declaring $CONFLICTS conflicts"
  python3 - "$BASE" "$admin" "$CONFLICTS" "$ENTITIES" <<'PY'
import csv, http.client, json, random, sys, urllib.parse
base, token, n, entities = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
u = urllib.parse.urlparse(base)
c = http.client.HTTPConnection(u.hostname, u.port)
h = {"authorization": f"Bearer {token}", "content-type": "application/json"}
def call(method, path, body=None):
    c.request(method, path, body=None if body is None else json.dumps(body), headers=h)
    r = c.getresponse(); data = r.read()
    if r.status >= 300:
        sys.exit(f"{method} {path}: {r.status} {data[:300]!r}")
    return json.loads(data) if data else None
ids, cursor = [], None
while True:
    page = call("GET", "/api/v1/inspectors?limit=100" + (f"&cursor={cursor}" if cursor else ""))
    ids += [i["id"] for i in page["items"]]
    cursor = page["next_cursor"]
    if not cursor:
        break
with open(entities, encoding="utf-8") as f:
    codes = [row[0] for i, row in enumerate(csv.reader(f)) if i > 0]
rng = random.Random(10)
for k in range(n):
    call("POST", f"/api/v1/inspectors/{rng.choice(ids)}/conflicts",
         {"credit_code": rng.choice(codes), "reason": "近亲属在该单位任职（基准测试）"})
item = call("POST", "/api/v1/inspection-items", {
    "code": "province_wide_bench", "field": "文化市场", "name": "全省文化旅游市场双随机抽查（基准测试）",
    "content": "经营资质、日常经营行为", "kind": "一般", "basis": "《文化市场综合行政执法管理办法》",
    "subject": "全省文化市场综合执法总队",
    "categories": ["互联网上网服务营业场所", "娱乐场所", "旅行社", "星级饭店", "A级旅游景区", "演出场所",
                   "文艺表演团体", "演出经纪机构", "艺术品经营单位", "网络文化经营单位"],
    "effective_from": "2020-01-01"})
print(item["id"])
PY
}

# timed LABEL BACKEND METHOD PATH TOKEN [BODY]: one request; appends "request BACKEND LABEL
# seconds bytes status" to RESULTS and leaves the body in $WORK/last.json.
timed() {
  local label=$1 backend=$2 method=$3 path=$4 token=$5 body=${6:-}
  local args=(-s -o "$WORK/last.json" -w '%{time_total}\t%{size_download}\t%{http_code}' -X "$method" "$BASE$path")
  [[ -n $token ]] && args+=(-H "authorization: Bearer $token")
  [[ -n $body ]] && args+=(-H 'content-type: application/json' -d "$body")
  wait_quiet
  local out
  out=$(curl "${args[@]}")
  local rss
  rss=$(awk '/^VmRSS/{printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status")
  printf 'request\t%s\t%s\t%s\t%s\t%s\n' "$backend" "$label" "$out" "$rss" "$(server_peak_rss)" >>"$RESULTS"
  log "$backend: $label: $out; server RSS now $rss MiB, peak $(server_peak_rss) MiB"
  [[ $(cut -f3 <<<"$out") == 2* ]] || { head -c 600 "$WORK/last.json" >&2; return 1; }
}

run() {
  local backend=$1 url=$2
  setup "$backend" "$url"
  local clerk reviewer tomorrow plan
  local suffix=$RANDOM
  clerk=$(GONGSHI_DATABASE_URL=$url "$BIN" user add --name "bench-clerk-$suffix" --role clerk --token-ttl-hours 96 | tail -1)
  reviewer=$(GONGSHI_DATABASE_URL=$url "$BIN" user add --name "bench-reviewer-$suffix" --role reviewer --token-ttl-hours 96 | tail -1)
  tomorrow=$(TZ=Asia/Shanghai date -d tomorrow +%F)
  local item
  item=$(curl -fs "$BASE/api/v1/public/inspection-items" | python3 -c 'import json,sys; print([i["id"] for i in json.load(sys.stdin)["items"] if i["code"]=="province_wide_bench"][0])')
  timed "create plan" "$backend" POST /api/v1/plans "$clerk" "{\"title\":\"全省双随机抽查（基准测试）\",\"item_ids\":[$item],\"sample_size\":$PICKS,\"team_size\":2,\"random_sources\":[{\"description\":\"双色球 $tomorrow\",\"available_on\":\"$tomorrow\"},{\"description\":\"上证综指 $tomorrow 收盘\",\"available_on\":\"$tomorrow\"}],\"planned_month\":\"${tomorrow:0:7}\",\"responsible_unit\":\"全省文化市场综合执法总队\"}"
  plan=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/last.json")
  timed "announce (freeze $COUNT codes and the roster)" "$backend" POST "/api/v1/plans/$plan/announce" "$reviewer"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("snapshot", d["snapshot"], "sample", d["sample"], "stage2", d["stage2_sha256"])' "$WORK/last.json" >&2
  # The public page as an outsider saves it on the day of the announcement (issue 26).
  timed "public plan page at announcement (with the frozen roster)" "$backend" GET "/api/v1/public/plans/$plan" ""
  cp "$WORK/last.json" "$WORK/plan-announced-$backend.json"
  stop_server
  # The next day: the sources are known.
  # libfaketime preloaded into the server itself (the faketime wrapper would be another process).
  GONGSHI_DATABASE_URL=$url FAKETIME="+1d" LD_PRELOAD=$FAKETIME_LIB \
    "$BIN" serve --bind "127.0.0.1:$PORT" 2>"$WORK/serve-$backend-next.log" &
  SERVER_PID=$!
  for _ in $(seq 1 600); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
  log "$backend server up the next day: $(curl -fs "$BASE/api/v1/calendar/today")"
  timed "draw ($PICKS picks, teams of 2)" "$backend" POST "/api/v1/plans/$plan/draw" "$reviewer" '{"sources":[[3,7,12,19,26,31],[338862]]}'
  timed "public bundle" "$backend" GET "/api/v1/public/plans/$plan/bundle" ""
  cp "$WORK/last.json" "$WORK/bundle-$backend.json"
  timed "public bundle (again)" "$backend" GET "/api/v1/public/plans/$plan/bundle" ""
  timed "public plan detail" "$backend" GET "/api/v1/public/plans/$plan" ""
  timed "staff plan detail" "$backend" GET "/api/v1/plans/$plan" "$clerk"
  printf 'rss\t%s\t%s MiB\n' "$backend" "$(server_peak_rss)" >>"$RESULTS"
  stop_server
  local tv=$WORK/time-verify-$backend.txt
  wait_quiet
  /usr/bin/time -v -o "$tv" "$BIN" draw verify "$WORK/bundle-$backend.json" --announced "$WORK/plan-announced-$backend.json" >&2
  printf 'verify\t%s\tgongshi draw verify\t%s\t%s\n' "$backend" \
    "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tv")" \
    "$(awk '/Maximum resident set size/{printf "%.0f MiB", $6/1024}' "$tv")" >>"$RESULTS"
  if [[ -z ${SKIP_PY:-} ]]; then
    wait_quiet
    /usr/bin/time -v -o "$tv" python3 verifier/verify_draw.py bundle "$WORK/bundle-$backend.json" --announced "$WORK/plan-announced-$backend.json" >&2
    printf 'verify\t%s\tverifier/verify_draw.py\t%s\t%s\n' "$backend" \
      "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tv")" \
      "$(awk '/Maximum resident set size/{printf "%.0f MiB", $6/1024}' "$tv")" >>"$RESULTS"
  fi
}

for backend in $BACKENDS; do
  case $backend in
    sqlite)
      db=$WORK/draw-$COUNT.db
      [[ -n ${SKIP_SETUP:-} ]] || rm -f "$db" "$db-wal" "$db-shm"
      run sqlite "$db"
      ;;
    postgres)
      [[ -n ${SKIP_SETUP:-} ]] ||
        psql "$PG_URL_BASE/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
      run postgres "$PG_URL_BASE/$PG_DB"
      ;;
  esac
done

echo
echo "| backend | request | seconds | bytes | status | server RSS after (MiB) | peak so far (MiB) |"
echo "|---|---|---|---|---|---|---|"
awk -F'\t' '$1=="request"{printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8}' "$RESULTS"
echo
awk -F'\t' '$1=="verify"{printf "verify %s: %s in %s, max RSS %s\n", $2, $3, $4, $5} $1=="rss"{printf "server peak RSS %s: %s\n", $2, $3} $1=="import"{printf "import %s: %s rows/s, %s\n", $2, $4, $5}' "$RESULTS"
