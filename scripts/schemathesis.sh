#!/usr/bin/env bash
# Fuzzes the running service against api-spec/openapi.yaml with schemathesis (every check), once
# without a token and once as an admin, on a fresh SQLite database with the demo data. Fails on any
# 5xx, any response that violates its schema, any undocumented status code. Deterministic
# generation, 20 examples per operation. Run by .ci/run; needs `cargo build` done and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
venv=target/schemathesis-venv
if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export GONGSHI_DATABASE_URL="$work/gongshi.db"
bin=target/debug/gongshi
"$bin" serve --demo --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
token=$("$bin" user add --name schemathesis --role admin | tail -1)

run() {
  "$venv/bin/st" run api-spec/openapi.yaml --url "http://127.0.0.1:$port" \
    --checks all --max-examples 20 --generation-deterministic "$@"
}
echo "--- without a token"
run
echo "--- as an admin"
run --header "Authorization: Bearer $token"
if grep -qiE "panicked|internal error" "$work/server.log"; then
  echo "FAIL: the server logged a panic or an internal error:" >&2
  grep -iE "panicked|internal error" "$work/server.log" >&2
  exit 1
fi
echo "schemathesis: clean"
