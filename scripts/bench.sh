#!/usr/bin/env bash
# The benchmark suite on both engines (issue 19): `scripts/bench.sh` from the repository root.
# SQLite needs nothing; PostgreSQL is taken from ZHIHUI_BENCH_POSTGRES_URL (default: the local
# server, trust auth, database `test`; each run creates its own databases zhihui_t_*).
# BENCH_SECTIONS / BENCH_SECONDS / BENCH_ACTIVITIES size the run (see benches/suite.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL="${ZHIHUI_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
cargo bench --bench suite --no-run
echo "# SQLite"
env -u ZHIHUI_TEST_DATABASE_URL cargo bench --bench suite
if pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 || [ -n "${ZHIHUI_BENCH_POSTGRES_URL:-}" ]; then
  echo "# PostgreSQL"
  ZHIHUI_TEST_DATABASE_URL="$PG_URL" cargo bench --bench suite
else
  echo "PostgreSQL is not reachable at 127.0.0.1:5432: its half of the suite was skipped" >&2
fi
