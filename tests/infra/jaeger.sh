#!/usr/bin/env bash
# Jaeger (v2, in-memory storage) for the trace tests and `make up`.
#   jaeger.sh start RUN OTLP_PORT QUERY_PORT [GRPC_PORT]
#       RUN/jaeger.pid, RUN/jaeger.log, RUN/jaeger.yaml; prints the env the services and
#       tests use: OTEL_EXPORTER_OTLP_ENDPOINT (OTLP/HTTP) and JAEGER_QUERY_URL (UI and API)
#   jaeger.sh stop RUN
# Only what we use listens, all on 127.0.0.1: the OTLP/HTTP receiver, the query service's
# HTTP (UI, /api) and its gRPC port (it always opens one; GRPC_PORT, default a free one).
# No health, metrics or sampling ports, so nothing collides with the usual defaults. A taken
# port fails at once, naming its holder; ready means our own process answers /api/services.
# The binary comes from the toolchain (`bash tests/infra/tools.sh build jaeger`, cached).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"
# shellcheck source=tools/lib.sh
source "$here/tools/lib.sh"

bin="$EVH_CACHE/tools/bin/jaeger"

write_config() {
  local file=$1 otlp=$2 query=$3 grpc=$4
  cat >"$file" <<EOF
# Written by tests/infra/jaeger.sh.
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 50000
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:$query
    grpc:
      endpoint: 127.0.0.1:$grpc
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:$otlp
processors:
  batch:
    # Spans are searchable a moment after they arrive, not after the default 200 ms batch.
    timeout: 50ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
EOF
}

start() {
  local run=$1 otlp=$2 query=$3 grpc=${4:-}
  [[ -x $bin ]] || bash "$here/tools.sh" build jaeger >&2
  [[ -n $grpc ]] || grpc=$(free_port)
  mkdir -p "$run"
  if ! pid_alive "$run/jaeger.pid"; then
    require_free_port "$otlp" "jaeger's OTLP receiver in $run"
    require_free_port "$query" "jaeger's query service in $run"
    require_free_port "$grpc" "jaeger's query gRPC in $run"
    write_config "$run/jaeger.yaml" "$otlp" "$query" "$grpc"
    nohup "$bin" --config "$run/jaeger.yaml" >"$run/jaeger.log" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$run/jaeger.pid"
    wait_ready 60 "jaeger on $query" "$pid" jaeger_serving "$pid" "$query" "$otlp" ||
      { tail -20 "$run/jaeger.log" >&2; die "jaeger did not start"; }
    log "jaeger ready: OTLP/HTTP on 127.0.0.1:$otlp, UI on http://127.0.0.1:$query (pid $pid)"
  fi
  echo "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$otlp JAEGER_QUERY_URL=http://127.0.0.1:$query"
}

jaeger_serving() {
  pid_listens "$1" "$2" && pid_listens "$1" "$3" &&
    curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$2/api/services"
}

stop() { stop_pid "$1/jaeger.pid" 10; }

cmd=${1:-}; shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop "$@" ;;
  *) die "usage: jaeger.sh start RUN OTLP_PORT QUERY_PORT [GRPC_PORT]|stop RUN" ;;
esac
