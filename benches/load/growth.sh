#!/usr/bin/env bash
# Growth (issue 27): the computed answers (answer cache off, public and staff routes) and the
# imports at 100,000, 1,000,000 and 10,000,000 entities, on SQLite and PostgreSQL, as one table
# that shows how each cost grows. Each size is one run of distinct.sh (LONG=0 CACHED=0), its own
# ceiling in the same run.
#
# The 10,000,000 row keeps 1,000,000 decisions: the issue names entities; a 10,000,000-decision
# import takes about 40 minutes per backend at the rates in RESULTS and the decisions' costs are
# shown growing from 100,000 to 1,000,000 already (written down in benches/RESULTS.md).
#
# Usage: bash benches/load/growth.sh
# Environment (all optional): SIZES="100000:100000 1000000:1000000 1000000:10000000"
#   (decisions:entities), and everything distinct.sh reads (BACKENDS, DURATION, BENCH_DIR, …).
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/gongshi-bench}
SIZES=${SIZES:-100000:100000 1000000:1000000 1000000:10000000}
mkdir -p "$WORK"
runs=()
for size in $SIZES; do
  decisions=${size%%:*} entities=${size##*:}
  out=$WORK/growth-$decisions-$entities.tsv
  COUNT=$decisions ENTITY_COUNT=$entities LONG=0 CACHED=0 bash benches/load/distinct.sh >"$WORK/growth-$decisions-$entities.md"
  cp "$WORK/distinct-results.tsv" "$out"
  NO_BUILD=1
  export NO_BUILD
  runs+=("$size=$out")
done

echo "## Growth: computed answers (answer cache off) and imports ($(date -I), $(nproc) cores)"
echo
python3 - "${runs[@]}" <<'PY'
import sys
runs = []
for arg in sys.argv[1:]:
    size, path = arg.split("=", 1)
    d, e = (int(x) for x in size.split(":"))
    rows = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8")]
    runs.append((d, e, rows))
def label(d, e):
    return f"{d:,} dec. + {e:,} ent."
head = "| backend | workload | " + " | ".join(label(d, e) for d, e, _ in runs) + " |"
print("Each cell: req/s, p99 ms, % of the ceiling in the same run.\n")
print(head)
print("|---|---|" + "---|" * len(runs))
keys = []
for _, _, rows in runs:
    for r in rows:
        if r[0] == "run" and r[1] != "ceiling" and (r[1], r[2]) not in keys:
            keys.append((r[1], r[2]))
for backend, work in keys:
    cells = []
    for _, _, rows in runs:
        ceiling = next((float(r[6]) for r in rows if r[0] == "run" and r[1] == "ceiling"), None)
        r = next((r for r in rows if r[0] == "run" and r[1] == backend and r[2] == work), None)
        cells.append(f"{r[6]}, {r[5]} ms, {100 * float(r[6]) / ceiling:.1f} %" if r and ceiling else "")
    print(f"| {backend} | {work} | " + " | ".join(cells) + " |")
print("| ceiling | constant body | " + " | ".join(
    next((r[6] for r in rows if r[0] == "run" and r[1] == "ceiling"), "") for _, _, rows in runs) + " |")
print("\nImports: rows/s, wall, peak RSS.\n")
print(head)
print("|---|---|" + "---|" * len(runs))
labels = []
for _, _, rows in runs:
    for r in rows:
        if r[0] == "import" and r[1] not in labels:
            labels.append(r[1])
for l in labels:
    backend, what = l.split("-", 1)
    cells = []
    for _, _, rows in runs:
        r = next((r for r in rows if r[0] == "import" and r[1] == l), None)
        cells.append(f"{r[3]}/s, {r[4]}, {r[5]}" if r else "")
    print(f"| {backend} | import {what} | " + " | ".join(cells) + " |")
print("\nServer peak RSS, cache off: " + "; ".join(
    f"{label(d, e)} {r[1]} {r[2]} MiB" for d, e, rows in runs for r in rows if r[0] == "rss-off"))
PY
