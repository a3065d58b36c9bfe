#!/usr/bin/env bash
# The browser tests: installs Debian's chromium and playwright-core and axe-core (npm) when
# missing, starts the service with the demo data on a fresh SQLite database, and runs
# scripts/browser/widget.test.mjs against /embed/demo.html (issue 14) and
# scripts/browser/console.test.mjs through the staff console (issue 28). Screenshots go to
# target/browser/.
# Run by .ci/run; needs `cargo build` done.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium, and a CJK font so the screenshots show the Chinese text.
if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei
fi
command -v npm >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
(cd scripts/browser && npm ci --no-audit --no-fund --silent)

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export GONGSHI_DATABASE_URL="$work/gongshi.db"
target/debug/gongshi serve --demo --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
node scripts/browser/widget.test.mjs "http://127.0.0.1:$port" target/browser
node scripts/browser/console.test.mjs "http://127.0.0.1:$port" target/browser
