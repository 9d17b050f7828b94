#!/usr/bin/env bash
# A real S3-compatible object store (versitygw, posix backend) for the tests.
#   s3.sh start RUN PORT   start it: RUN/s3.pid, RUN/s3.log, objects in RUN/s3-data; prints the env
#   s3.sh stop RUN
# A taken PORT fails at once, naming its holder; ready means our own process listens on PORT.
# The binary comes from the toolchain (`bash tests/infra/tools.sh build versitygw`, cached).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

ACCESS_KEY=${S3_TEST_ACCESS_KEY:-evhtestaccess}
SECRET_KEY=${S3_TEST_SECRET_KEY:-evhtestsecret123}

start() {
  local run=$1 port=$2
  local bin="$EVH_CACHE/tools/bin/versitygw"
  [[ -x $bin ]] || bash "$here/tools.sh" build versitygw >&2
  mkdir -p "$run/s3-data"
  if ! pid_alive "$run/s3.pid"; then
    require_free_port "$port" "versitygw in $run"
    # Credentials through the environment, so they stay out of `ps`.
    ROOT_ACCESS_KEY_ID="$ACCESS_KEY" ROOT_SECRET_ACCESS_KEY="$SECRET_KEY" \
      nohup "$bin" --port "127.0.0.1:$port" posix "$run/s3-data" >"$run/s3.log" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$run/s3.pid"
    # Ours, not merely something that answers on the port.
    wait_ready 30 "versitygw on $port" "$pid" s3_serving "$pid" "$port" \
      || { tail -20 "$run/s3.log" >&2; die "versitygw did not start"; }
    log "versitygw ready on 127.0.0.1:$port (pid $pid)"
  fi
  echo "S3_TEST_ENDPOINT=http://127.0.0.1:$port S3_TEST_ACCESS_KEY=$ACCESS_KEY S3_TEST_SECRET_KEY=$SECRET_KEY"
}

s3_serving() { pid_listens "$1" "$2" && curl -s -o /dev/null "http://127.0.0.1:$2/"; }

stop() { stop_pid "$1/s3.pid" 10; }

cmd=${1:-}; shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop "$@" ;;
  *) die "usage: s3.sh start RUN PORT|stop RUN" ;;
esac
