#!/usr/bin/env bash
# Answers from memory, two binaries side by side (issue 24): the demo data seeded once, copied for
# each binary; each serves in turn while wrk (2 threads, 16 connections, 8 s) repeats one public
# question that is answered from memory; ROUNDS rounds, alternating, so both meet the same noise.
#
#   bash benches/ab/cached.sh OLD_BINARY NEW_BINARY [ROUNDS]
set -euo pipefail
old=$1 new=$2 rounds=${3:-3}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export GONGSHI_LOG=warn
GONGSHI_DATABASE_URL=$dir/base.db "$old" seed --demo >/dev/null
run() {
  local name=$1 bin=$2 port=$3
  cp "$dir/base.db" "$dir/$name.db"
  GONGSHI_DATABASE_URL=$dir/$name.db "$bin" serve --bind "127.0.0.1:$port" 2>/dev/null &
  local pid=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  for path in "/api/v1/public/entities?q=%E6%98%9F%E5%85%89" "/api/v1/public/penalties?limit=20"; do
    curl -s -o /dev/null "http://127.0.0.1:$port$path"
    printf '%s\t%s\t%s\n' "$name" "$path" \
      "$(wrk -t2 -c16 -d8s "http://127.0.0.1:$port$path" | awk '/Requests\/sec/ {print $2}')"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for _ in $(seq 1 "$rounds"); do run old "$old" 18101; run new "$new" 18102; done
