#!/usr/bin/env bash
# Installs (if missing) and starts, idempotently, the servers Spillway needs on
# loopback: Redis for the queue (6379, AOF, noeviction), Redis for the cache
# (6380, LRU, no persistence), MariaDB (3306) and FerretDB 1.24.2 (27017), and
# the Redis Clusters of SPEC §8 (queue 7300-7305, cache 7400-7402; see
# redis-cluster.sh). `services.sh cluster [start|stop]` handles only those.
# Data lives outside the git tree, under SPILLWAY_STATE_DIR (~/.spillway).
set -euo pipefail

STATE_DIR="${SPILLWAY_STATE_DIR:-$HOME/.spillway}"
FERRETDB_VERSION="v1.24.2"
MYSQL_DATABASES="${SPILLWAY_MYSQL_DATABASES:-spillway spillway_test spillway_test_1 spillway_test_2 spillway_test_3 spillway_test_4 spillway_test_5 spillway_bench}"
mkdir -p "$STATE_DIR"/{redis-queue,redis-cache,mariadb,ferretdb,run,log}

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 name=$2
  for _ in $(seq 1 100); do port_open "$port" && return 0; sleep 0.2; done
  die "$name did not open port $port (logs in $STATE_DIR/log)"
}

install_debian_packages() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v mariadbd >/dev/null || missing+=(mariadb-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    die "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}) or use 'docker compose up'"
  fi
  log "installing ${missing[*]} (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ferretdb_bin() {
  local gobin
  gobin="$(go env GOBIN 2>/dev/null || true)"
  [ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
  echo "$gobin/ferretdb"
}

install_ferretdb() {
  command -v go >/dev/null || die "Go is needed to install FerretDB $FERRETDB_VERSION (or use 'docker compose up')"
  local bin; bin="$(ferretdb_bin)"
  if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "${FERRETDB_VERSION#v}"; then return 0; fi
  log "installing FerretDB $FERRETDB_VERSION (go install)"
  local scratch="$STATE_DIR/ferretdb-build"
  rm -rf "$scratch"; mkdir -p "$scratch"
  (
    cd "$scratch"
    go mod init spillway.local/ferretdb-build >/dev/null 2>&1
    log "building FerretDB (a few minutes on a fresh machine; output in $STATE_DIR/log/ferretdb-build.log)"
    go get -tool "github.com/FerretDB/FerretDB/cmd/ferretdb@$FERRETDB_VERSION" >>"$STATE_DIR/log/ferretdb-build.log" 2>&1
    # A module-proxy copy lacks the build/version/version.txt that FerretDB's
    # release build generates, and its binary panics at start without it: build
    # from a copy of the same module source with that one file written.
    local src; src="$(go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)"
    cp -r "$src" ferretdb-src && chmod -R u+w ferretdb-src
    echo "$FERRETDB_VERSION" >ferretdb-src/build/version/version.txt
    go mod edit -replace github.com/FerretDB/FerretDB=./ferretdb-src
    go install github.com/FerretDB/FerretDB/cmd/ferretdb >>"$STATE_DIR/log/ferretdb-build.log" 2>&1
  )
  [ -x "$bin" ] || die "FerretDB did not install to $bin"
}

start_redis() {
  local role=$1 port=$2; shift 2
  if port_open "$port"; then
    # Settings that may change between versions of this script apply to a running server too.
    [ "$role" = queue ] && redis-cli -p "$port" config set hash-max-listpack-value 1024 >/dev/null
    log "redis ($role) already on $port"
    return 0
  fi
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes \
    --pidfile "$STATE_DIR/run/redis-$role.pid" --logfile "$STATE_DIR/log/redis-$role.log" \
    --dir "$STATE_DIR/redis-$role" "$@"
  wait_port "$port" "redis ($role)"
  log "redis ($role) started on $port"
}

start_mariadb() {
  local datadir="$STATE_DIR/mariadb/data"
  if ! port_open 3306; then
    if [ ! -d "$datadir/mysql" ]; then
      log "initialising MariaDB datadir"
      mariadb-install-db --no-defaults --user=root --datadir="$datadir" \
        --auth-root-authentication-method=normal --skip-test-db >"$STATE_DIR/log/mariadb-install.log" 2>&1
    fi
    nohup mariadbd --no-defaults --user=root --datadir="$datadir" \
      --bind-address=127.0.0.1 --port=3306 --socket="$STATE_DIR/run/mariadb.sock" \
      --pid-file="$STATE_DIR/run/mariadb.pid" --log-error="$STATE_DIR/log/mariadb.log" \
      --max-connections=500 --innodb-flush-log-at-trx-commit=1 >/dev/null 2>&1 &
    for _ in $(seq 1 100); do
      mariadb-admin -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1 && break; sleep 0.2
    done
    log "mariadb started on 3306"
  else
    log "mariadb already on 3306"
  fi
  mariadb-admin -h127.0.0.1 -P3306 -uroot ping >/dev/null 2>&1 || die "mariadb does not answer (see $STATE_DIR/log/mariadb.log)"
  local sql="CREATE USER IF NOT EXISTS 'spillway'@'%' IDENTIFIED BY 'spillway';"
  for db in $MYSQL_DATABASES; do
    sql+="CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
    sql+="GRANT ALL PRIVILEGES ON \`$db\`.* TO 'spillway'@'%';"
  done
  mariadb -h127.0.0.1 -P3306 -uroot -e "$sql"
}

start_ferretdb() {
  if port_open 27017; then log "ferretdb already on 27017"; return 0; fi
  nohup "$(ferretdb_bin)" --handler=sqlite --sqlite-url="file:$STATE_DIR/ferretdb/" \
    --state-dir="$STATE_DIR/ferretdb" --listen-addr=127.0.0.1:27017 --telemetry=disable \
    --log-level=warn >"$STATE_DIR/log/ferretdb.log" 2>&1 &
  echo $! >"$STATE_DIR/run/ferretdb.pid"
  wait_port 27017 ferretdb
  log "ferretdb started on 27017"
}

# shellcheck source=scripts/redis-cluster.sh
. "$(dirname "${BASH_SOURCE[0]}")/redis-cluster.sh"

stop_all() {
  stop_redis_clusters
  redis-cli -p 6379 shutdown 2>/dev/null || true
  redis-cli -p 6380 shutdown nosave 2>/dev/null || true
  mariadb-admin -h127.0.0.1 -uroot shutdown 2>/dev/null || true
  [ -f "$STATE_DIR/run/ferretdb.pid" ] && kill "$(cat "$STATE_DIR/run/ferretdb.pid")" 2>/dev/null || true
  log "stopped"
}

case "${1:-start}" in
  start)
    install_debian_packages
    install_ferretdb
    start_redis queue 6379 --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
      --hash-max-listpack-value 1024
    start_redis cache 6380 --appendonly no --save '' --maxmemory 256mb --maxmemory-policy allkeys-lru
    start_redis_clusters
    start_mariadb
    start_ferretdb
    ;;
  stop) stop_all ;;
  cluster)
    case "${2:-start}" in
      start) install_debian_packages; start_redis_clusters ;;
      stop) stop_redis_clusters ;;
      *) die "usage: services.sh cluster [start|stop]" ;;
    esac ;;
  *) die "usage: services.sh [start|stop|cluster [start|stop]]" ;;
esac
