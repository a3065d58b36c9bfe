#!/usr/bin/env bash
# A/B replay of two gongshi binaries (issue 24): one database prepared with OLD (demo data, three
# accounts and their tokens), copied twice; OLD serves one copy and NEW the other, both with the
# clock frozen at the same instant (libfaketime), and benches/ab/replay.py sends the same requests
# to both and prints every difference.
#
#   bash benches/ab/run.sh OLD_BINARY NEW_BINARY
set -euo pipefail
old=$1 new=$2
cd "$(dirname "$0")/../.."
command -v faketime >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime; }
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
export FAKETIME="2026-12-07 10:00:00" FAKETIME_DONT_FAKE_MONOTONIC=1
lib=$(dpkg -L libfaketime 2>/dev/null | grep 'libfaketime.so.1$' | head -1)
export LD_PRELOAD=$lib GONGSHI_LOG=warn
GONGSHI_DATABASE_URL=$dir/base.db "$old" seed --demo >/dev/null
token() { GONGSHI_DATABASE_URL=$dir/base.db "$old" user add --name "$1" --role "$2" | tail -1; }
printf '{"admin":"%s","clerk":"%s","reviewer":"%s"}\n' "$(token ab-admin admin)" \
  "$(token ab-clerk clerk)" "$(token ab-reviewer reviewer)" > "$dir/tokens.json"
for side in a b; do cp "$dir/base.db" "$dir/$side.db"; done
GONGSHI_DATABASE_URL=$dir/a.db "$old" serve --demo --bind 127.0.0.1:18081 2>"$dir/a.log" &
GONGSHI_DATABASE_URL=$dir/b.db "$new" serve --demo --bind 127.0.0.1:18082 2>"$dir/b.log" &
for port in 18081 18082; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
done
unset LD_PRELOAD
python3 benches/ab/replay.py http://127.0.0.1:18081 http://127.0.0.1:18082 "$dir/tokens.json"
