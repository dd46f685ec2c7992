#!/usr/bin/env bash
# npm test: installs what is missing (npm packages, Redis, MariaDB, FerretDB),
# starts the services, then runs lint, type-check and every test suite.
# The last line is mocha's totals as "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/services.sh start || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/ensure-browser.sh >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/ensure-schemathesis.sh || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/ensure-prometheus.sh || { echo "0 passed, 1 failed"; exit 1; }

problems=()
echo "== lint (eslint, prettier)"
npx eslint . || problems+=("eslint")
npx prettier --check . >/dev/null || { npx prettier --list-different .; problems+=("prettier"); }
echo "== type-check (tsc --noEmit)"
npx tsc --noEmit -p tsconfig.json || problems+=("tsc")

# Unit tests first, in a run of their own: they need no server (the schema hook
# in test/support/root-hooks.ts skips a run of unit tests alone), so a unit
# failure is never a service problem. The totals below are the sum of both runs.
mkdir -p test-artifacts
passed=0
failed=0
pending=0
run_mocha() { # <name> <spec globs...>
  local report="test-artifacts/mocha-$1.txt" count
  shift
  npx mocha "$@" 2>&1 | tee "$report"
  local status=${PIPESTATUS[0]}
  count=$(grep -Eo '^ +[0-9]+ failing' "$report" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  passed=$((passed + $(grep -Eo '^ +[0-9]+ passing' "$report" | tail -1 | grep -Eo '[0-9]+' || echo 0)))
  pending=$((pending + $(grep -Eo '^ +[0-9]+ pending' "$report" | tail -1 | grep -Eo '[0-9]+' || echo 0)))
  failed=$((failed + count))
  [ "$status" != 0 ] && [ "$count" = 0 ] && problems+=("mocha ($report) exited $status")
}
echo "== unit tests (no server)"
run_mocha unit 'test/unit/**/*.test.ts'
# After the unit tests, whose drift check compares the committed client types with the schemas.
echo "== build the client (npm run build:client: types from shared/domain/schemas, tsc to client/dist)"
npm run --silent build:client >/dev/null || problems+=("build:client")
echo "== tests (integration, e2e, chaos, fuzz, browser, bench)"
run_mocha servers 'test/integration/**/*.test.ts' 'test/e2e/**/*.test.ts' \
  'test/chaos/**/*.test.ts' 'test/fuzz/**/*.test.ts' 'test/browser/**/*.test.ts' \
  'test/bench/**/*.test.ts'
# §8: every service's e2e suite again with both Redis roles on the local Redis
# Clusters (queues in 3 shards), then what only a cluster can show: keys spread
# over every master, and a master failover under load losing nothing acknowledged.
echo "== tests on the Redis Clusters (SPILLWAY_TEST_REDIS=cluster)"
SPILLWAY_TEST_REDIS=cluster run_mocha cluster \
  test/e2e/users.test.ts test/e2e/listings.test.ts test/e2e/public-api.test.ts \
  test/e2e/customers.test.ts test/e2e/customers-pipeline.test.ts test/e2e/orders.test.ts \
  test/e2e/legacy-orders.test.ts test/e2e/people.test.ts test/e2e/people-import.test.ts \
  test/e2e/bulk.test.ts test/e2e/read-your-write.test.ts 'test/cluster/**/*.test.ts'
[ "$pending" != 0 ] && problems+=("$pending pending tests")

status=0
if [ ${#problems[@]} -gt 0 ]; then
  echo "FAILED: ${problems[*]}"
  status=1
fi
[ "$failed" != 0 ] && status=1
echo "${passed} passed, ${failed} failed"
exit $status
