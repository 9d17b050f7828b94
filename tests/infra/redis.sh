#!/usr/bin/env bash
# A real Redis server from Debian's package.
#   redis.sh install          apt-get install redis-server when it is missing
#   redis.sh start RUN PORT   start a server: RUN/redis.pid, RUN/redis.log, files in RUN/redis-data
#   redis.sh stop RUN
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

install() {
  command -v redis-server >/dev/null && return 0
  log "installing redis-server from Debian's packages"
  local sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
  # The package starts a system service where an init system runs; ours are started per DIR.
}

start() {
  local run=$1 port=$2
  local dir="$run/redis-data"
  install
  mkdir -p "$dir"
  if pid_alive "$run/redis.pid"; then log "redis already running (pid $(cat "$run/redis.pid"))"; return 0; fi
  # No persistence: the platform's state for tests and local runs is rebuilt from Kafka.
  nohup redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
    --protected-mode yes --loglevel notice >"$run/redis.log" 2>&1 </dev/null &
  echo $! >"$run/redis.pid"
  wait_until 20 "redis PING" bash -c "redis-cli -p $port ping | grep -q PONG" \
    || { tail -20 "$run/redis.log" >&2; die "redis did not start"; }
  log "redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') ready on 127.0.0.1:$port (pid $(cat "$run/redis.pid"))"
}

stop() { stop_pid "$1/redis.pid" 10; }

cmd=${1:-}; shift || true
case "$cmd" in
  install) install ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  *) die "usage: redis.sh install|start RUN PORT|stop RUN" ;;
esac
