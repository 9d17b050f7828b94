#!/usr/bin/env bash
# A real Redis server from Debian's package, persisted with an append-only file (AOF).
#   redis.sh install            apt-get install redis-server (with redis-cli, redis-benchmark)
#   redis.sh start RUN PORT     start a server: RUN/redis.pid, RUN/redis.log, data in
#                               RUN/redis-data. A RUN that has data is reloaded from it; a
#                               fresh RUN starts empty (tests/run.sh removes its RUN first).
#   redis.sh stop RUN           SIGTERM: Redis fsyncs its AOF and exits
#   redis.sh kill RUN           SIGKILL, as a crash: no shutdown fsync, the data stays in RUN
#   redis.sh restart RUN PORT   kill, then start on the same RUN and PORT: what was written
#                               more than about a second ago (appendfsync everysec) is back
#   redis.sh args PORT DIR BIND the server's arguments, one a line (tests/infra/containers.sh)
# A chaos test crashes Redis with `redis.sh restart RUN PORT` (or `kill`, a pause, `start`).
#
# Persistence (the platform's state lives only here; it is not rebuilt from Kafka, whose
# offsets are committed once the state they produced is durable, see docs/adr/0007):
#   REDIS_APPENDONLY=yes|no               default yes
#   REDIS_APPENDFSYNC=everysec|always|no  default everysec: at most ~1 s of writes is lost
# The benchmark in loadtest/src/redis-aof-bench.ts compares the three.
#
# Ready means our own process answers: it is alive and INFO's process_id on PORT is its pid.
# A taken PORT fails at once, naming the process that holds it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

APPENDONLY=${REDIS_APPENDONLY:-yes}
APPENDFSYNC=${REDIS_APPENDFSYNC:-everysec}

install() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  # The package starts a system service where an init system runs; ours are started per RUN.
  apt_install redis-server
}

# server_args PORT DIR BIND: redis-server's arguments, one a line; the same for a server here
# (BIND 127.0.0.1) and in a container (tests/infra/containers.sh: BIND 0.0.0.0 inside it,
# reached only through a port bound to the host's 127.0.0.1, so protected mode, which would
# refuse the forwarded connections, is off there).
# AOF with an RDB preamble: a rewrite writes a compact snapshot and appends what follows;
# the rewrite runs when the file has doubled since the last one (from 64 MB). A tail cut
# by a crash is dropped on load (aof-load-truncated). No RDB snapshots besides.
server_args() {
  local port=$1 dir=$2 bind=$3 protected=yes
  [[ $bind == 127.0.0.1 ]] || protected=no
  printf '%s\n' --bind "$bind" --port "$port" --dir "$dir" --save '' \
    --appendonly "$APPENDONLY" --appendfsync "$APPENDFSYNC" --aof-use-rdb-preamble yes \
    --auto-aof-rewrite-percentage 100 --auto-aof-rewrite-min-size 64mb --aof-load-truncated yes \
    --protected-mode "$protected" --loglevel notice
}

start() {
  local run=$1 port=$2
  local dir="$run/redis-data"
  install
  mkdir -p "$dir"
  if pid_alive "$run/redis.pid"; then
    local pid
    pid=$(cat "$run/redis.pid")
    redis_is "$pid" "$port" || die "redis pid $pid (from $run/redis.pid) runs but does not answer on port $port: port $port is held by $(port_holder "$port")"
    log "redis already running (pid $pid)"
    return 0
  fi
  rm -f "$run/redis.pid"
  require_free_port "$port" "redis in $run"
  local args
  mapfile -t args < <(server_args "$port" "$dir" 127.0.0.1)
  nohup redis-server "${args[@]}" >>"$run/redis.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$run/redis.pid"
  # PING answers LOADING until the AOF is read back; a large one takes a while.
  if ! wait_ready 60 "redis on port $port" "$pid" redis_serving "$pid" "$port"; then
    tail -20 "$run/redis.log" >&2
    port_taken "$port" && ! pid_listens "$pid" "$port" && log "port $port is held by $(port_holder "$port")"
    die "redis did not start on port $port"
  fi
  log "redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') ready on 127.0.0.1:$port (pid $pid, appendonly $APPENDONLY, appendfsync $APPENDFSYNC, data $dir)"
}

# redis_serving PID PORT: PID is the Redis on PORT and has its data loaded.
redis_serving() {
  redis_is "$1" "$2" && [[ $(timeout 2 redis-cli -h 127.0.0.1 -p "$2" PING 2>/dev/null) == PONG ]]
}

stop() { stop_pid "$1/redis.pid" 10; }

crash() { kill_pid "$1/redis.pid"; }

restart() {
  crash "$1"
  start "$1" "$2"
}

cmd=${1:-}; shift || true
case "$cmd" in
  install) install ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  kill) crash "$@" ;;
  restart) restart "$@" ;;
  args) server_args "$@" ;;
  *) die "usage: redis.sh install|start RUN PORT|stop RUN|kill RUN|restart RUN PORT|args PORT DIR BIND" ;;
esac
