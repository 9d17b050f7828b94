#!/usr/bin/env bash
# The test run behind `make test`: its own Kafka, Redis, S3 store and PostgreSQL (fresh state, test
# ports), every compiled test file (unit tests beside the code, integration tests under test/ and
# tests/), and the infrastructure stopped again whatever the outcome.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
run="${TEST_RUN_DIR:-$root/.run/test}"

stop_infra() {
  bash tests/infra/kafka.sh stop "$run" || true
  bash tests/infra/redis.sh stop "$run" || true
  bash tests/infra/s3.sh stop "$run" || true
  bash tests/infra/postgres.sh stop "$run" || true
  bash tests/infra/containers.sh stop "$run" || true
  bash tests/infra/podman.sh stop "$run/podman" || true
  # A start still under way is let finish (it is bounded), so it leaves nothing behind.
  [[ -z ${kube_pid:-} ]] || wait "$kube_pid" 2>/dev/null || true
  KUBE_DIR="$run/kube" bash tests/infra/kube.sh stop || true
}
trap stop_infra EXIT

stop_infra
rm -rf "$run"
mkdir -p "$run"
# The toolchain the tests use, built once and cached (a no-op when already built): a
# Kubernetes API (etcd + kube-apiserver, no nodes), the S3 server, helm for the chart, and
# Prometheus (with promtool), Jaeger and the dashboard schema check for the observability tests.
bash tests/infra/tools.sh build etcd kube-apiserver versitygw helm prometheus jaeger dashboard-check
# The control plane starts in the background while Redis and Kafka start (about 6 s).
KUBE_DIR="$run/kube" KUBE_PORTS=free bash tests/infra/kube.sh start >"$run/kube-start.log" 2>&1 &
kube_pid=$!
# Kafka, Redis and the S3 store: local processes, or containers where a Docker-API engine
# answers and the images can be had (EVH_INFRA=auto|local|containers; docs/adr/0016).
infra=$(bash tests/infra/containers.sh mode)
if [[ $infra == containers ]]; then
  # NAME=value words, assigned first: a start that failed stops the run here.
  containers_env=$(EVH_INFRA_OWNER_PID=$$ bash tests/infra/containers.sh start "$run")
  # shellcheck disable=SC2086
  export $containers_env
else
  bash tests/infra/redis.sh start "$run" "${TEST_REDIS_PORT:-16379}"
  bash tests/infra/kafka.sh start "$run" "${TEST_KAFKA_PORT:-19092}"
  # shellcheck disable=SC2046 # the script prints NAME=value words
  export $(bash tests/infra/s3.sh start "$run" "${TEST_S3_PORT:-17070}")
fi
# DATABASE_URL: the job entries' PostgreSQL (a local process in both modes); each test makes a
# database of its own in it.
# shellcheck disable=SC2046
export $(bash tests/infra/postgres.sh start "$run" "${TEST_PG_PORT:-15432}")
if ! wait "$kube_pid"; then
  cat "$run/kube-start.log" >&2
  echo "the test control plane did not start" >&2
  exit 1
fi
# KUBECONFIG (an admin of that control plane), KUBE_SERVER, KUBE_CA_FILE, KUBE_TOKEN_FILE.
eval "$(KUBE_DIR="$run/kube" bash tests/infra/kube.sh env)"

export KAFKA_BROKERS="127.0.0.1:${TEST_KAFKA_PORT:-19092}"
export REDIS_URL="redis://127.0.0.1:${TEST_REDIS_PORT:-16379}"
export KAFKAJS_NO_PARTITIONER_WARNING=1

mapfile -t files < <(find packages services tests loadtest -path '*/node_modules' -prune -o \
  -path '*/dist/*' -name '*.test.js' -print | sort)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "no test files found: did the build run?" >&2
  exit 1
fi
# Filter with TEST_FILTER=<substring> to run a subset while developing.
if [[ -n ${TEST_FILTER:-} ]]; then
  mapfile -t files < <(printf '%s\n' "${files[@]}" | grep -E -- "$TEST_FILTER")
fi
echo "running ${#files[@]} test files"
status=0
node --enable-source-maps --test --test-reporter=spec --test-concurrency="${TEST_CONCURRENCY:-1}" \
  --test-timeout=300000 "${files[@]}" 2>&1 | tee "$run/node-tests.log" || status=1

# A bounded set of the integration tests once more with Kafka, Redis and S3 in containers,
# through testcontainers on a private Podman (tests/infra/containers.sh phase), wherever Podman
# can run: EVH_CONTAINERS_TEST=auto|on|off, as EVH_KUBE_TEST. Not when this run used containers.
containers_mode=${EVH_CONTAINERS_TEST:-auto}
[[ -z ${TEST_FILTER:-} || $containers_mode == on ]] || containers_mode=off
[[ $infra == local ]] || containers_mode=off
if [[ $containers_mode != off ]]; then
  # Only the three servers the containers replace; anything else of the run's (the Kubernetes
  # API, and whatever else a test needs from the run's env) stays up for them.
  for s in kafka redis s3; do bash "tests/infra/$s.sh" stop "$run" || true; done
  bash tests/infra/containers.sh phase "$run" "$containers_mode" 2>&1 | tee "$run/containers-tests.log" || status=1
fi

# The platform in a real one-node cluster (tests/kube/run.sh bounded: helm install, the
# contract, quotas, a consumer and an ingest pod deleted under load), whenever this machine can
# run one. EVH_KUBE_TEST=auto runs it where it can, =on fails when it cannot run. The test infra
# above is stopped first: the cluster runs its own Kafka and Redis. EVH_KUBE_TEST=off skips it
# (a quick local run; make kube-test runs the full set).
kube_mode=${EVH_KUBE_TEST:-auto}
[[ -z ${TEST_FILTER:-} || $kube_mode == on ]] || kube_mode=off
if [[ $kube_mode != off ]]; then
  stop_infra
  if reason=$(bash tests/infra/cluster.sh can-run 2>&1); then
    bash tests/kube/run.sh bounded 2>&1 | tee "$run/kube-tests.log" || status=1
  elif [[ $kube_mode == on ]]; then
    echo "EVH_KUBE_TEST=on but the cluster cannot run here: $reason" >&2
    status=1
  else
    echo "skipping the cluster tests: $reason"
  fi
fi
# One closing line for both runs of the test runner.
count() { sed -n "s/^ℹ $1 \([0-9]*\)$/\1/p" "$run"/node-tests.log "$run"/containers-tests.log "$run"/kube-tests.log 2>/dev/null | awk '{ n += $1 } END { print n + 0 }'; }
echo "$(count pass) passed, $(count fail) failed"
# A phase can fail before any test of it ran (a build, helm install): say which, not just "0 failed".
[[ $status == 0 ]] || echo "make test failed: see the first error above (the cluster phase's log: $run/kube-tests.log)" >&2
exit "$status"
