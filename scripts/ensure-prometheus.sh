#!/usr/bin/env bash
# Installs Debian's prometheus package (prometheus + promtool) for the
# observability tests: they run their own server on a free port, so the
# package's own service is kept from starting. Idempotent.
set -euo pipefail
command -v promtool >/dev/null && command -v prometheus >/dev/null && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "[prometheus] prometheus/promtool are missing: install Debian's 'prometheus' package" >&2
  exit 1
fi
echo "[prometheus] installing prometheus (apt-get)" >&2
# No daemon on 9090 left behind by the package's postinst.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
fi
install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null 2>&1; }
install || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && install; }
[ "$own_policy" = 1 ] && rm -f "$policy"
command -v promtool >/dev/null
