#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (playwright-core drives it;
# no browser download). Idempotent; prints the executable path.
set -euo pipefail
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "[browser] chromium is missing: install Debian's 'chromium' package" >&2
    exit 1
  fi
  echo "[browser] installing chromium (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  }
fi
command -v chromium
