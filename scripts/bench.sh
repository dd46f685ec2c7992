#!/usr/bin/env bash
# npm run bench: like npm start and npm test, installs what is missing and
# starts the local servers first, so it runs on a fresh clone. The benchmark
# applies its own migrations and resets its own stores. Arguments (e.g. --quick)
# go to bench/run.ts.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh
bash scripts/services.sh start
if [ "${1:-}" = "--bulk-drain" ]; then
  exec node --import tsx bench/bulk-drain.ts
fi
if [ "${1:-}" = "--tracing" ]; then
  exec node --import tsx bench/tracing.ts
fi
if [ "${1:-}" = "--cluster" ]; then
  exec node --import tsx bench/cluster.ts
fi
if [ "${1:-}" = "--client" ]; then
  exec node --import tsx bench/client.ts
fi
if [ "${1:-}" = "--steady" ]; then
  exec node --import tsx bench/steady.ts
fi
if [ "${1:-}" = "--bulk" ]; then
  exec node --import tsx bench/bulk-only.ts
fi
exec node --import tsx bench/run.ts "$@"
