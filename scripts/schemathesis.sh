#!/usr/bin/env bash
# Issue 12 point 7: Schemathesis against the service's own /openapi.json, every check, 100
# examples per operation, with an admin token. Installs schemathesis in a venv (reused), starts
# the binary (release if built, else debug; built when missing) on a temporary SQLite database,
# and exits with schemathesis's status.
#   scripts/schemathesis.sh [extra st arguments]
#   ST_EXAMPLES=100 ST_VENV=target/schemathesis-venv ZHIHUI_BIN=target/release/zhihui
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${ST_VENV:-target/schemathesis-venv}"
EXAMPLES="${ST_EXAMPLES:-100}"
if [ ! -x "$VENV/bin/st" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet "schemathesis>=4,<5"
fi

BIN="${ZHIHUI_BIN:-}"
if [ -z "$BIN" ]; then
  if [ -x target/release/zhihui ]; then BIN=target/release/zhihui
  else cargo build --quiet --bin zhihui; BIN=target/debug/zhihui; fi
fi

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
export ZHIHUI_BIND="127.0.0.1:$PORT"
export ZHIHUI_DATABASE_URL="sqlite://$WORK/st.db?mode=rwc"
export ZHIHUI_STORAGE_DIR="$WORK/files"
export ZHIHUI_ADMIN_USERNAME=admin
export ZHIHUI_ADMIN_PASSWORD="st-admin-password-1"
# The fuzzer logs in and lodges objections far more often than a person would.
export ZHIHUI_LOGIN_MAX_PER_ADDRESS=1000000
export ZHIHUI_LOGIN_MAX_FAILURES=1000000
export ZHIHUI_OBJECTION_RATE=1000000
export RUST_LOG=warn
"$BIN" serve >"$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
TOKEN="$(curl -fsS -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$ZHIHUI_ADMIN_PASSWORD\"}" \
  "$BASE/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"

# The token must survive the run: logout and logout-all would end it, and a password change
# or disabling the admin would lock the fuzzer out; those operations are left out.
"$VENV/bin/st" --config-file scripts/schemathesis.toml run "$BASE/openapi.json" \
  --checks all \
  --max-examples "$EXAMPLES" \
  --header "Authorization: Bearer $TOKEN" \
  --exclude-path-regex '/auth/logout|/me/password|/users/\{id\}/(disable|reset-password)' \
  --seed 12 \
  "$@"
