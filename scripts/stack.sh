#!/usr/bin/env bash
# The local stack behind `make up` / `make down` / `make status`: Kafka, Redis, PostgreSQL and the four
# services as background processes. PIDs in .run/<name>.pid, logs in .run/<name>.log.
# Ready means our own process: its pid is alive and is the one listening on its port (a
# service's /readyz answered by another process does not count). A port that another process
# holds fails `up` before anything starts, naming the port and the holder.
# Redis keeps its data in .run/redis-data (AOF), PostgreSQL in .run/pg-data, across `make down` / `make up`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=../tests/infra/lib.sh
source tests/infra/lib.sh
run="${STACK_RUN_DIR:-$root/.run}"
KAFKA_PORT=${KAFKA_PORT:-9092}
REDIS_PORT=${REDIS_PORT:-6379}
PG_PORT=${PG_PORT:-5432}

# name port: the four services and where they listen.
services=("ingest:${INGEST_PORT:-3000}" "reporter:${REPORTER_PORT:-3001}"
  "consumer:${CONSUMER_PORT:-3002}" "controller:${CONTROLLER_PORT:-3003}")

# The reporter's admin token: made on the first `make up` (160 random bits, hex), kept in
# .run/admin-token (mode 600, outside git) so later starts and scripts use the same one.
admin_token() {
  local file="$run/admin-token"
  if [[ ! -s $file ]]; then
    (umask 077 && od -An -N20 -tx1 /dev/urandom | tr -d ' \n' >"$file")
  fi
  cat "$file"
}

start_service() {
  local name=$1 port=$2
  if pid_alive "$run/$name.pid"; then
    log "$name already running (pid $(cat "$run/$name.pid"))"
    return 0
  fi
  [[ -f services/$name/dist/src/main.js ]] || die "services/$name is not built: run make build"
  rm -f "$run/$name.pid"
  require_free_port "$port" "$name"
  # The command line names the service (node services/<name>/dist/src/main.js) and no other.
  # AUTH is on as in production (AUTH=off make up for an open development stack).
  PORT=$port KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    DATABASE_URL="postgres://evh@127.0.0.1:$PG_PORT/postgres" \
    KAFKAJS_NO_PARTITIONER_WARNING=1 ADMIN_TOKEN="$(admin_token)" AUTH="${AUTH:-on}" \
    OTEL_EXPORTER_OTLP_ENDPOINT="$(otlp_endpoint)" \
    nohup node --enable-source-maps "services/$name/dist/src/main.js" >>"$run/$name.log" 2>&1 </dev/null &
  echo $! >"$run/$name.pid"
}

# ready NAME PORT: NAME's own process listens on PORT and its /readyz answers 200.
ready() {
  local pid
  pid=$(cat "$run/$1.pid" 2>/dev/null) || return 1
  pid_listens "$pid" "$2" && curl -fsS --max-time 2 "http://127.0.0.1:$2/readyz" >/dev/null
}

# preflight: every port this stack needs is free or held by the process of ours that runs
# there, before anything starts, so a taken port leaves no half-started stack behind.
preflight() {
  local line name port
  for line in "redis:$REDIS_PORT" "postgres:$PG_PORT" "kafka:$KAFKA_PORT" "kafka:$((KAFKA_PORT + 1))" "${services[@]}"; do
    name=${line%%:*} port=${line##*:}
    port_taken "$port" || continue
    if pid_alive "$run/$name.pid" && pid_listens "$(cat "$run/$name.pid")" "$port"; then continue; fi
    die "port $port, wanted by $name, is taken by $(port_holder "$port")"
  done
}

# Prometheus on 9090 scraping the services, when `make tools` has built it (optional).
start_prometheus() {
  local bin="$EVH_CACHE/tools/bin/prometheus"
  [[ -x $bin ]] || { log "prometheus not built (make tools): metrics only at each /metrics"; return 0; }
  pid_alive "$run/prometheus.pid" && return 0
  # Optional, so a Prometheus of one's own on 9090 is left alone rather than failing `up`.
  if port_taken 9090; then
    log "prometheus not started: port 9090 is taken by $(port_holder 9090)"
    return 0
  fi
  nohup "$bin" --config.file=manifests/prometheus/prometheus.yml --storage.tsdb.path="$run/prometheus-data" \
    --web.listen-address=127.0.0.1:9090 >>"$run/prometheus.log" 2>&1 </dev/null &
  echo $! >"$run/prometheus.pid"
}

# Jaeger (in memory) for the services' traces, when `make tools` has built it (optional, like
# Prometheus): OTLP/HTTP on JAEGER_OTLP_PORT, the UI on JAEGER_UI_PORT. Started before the
# services, which send their traces there only while it runs.
JAEGER_OTLP_PORT=${JAEGER_OTLP_PORT:-4318}
JAEGER_UI_PORT=${JAEGER_UI_PORT:-16686}
start_jaeger() {
  [[ -x $EVH_CACHE/tools/bin/jaeger ]] || { log "jaeger not built (make tools): no traces"; return 0; }
  pid_alive "$run/jaeger.pid" && return 0
  local port
  for port in "$JAEGER_OTLP_PORT" "$JAEGER_UI_PORT" $((JAEGER_UI_PORT - 1)); do
    if port_taken "$port"; then
      log "jaeger not started: port $port is taken by $(port_holder "$port")"
      return 0
    fi
  done
  bash tests/infra/jaeger.sh start "$run" "$JAEGER_OTLP_PORT" "$JAEGER_UI_PORT" $((JAEGER_UI_PORT - 1)) >/dev/null
}

# The OTLP endpoint the services export to: Jaeger's while it runs, else none (tracing off).
otlp_endpoint() {
  if pid_alive "$run/jaeger.pid"; then echo "http://127.0.0.1:$JAEGER_OTLP_PORT"; fi
}

up() {
  mkdir -p "$run"
  preflight
  start_jaeger
  bash tests/infra/redis.sh start "$run" "$REDIS_PORT"
  bash tests/infra/postgres.sh start "$run" "$PG_PORT" >/dev/null
  bash tests/infra/kafka.sh start "$run" "$KAFKA_PORT"
  for s in "${services[@]}"; do
    [[ -d services/${s%%:*}/src && -f services/${s%%:*}/src/main.ts ]] || continue
    start_service "${s%%:*}" "${s##*:}"
  done
  start_prometheus
  for s in "${services[@]}"; do
    local name=${s%%:*} port=${s##*:}
    [[ -f $run/$name.pid ]] || continue
    if ! wait_ready 60 "$name /readyz" "$(cat "$run/$name.pid")" ready "$name" "$port"; then
      tail -20 "$run/$name.log" >&2
      die "$name did not become ready (log: ${run#"$root"/}/$name.log)"
    fi
  done
  status
  echo
  if pid_alive "$run/jaeger.pid"; then echo "traces: the Jaeger UI at http://127.0.0.1:$JAEGER_UI_PORT"; fi
  echo "admin token (also in ${run#"$root"/}/admin-token): $(admin_token)"
  echo "create a project: curl -s -X POST localhost:${REPORTER_PORT:-3001}/v1/projects \\"
  echo "  -H \"Authorization: Bearer \$(cat ${run#"$root"/}/admin-token)\" -H 'content-type: application/json' -d '{\"name\":\"my app\"}'"
}

status() {
  printf '%-11s %-8s %-24s %s\n' NAME PID ADDRESS STATE
  local line
  for line in "kafka:$KAFKA_PORT" "redis:$REDIS_PORT" "postgres:$PG_PORT" "prometheus:9090" "jaeger:$JAEGER_UI_PORT" "${services[@]}"; do
    local name=${line%%:*} port=${line##*:} state=stopped pid=-
    if pid_alive "$run/$name.pid"; then
      pid=$(cat "$run/$name.pid")
      state=running
      case $name in
        redis) redis_is "$pid" "$port" || state="running, but port $port is not ours" ;;
        kafka | postgres) pid_listens "$pid" "$port" || state="running, but port $port is not ours" ;;
        prometheus | jaeger) ;;
        *) ready "$name" "$port" && state=ready || state=starting ;;
      esac
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
  bash tests/infra/jaeger.sh stop "$run"
  bash tests/infra/kafka.sh stop "$run"
  bash tests/infra/redis.sh stop "$run"
  bash tests/infra/postgres.sh stop "$run"
  log "stopped"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  *) die "usage: stack.sh up|down|status" ;;
esac
