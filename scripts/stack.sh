#!/usr/bin/env bash
# The local stack behind `make up` / `make down` / `make status`: Kafka, Redis and the four
# services as background processes. PIDs in .run/<name>.pid, logs in .run/<name>.log.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=../tests/infra/lib.sh
source tests/infra/lib.sh
run="$root/.run"
KAFKA_PORT=${KAFKA_PORT:-9092}
REDIS_PORT=${REDIS_PORT:-6379}

# name port: the four services and where they listen.
services=(ingest:3000 reporter:3001 consumer:3002 controller:3003)

start_service() {
  local name=$1 port=$2
  if pid_alive "$run/$name.pid"; then
    log "$name already running (pid $(cat "$run/$name.pid"))"
    return 0
  fi
  [[ -f services/$name/dist/src/main.js ]] || die "services/$name is not built: run make build"
  # The command line names the service (node services/<name>/dist/src/main.js) and no other.
  PORT=$port KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    KAFKAJS_NO_PARTITIONER_WARNING=1 \
    nohup node --enable-source-maps "services/$name/dist/src/main.js" >>"$run/$name.log" 2>&1 </dev/null &
  echo $! >"$run/$name.pid"
}

ready() { curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null; }

# Prometheus on 9090 scraping the services, when `make tools` has built it (optional).
start_prometheus() {
  local bin="$EVH_CACHE/tools/bin/prometheus"
  [[ -x $bin ]] || { log "prometheus not built (make tools): metrics only at each /metrics"; return 0; }
  pid_alive "$run/prometheus.pid" && return 0
  nohup "$bin" --config.file=manifests/prometheus/prometheus.yml --storage.tsdb.path="$run/prometheus-data" \
    --web.listen-address=127.0.0.1:9090 >>"$run/prometheus.log" 2>&1 </dev/null &
  echo $! >"$run/prometheus.pid"
}

up() {
  mkdir -p "$run"
  bash tests/infra/redis.sh start "$run" "$REDIS_PORT"
  bash tests/infra/kafka.sh start "$run" "$KAFKA_PORT"
  for s in "${services[@]}"; do
    [[ -d services/${s%%:*}/src ]] && [[ -f services/${s%%:*}/src/main.ts ]] || continue
    start_service "${s%%:*}" "${s##*:}"
  done
  start_prometheus
  for s in "${services[@]}"; do
    local name=${s%%:*} port=${s##*:}
    [[ -f $run/$name.pid ]] || continue
    if ! wait_until 60 "$name /readyz" ready "$port"; then
      tail -20 "$run/$name.log" >&2
      die "$name did not become ready (log: .run/$name.log)"
    fi
  done
  status
}

status() {
  printf '%-11s %-8s %-24s %s\n' NAME PID ADDRESS STATE
  local line
  for line in "kafka:$KAFKA_PORT" "redis:$REDIS_PORT" "prometheus:9090" "${services[@]}"; do
    local name=${line%%:*} port=${line##*:} state=stopped pid=-
    if pid_alive "$run/$name.pid"; then
      pid=$(cat "$run/$name.pid")
      state=running
      case $name in kafka | redis | prometheus) ;; *) ready "$port" && state=ready || state=starting ;; esac
    fi
    printf '%-11s %-8s %-24s %s\n' "$name" "$pid" "127.0.0.1:$port" "$state"
  done
}

down() {
  local s
  # Reverse order of start: services first (they drain into Kafka and Redis), then the stores.
  for ((i = ${#services[@]} - 1; i >= 0; i--)); do
    s=${services[$i]}
    stop_pid "$run/${s%%:*}.pid" 15
  done
  stop_pid "$run/prometheus.pid" 10
  bash tests/infra/kafka.sh stop "$run"
  bash tests/infra/redis.sh stop "$run"
  log "stopped"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: stack.sh up|down|status" ;;
esac
