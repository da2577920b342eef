#!/usr/bin/env bash
# Runs every test Hoist has, on a fresh machine of this kind as on a developer's: installs what is missing
# (idempotently), starts the services the tests need (PostgreSQL), stops them afterwards, and ends with one
# line "N passed, N failed". Exit status is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DEBIAN_FRONTEND=noninteractive
OUT=${TEST_OUTPUT:-$PWD/test-output}
rm -rf "$OUT"; mkdir -p "$OUT"

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
command -v groovy >/dev/null || need+=(groovy)
# CJK glyphs, so the Chinese pages in the browser tests' screenshots show text, not boxes.
[ -d /usr/share/fonts/truetype/wqy ] || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}" >&2
  (apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}") >"$OUT/apt.log" 2>&1 \
    || { echo "test.sh: apt-get install failed, see $OUT/apt.log" >&2; }
fi

# PostgreSQL: a throwaway cluster on loopback, stopped on exit (reference/deps.md).
PGDIR=""
stop_pg() { [ -n "$PGDIR" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" stop -m fast >/dev/null 2>&1; [ -n "$PGDIR" ] && rm -rf "$PGDIR"; }
trap stop_pg EXIT
if PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1) && [ -n "$PGBIN" ]; then
  # A free port: another PostgreSQL (a developer's, or a run still shutting down) may hold the usual one.
  PGPORT=${PGPORT:-55432}
  while ss -ltn 2>/dev/null | grep -q ":$PGPORT "; do PGPORT=$((PGPORT + 1)); done
  PGDIR=$(mktemp -d -t hoistpg.XXXXXX); chown postgres:postgres "$PGDIR"
  if runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --no-locale >"$OUT/pg.log" 2>&1 &&
     runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
       -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >>"$OUT/pg.log" 2>&1; then
    export HOIST_TEST_POSTGRES="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Password=postgres;Database=hoist_test"
  else
    echo "test.sh: PostgreSQL did not start, see $OUT/pg.log" >&2
  fi
fi

passed=0; failed=0
count() { # file with MTP summary → adds to passed/failed
  local t f s
  t=$(grep -E '^\s*total: [0-9]+' "$1" | tail -1 | grep -oE '[0-9]+')
  f=$(grep -E '^\s*failed: [0-9]+' "$1" | tail -1 | grep -oE '[0-9]+')
  s=$(grep -E '^\s*succeeded: [0-9]+' "$1" | tail -1 | grep -oE '[0-9]+')
  passed=$((passed + ${s:-0})); failed=$((failed + ${f:-0}))
}

echo "test.sh: building" >&2
if ! dotnet build Hoist.slnx -c Release -nologo -clp:ErrorsOnly >"$OUT/build.log" 2>&1; then
  cat "$OUT/build.log" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

echo "test.sh: running .NET tests" >&2
# Exit code 8 = a test project with zero tests; that is not a failure of the others.
dotnet test --solution Hoist.slnx -c Release --no-build --ignore-exit-code 8 \
  --results-directory "$OUT/results" --report-xunit-trx 2>&1 | tee "$OUT/dotnet-test.log" >&2
rc=${PIPESTATUS[0]}
count "$OUT/dotnet-test.log"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=$((failed + 1)); echo "test.sh: dotnet test exited $rc" >&2; fi

# Tests of the CI integrations that do not run on .NET (Groovy step, shell scripts).
for t in integrations/*/test.sh; do
  [ -x "$t" ] || continue
  echo "test.sh: $t" >&2
  if out=$("$t" 2>&1); then passed=$((passed + 1)); else failed=$((failed + 1)); echo "$out" >&2; fi
done

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
