#!/usr/bin/env bash
# A real S3-compatible object store (versitygw, posix backend) for the tests.
#   s3.sh start RUN PORT   start it: RUN/s3.pid, RUN/s3.log, objects in RUN/s3-data; prints the env
#   s3.sh stop RUN
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
    # Credentials through the environment, so they stay out of `ps`.
    ROOT_ACCESS_KEY_ID="$ACCESS_KEY" ROOT_SECRET_ACCESS_KEY="$SECRET_KEY" \
      nohup "$bin" --port "127.0.0.1:$port" posix "$run/s3-data" >"$run/s3.log" 2>&1 </dev/null &
    echo $! >"$run/s3.pid"
    wait_until 30 "versitygw on $port" bash -c "curl -s -o /dev/null http://127.0.0.1:$port/" \
      || { tail -20 "$run/s3.log" >&2; die "versitygw did not start"; }
    log "versitygw ready on 127.0.0.1:$port (pid $(cat "$run/s3.pid"))"
  fi
  echo "S3_TEST_ENDPOINT=http://127.0.0.1:$port S3_TEST_ACCESS_KEY=$ACCESS_KEY S3_TEST_SECRET_KEY=$SECRET_KEY"
}

stop() { stop_pid "$1/s3.pid" 10; }

cmd=${1:-}; shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop "$@" ;;
  *) die "usage: s3.sh start RUN PORT|stop RUN" ;;
esac
