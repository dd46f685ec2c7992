# Sourced by services.sh (uses its STATE_DIR, log, die, port_open, wait_port).
# Starts, idempotently, the two local Redis Clusters of SPEC §8 on loopback:
#   queue: 7300-7305, 3 masters + 3 replicas, AOF, noeviction;
#   cache: 7400-7402, 3 masters, no persistence, allkeys-lru.
# Each node keeps its dir, nodes.conf, pidfile and logfile under
# $STATE_DIR/redis-cluster/<port>. A node that is down is started again and
# rejoins from its nodes.conf; fresh nodes are formed into a cluster; a layout
# that cannot become healthy is wiped and formed afresh (with a log line).

CLUSTER_QUEUE_PORTS=(7300 7301 7302 7303 7304 7305)
CLUSTER_CACHE_PORTS=(7400 7401 7402)
# How long a formed cluster may take to converge after nodes came back (with a
# 2 s node timeout a rejoin or a failover settles within a few seconds).
CLUSTER_HEAL_SECONDS="${SPILLWAY_CLUSTER_HEAL_SECONDS:-60}"

cluster_node_dir() { echo "$STATE_DIR/redis-cluster/$1"; }

cluster_replicas() { [ "$1" = queue ] && echo 1 || echo 0; }

cluster_ports() {
  case $1 in
    queue) echo "${CLUSTER_QUEUE_PORTS[@]}" ;;
    cache) echo "${CLUSTER_CACHE_PORTS[@]}" ;;
  esac
}

# Starts one node unless its port already answers. Returns 1 (instead of dying)
# when it does not come up, e.g. on a nodes.conf it refuses to load.
start_cluster_node() {
  local role=$1 port=$2 dir
  dir="$(cluster_node_dir "$port")"
  port_open "$port" && return 0
  mkdir -p "$dir"
  # A pidfile left by a killed node would pass for the new one below.
  rm -f "$dir/redis.pid"
  local args=()
  case $role in
    # No 5 s pause before a diskless full sync: a node that rejoins as a
    # replica is in sync (and counted by WAIT) as soon as it can be.
    queue) args=(--appendonly yes --appendfsync everysec --maxmemory-policy noeviction
      --hash-max-listpack-value 1024 --repl-diskless-sync-delay 0) ;;
    cache) args=(--save '' --appendonly no --maxmemory 256mb --maxmemory-policy allkeys-lru) ;;
  esac
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes \
    --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 2000 \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" "${args[@]}" >/dev/null 2>&1 ||
    return 1
  local pid
  for _ in $(seq 1 50); do
    port_open "$port" && return 0
    pid="$(cat "$dir/redis.pid" 2>/dev/null || true)"
    # It daemonized and then exited: it refused its nodes.conf or another setting.
    [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.2
  done
  log "redis cluster ($role) node $port did not start: $(tail -1 "$dir/redis.log" 2>/dev/null)"
  return 1
}

# SHUTDOWN (a master first lets lagging replicas catch up, up to 10 s); a node
# that does not answer or does not exit is killed through its own pidfile.
stop_cluster_node() {
  local role=$1 port=$2 pidfile pid
  pidfile="$(cluster_node_dir "$port")/redis.pid"
  if [ "$role" = cache ]; then
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
  else
    redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 120); do port_open "$port" || return 0; sleep 0.1; done
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ "$(ps -p "$pid" -o comm= 2>/dev/null)" = redis-server ]; then
    kill -9 "$pid" 2>/dev/null || true
  fi
}

# Prints why the cluster is not healthy, or nothing when it is: every node up,
# `cluster_state:ok` with all 16384 slots as every node sees it, exactly this
# cluster's nodes known, none failing, and each master with its replicas attached.
cluster_unhealthy() {
  local role=$1 replicas ports port info nodes
  replicas="$(cluster_replicas "$role")"
  read -r -a ports <<<"$(cluster_ports "$role")"
  local expected_masters=$((${#ports[@]} / (replicas + 1)))
  for port in "${ports[@]}"; do
    info="$(redis-cli -p "$port" cluster info 2>/dev/null | tr -d '\r')" || { echo "$port does not answer"; return; }
    grep -q '^cluster_state:ok$' <<<"$info" || { echo "$port sees cluster_state not ok"; return; }
    grep -q '^cluster_slots_ok:16384$' <<<"$info" || { echo "$port sees slots not all ok"; return; }
    nodes="$(redis-cli -p "$port" cluster nodes 2>/dev/null | tr -d '\r')" || { echo "$port does not answer"; return; }
    local verdict
    verdict="$(awk -v ports=" ${ports[*]} " -v masters="$expected_masters" -v replicas="$replicas" '
      { split($2, a, "[:@]"); if (index(ports, " " a[2] " ") == 0) bad = bad " foreign node " $2 }
      $3 ~ /fail|handshake|noaddr/ || $8 != "connected" { bad = bad " " a[2] " is " $3 "/" $8 }
      $3 ~ /master/ { m[$1] = a[2]; nm++ }
      $3 ~ /slave/ { r[$4]++ }
      END {
        if (NR != split(ports, x, " ")) bad = bad " knows " NR " nodes"
        if (nm != masters) bad = bad " " nm " masters"
        for (id in m) if (r[id] < replicas) bad = bad " master " m[id] " lacks a replica"
        print bad
      }' <<<"$nodes")"
    [ -n "$verdict" ] && { echo "$port sees:$verdict"; return; }
    # A replica that the master lists is attached only once its link is up (WAIT counts it).
    if grep -q 'myself,slave' <<<"$nodes" &&
      ! redis-cli -p "$port" info replication 2>/dev/null | grep -q '^master_link_status:up'; then
      echo "$port replica link down"; return
    fi
  done
}

# fresh: no node has met another or owns a slot; formed: every node knows
# more than itself and the full slot map; otherwise the layout is broken.
cluster_layout() {
  local role=$1 ports port info fresh=0 formed=0
  read -r -a ports <<<"$(cluster_ports "$role")"
  for port in "${ports[@]}"; do
    info="$(redis-cli -p "$port" cluster info 2>/dev/null | tr -d '\r')" || { echo broken; return; }
    if grep -q '^cluster_known_nodes:1$' <<<"$info" && grep -q '^cluster_slots_assigned:0$' <<<"$info"; then
      fresh=$((fresh + 1))
    elif grep -q "^cluster_known_nodes:${#ports[@]}$" <<<"$info" &&
      grep -q '^cluster_slots_assigned:16384$' <<<"$info" &&
      redis-cli -p "$port" cluster nodes 2>/dev/null | awk -v ports=" ${ports[*]} " '
        { split($2, a, "[:@]"); if (index(ports, " " a[2] " ") == 0) foreign = 1 }
        END { exit foreign }'; then
      formed=$((formed + 1))
    fi
  done
  if [ "$fresh" = "${#ports[@]}" ]; then echo fresh
  elif [ "$formed" = "${#ports[@]}" ]; then echo formed
  else echo broken; fi
}

wait_cluster_healthy() {
  local role=$1 seconds=$2 reason
  for _ in $(seq 1 $((seconds * 5))); do
    reason="$(cluster_unhealthy "$role")"
    [ -z "$reason" ] && return 0
    sleep 0.2
  done
  log "redis cluster ($role) not healthy after ${seconds}s: $reason"
  return 1
}

create_cluster() {
  local role=$1 ports addresses=()
  read -r -a ports <<<"$(cluster_ports "$role")"
  for port in "${ports[@]}"; do addresses+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas "$(cluster_replicas "$role")" \
    --cluster-yes >"$STATE_DIR/log/redis-cluster-$role-create.log" 2>&1 ||
    die "redis cluster ($role) could not be created (see $STATE_DIR/log/redis-cluster-$role-create.log)"
  wait_cluster_healthy "$role" "$CLUSTER_HEAL_SECONDS" ||
    die "redis cluster ($role) created but not healthy (logs in $STATE_DIR/redis-cluster/<port>)"
  log "redis cluster ($role) created on ${ports[*]}"
}

wipe_cluster() {
  local role=$1 ports port
  read -r -a ports <<<"$(cluster_ports "$role")"
  for port in "${ports[@]}"; do stop_cluster_node "$role" "$port"; done
  for port in "${ports[@]}"; do rm -rf "$(cluster_node_dir "$port")"; done
}

start_cluster_nodes() {
  local role=$1 ports port
  read -r -a ports <<<"$(cluster_ports "$role")"
  for port in "${ports[@]}"; do start_cluster_node "$role" "$port" || return 1; done
}

start_redis_cluster() {
  local role=$1 ports
  read -r -a ports <<<"$(cluster_ports "$role")"
  if [ -z "$(cluster_unhealthy "$role")" ]; then
    log "redis cluster ($role) already on ${ports[*]}"
    return 0
  fi
  if start_cluster_nodes "$role"; then
    # A node just restarted from its nodes.conf takes a moment to meet the others again.
    local layout
    for _ in $(seq 1 50); do
      layout="$(cluster_layout "$role")"
      [ "$layout" != broken ] && break
      sleep 0.2
    done
    case "$layout" in
      fresh) create_cluster "$role"; return 0 ;;
      formed)
        # A formed cluster that heals slowly (a rejoining replica's full sync under
        # load) still holds every queued job: never wipe it, fail loudly instead.
        wait_cluster_healthy "$role" "$CLUSTER_HEAL_SECONDS" ||
          die "redis cluster ($role) formed but not healthy after ${CLUSTER_HEAL_SECONDS}s; its data is kept (logs in $STATE_DIR/redis-cluster/<port>)"
        log "redis cluster ($role) up on ${ports[*]}"
        return 0 ;;
    esac
  fi
  # Any node that cannot start, a mix of fresh and formed nodes or a partial
  # slot map: nothing in it can be trusted.
  log "redis cluster ($role): state unrecoverable, wiping $STATE_DIR/redis-cluster/{$(IFS=,; echo "${ports[*]}")} and creating it afresh"
  wipe_cluster "$role"
  start_cluster_nodes "$role" || die "redis cluster ($role) nodes do not start (logs in $STATE_DIR/redis-cluster/<port>)"
  create_cluster "$role"
}

start_redis_clusters() {
  start_redis_cluster queue
  start_redis_cluster cache
}

# Replicas first: a replica left running while its master stops could win an
# election and come back with another layout than the one it was stopped in.
stop_redis_cluster() {
  local role=$1 ports port
  read -r -a ports <<<"$(cluster_ports "$role")"
  for port in "${ports[@]}"; do
    redis-cli -p "$port" role 2>/dev/null | head -1 | grep -q slave && stop_cluster_node "$role" "$port"
  done
  for port in "${ports[@]}"; do stop_cluster_node "$role" "$port"; done
  log "redis cluster ($role) stopped"
}

stop_redis_clusters() {
  stop_redis_cluster queue
  stop_redis_cluster cache
}
