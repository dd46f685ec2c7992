#!/usr/bin/env bash
# Installs schemathesis (the OpenAPI fuzzer of test/fuzz/schemathesis.test.ts)
# into a project-local virtualenv, once. Idempotent: a second run does nothing.
set -euo pipefail
VERSION=4.32.5
VENV="$HOME/.spillway/venv"
if "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "version $VERSION\$"; then
  exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
"$VENV/bin/schemathesis" --version
