#!/usr/bin/env bash
# `make bench`: starts its own Kafka and Redis (fresh, bench ports), runs each benchmark
# script, which starts the services it measures and writes its section of docs/benchmarks.md.
# redis-aof starts its own three Redis servers (BENCH_REDIS_PORT+1..+3) and needs neither;
# `BENCH=redis-aof` alone starts no Kafka. BENCH_RUN_DIR moves the run folder (on a real disk:
# on tmpfs an fsync costs nothing).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
run="${BENCH_RUN_DIR:-$root/.run/bench}"
kafka_port=${BENCH_KAFKA_PORT:-29092}
redis_port=${BENCH_REDIS_PORT:-26379}

stop_infra() {
  bash tests/infra/kafka.sh stop "$run" || true
  bash tests/infra/redis.sh stop "$run" || true
}
trap stop_infra EXIT
stop_infra
rm -rf "$run"
mkdir -p "$run"
# BENCH=<name> runs one benchmark; by default all of them run.
benches=${BENCH:-pipeline k6 crashes fairness jobs logs redis-aof}
export BENCH_RUN_DIR="$run" BENCH_AOF_REDIS_PORT=${BENCH_AOF_REDIS_PORT:-$((redis_port + 1))}
if [[ " $benches " != " redis-aof " ]]; then
  bash tests/infra/redis.sh start "$run" "$redis_port"
  bash tests/infra/kafka.sh start "$run" "$kafka_port"
fi
export KAFKA_BROKERS="127.0.0.1:$kafka_port" REDIS_URL="redis://127.0.0.1:$redis_port"
export KAFKAJS_NO_PARTITIONER_WARNING=1
# k6 comes from the toolchain (cached after the first build).
[[ " $benches " == *" k6 "* ]] && bash tests/infra/tools.sh build k6
for bench in $benches; do
  echo "== bench: $bench"
  node --enable-source-maps "loadtest/dist/src/$bench-bench.js"
done
