#!/usr/bin/env bash
# `make bench`: starts its own Kafka, Redis and PostgreSQL (fresh, bench ports), runs each benchmark
# script, which starts the services it measures and writes its section of docs/benchmarks.md.
# redis-aof starts its own three Redis servers (BENCH_REDIS_PORT+1..+3) and needs neither;
# `BENCH=redis-aof` alone starts no Kafka. kube (tests/kube/run.sh full) brings its own cluster. BENCH_RUN_DIR moves the run folder (on a real disk:
# on tmpfs an fsync costs nothing).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
run="${BENCH_RUN_DIR:-$root/.run/bench}"
kafka_port=${BENCH_KAFKA_PORT:-29092}
redis_port=${BENCH_REDIS_PORT:-26379}
pg_port=${BENCH_PG_PORT:-25432}

all_benches="pipeline k6 crashes fairness jobs logs redis-aof drain kube"
# BENCH=<name> (or a space-separated list) runs those; by default all of them run.
benches=${BENCH:-$all_benches}

fail() {
  echo "bench: $*" >&2
  exit 1
}

# The third-party tools a benchmark runs, built and cached by tests/infra/tools.sh.
tools_of() {
  case "$1" in
    k6 | fairness) echo k6 ;;
  esac
}

# Everything a benchmark needs is checked before any of them starts, so a missing piece
# is a message naming it, not a stack trace half-way through the run.
tools_bin=$(bash tests/infra/tools.sh path)
needed=()
for bench in $benches; do
  [[ " $all_benches " == *" $bench "* ]] || fail "unknown benchmark '$bench' (known: $all_benches)"
  [[ -f "loadtest/dist/src/$bench-bench.js" ]] ||
    fail "loadtest/dist/src/$bench-bench.js is missing: run make build (or npx tsc -b loadtest)"
  for tool in $(tools_of "$bench"); do
    [[ " ${needed[*]} " == *" $tool "* ]] || needed+=("$tool")
  done
done
for tool in "${needed[@]}"; do
  users=()
  for bench in $benches; do
    if [[ " $(tools_of "$bench") " == *" $tool "* ]]; then users+=("$bench"); fi
  done
  bash tests/infra/tools.sh build "$tool" ||
    fail "$tool, which ${users[*]} needs, could not be built (see above); make tools builds the toolchain"
  [[ -x "$tools_bin/$tool" ]] || fail "$tool, which ${users[*]} needs, is not at $tools_bin/$tool after its build"
done

stop_infra() {
  bash tests/infra/kafka.sh stop "$run" || true
  bash tests/infra/redis.sh stop "$run" || true
  bash tests/infra/postgres.sh stop "$run" || true
}
trap stop_infra EXIT
stop_infra
rm -rf "$run"
mkdir -p "$run"
export BENCH_RUN_DIR="$run" BENCH_AOF_REDIS_PORT=${BENCH_AOF_REDIS_PORT:-$((redis_port + 1))}
# redis-aof and kube (a cluster of its own) need no Kafka or Redis here.
if [[ -n $(tr ' ' '\n' <<<"$benches" | grep -vxE 'redis-aof|kube|') ]]; then
  bash tests/infra/redis.sh start "$run" "$redis_port"
  bash tests/infra/kafka.sh start "$run" "$kafka_port"
  # The consumer keeps upload entries here (jobs measures it; the others' consumers migrate it).
  bash tests/infra/postgres.sh start "$run" "$pg_port" >/dev/null
fi
export KAFKA_BROKERS="127.0.0.1:$kafka_port" REDIS_URL="redis://127.0.0.1:$redis_port"
export DATABASE_URL="postgres://evh@127.0.0.1:$pg_port/postgres"
export KAFKAJS_NO_PARTITIONER_WARNING=1
for bench in $benches; do
  echo "== bench: $bench"
  node --enable-source-maps "loadtest/dist/src/$bench-bench.js"
done
