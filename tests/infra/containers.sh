#!/usr/bin/env bash
# The test run's Kafka, Redis and S3 store as containers, through testcontainers (npm), on
# any Docker-API engine: Docker, Docker Desktop, Podman's `system service`. Same ports, same
# settings (kafka.sh config, redis.sh args) and same env as the local processes, so a test
# cannot tell. The images are the project's own (scripts/image/build.sh kafka redis
# objectstore, loaded from $EVH_CACHE/images), or those EVH_IMAGE_* name. ADR 0016.
#   containers.sh mode            prints local or containers for EVH_INFRA=local|containers|auto
#                                 (default auto: containers where an engine answers and the
#                                 images can be had, else local; the reason goes to stderr)
#   containers.sh start RUN       starts them (ports TEST_KAFKA_PORT, TEST_REDIS_PORT,
#                                 TEST_S3_PORT) and prints the env words s3.sh prints
#   containers.sh stop RUN        stops them (testcontainers stops and removes each)
#   containers.sh phase RUN MODE  make test's containers phase: a bounded set of integration
#                                 tests once more, on a private Podman (podman.sh) with the
#                                 project's images; MODE auto skips where Podman cannot run,
#                                 on fails there
# The containers are held by one node process (RUN/containers.pid, log RUN/containers.log)
# that stops them on SIGTERM, or when the process EVH_INFRA_OWNER_PID names is gone.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

MAIN=$root/tests/dist/infra-containers/main.js
# The phase's tests: the pipeline end to end (ingest → Kafka → consumer → Redis) and the S3
# store's contract, so each of the three containers serves real tests. About a minute here.
PHASE_TESTS=${EVH_CONTAINERS_TESTS:-'tests/dist/pipeline/(ordering|idempotency|dlq)\.test\.js|packages/storage/dist/test/object-store\.test\.js'}

need_build() { [[ -f $MAIN ]] || die "$MAIN is missing: run npx tsc -b (make build)"; }

mode() {
  [[ ${EVH_INFRA:-auto} != local ]] || { echo local; return 0; }
  need_build
  node "$MAIN" choose
}

start() {
  local run=$1 dir=$1/containers pid
  need_build
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  rm -f "$dir/containers.env"
  # Inside a container the broker listens on every address; the host side is 127.0.0.1 only.
  bash "$here/kafka.sh" config "$dir/kafka" "${TEST_KAFKA_PORT:-19092}" /var/lib/kafka/data 0.0.0.0
  bash "$here/redis.sh" args "${TEST_REDIS_PORT:-16379}" /data 0.0.0.0 >"$dir/redis.args"
  # EVH_INFRA_OWNER_PID, when the caller exports it (run.sh's pid), bounds their lifetime.
  EVH_INFRA_DIR=$dir nohup node "$MAIN" up >"$run/containers.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$run/containers.pid"
  # Loading the images (the first time on an engine) and a cold JVM take a while on 2 cores.
  if ! wait_ready 300 "the containers" "$pid" test -f "$dir/containers.env"; then
    tail -30 "$run/containers.log" >&2
    stop "$run"
    die "the test containers did not start (log: $run/containers.log)"
  fi
  grep '^\[containers\]' "$run/containers.log" | sed 's/^\[containers\] /[infra] containers: /' >&2 || true
  tr '\n' ' ' <"$dir/containers.env"
  echo
}

stop() {
  local run=$1
  [[ -f $run/containers.pid ]] || return 0
  # The node process stops the containers (each with 10 s of grace) before it exits.
  stop_pid "$run/containers.pid" 45 || true
  [[ ! -f $MAIN ]] || EVH_INFRA_DIR=$(cd "$run/containers" 2>/dev/null && pwd || echo "$run/containers") \
    node "$MAIN" reap >>"$run/containers.log" 2>&1 || true
}

# phase RUN MODE: the containers phase of make test (tests/run.sh), after the local one.
phase() {
  local run=$1 want=$2 why status=0 files words t0=$SECONDS
  if ! why=$(bash "$here/podman.sh" can-run 2>&1); then
    [[ $want == on ]] && die "EVH_CONTAINERS_TEST=on but Podman cannot run here: $why"
    echo "skipping the containers phase: $why"
    return 0
  fi
  log "containers phase: $why"
  # The project's images, not pulled: a no-op when their inputs did not change.
  bash "$root/scripts/image/build.sh" kafka redis objectstore >&2
  local podman_dir=$run/podman
  # shellcheck disable=SC2064 # expanded now: the trap runs after this function has returned
  trap "stop $(printf %q "$run"); bash $(printf %q "$here/podman.sh") stop $(printf %q "$podman_dir")" EXIT
  # NAME=value words, assigned first so that a failed start stops the phase here.
  words=$(bash "$here/podman.sh" start "$podman_dir")
  # shellcheck disable=SC2086
  export $words
  # No Ryuk: its image would come from a registry; the node process and stop() clean up.
  # (DOCKER_HOST, and EVH_INFRA_NETWORK_MODE=slirp4netns: Podman's Docker API ignores
  # containers.conf's netns and puts containers on its CNI bridge, which changes the host.)
  export TESTCONTAINERS_RYUK_DISABLED=true EVH_INFRA=containers EVH_INFRA_OWNER_PID=$$
  words=$(start "$run")
  # shellcheck disable=SC2086
  export $words
  export KAFKA_BROKERS="127.0.0.1:${TEST_KAFKA_PORT:-19092}" REDIS_URL="redis://127.0.0.1:${TEST_REDIS_PORT:-16379}"
  mapfile -t files < <(find packages services tests -path '*/node_modules' -prune -o \
    -path '*/dist/*' -name '*.test.js' -print | sort | grep -E -- "$PHASE_TESTS")
  ((${#files[@]} > 0)) || die "no test file matches $PHASE_TESTS: did the build run?"
  echo "running ${#files[@]} test files against Kafka, Redis and S3 in containers (Podman, testcontainers)"
  node --enable-source-maps --test --test-reporter=spec --test-concurrency=1 --test-timeout=300000 \
    "${files[@]}" || status=1
  log "containers phase: $((SECONDS - t0)) s"
  return "$status"
}

cmd=${1:-}; shift || true
case "$cmd" in
  mode) mode ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  phase) cd "$root" && phase "$@" ;;
  *) die "usage: containers.sh mode|start RUN|stop RUN|phase RUN auto|on" ;;
esac
