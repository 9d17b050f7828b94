#!/usr/bin/env bash
# `make kube-test`: the whole platform in a real one-node cluster. Starts the cluster (or uses
# the running one), builds and loads the images, `helm install --wait` into a namespace of its
# own, runs the system tests (tests/kube/*.kube-test.ts) through the Services, uninstalls.
#
#   bash tests/kube/run.sh [full|bounded]
#
# bounded (what `make test` runs when the cluster can be built here): the contract, quotas and
# a pod deleted under load; full adds the autoscaler, the other pod deletion, helm upgrade.
# KUBE_TEST_KEEP=1 leaves the release and the cluster running. Timings go to
# .run/kube-test/times.txt (docs/benchmarks.md takes them from there).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
mode=${1:-full}
case "$mode" in full | bounded) ;; *) echo "usage: tests/kube/run.sh [full|bounded]" >&2; exit 2 ;; esac
run=${KUBE_TEST_RUN_DIR:-$root/.run/kube-test}
rm -rf "$run" && mkdir -p "$run"
times="$run/times.txt"
stamp() { printf '%s\t%s\n' "$1" "$2" | tee -a "$times" >&2; }
BIN=$(bash tests/infra/tools.sh path)

t=$SECONDS
bash tests/infra/cluster.sh install
bash tests/infra/tools.sh build cluster k6 versitygw
stamp toolchain_s $((SECONDS - t))

started_cluster=0
if ! bash tests/infra/cluster.sh status >/dev/null 2>&1; then
  t=$SECONDS
  bash tests/infra/cluster.sh start >/dev/null
  started_cluster=1
  stamp cluster_start_s $((SECONDS - t))
fi
eval "$(bash tests/infra/cluster.sh env)"
ns="evh-kt-$(openssl rand -hex 3)"
release=evh
export EVH_KUBE_NAMESPACE=$ns EVH_KUBE_RELEASE=$release EVH_KUBE_MODE=$mode KUBE_TEST_RUN_DIR=$run

cleanup() {
  local rc=$?
  if [[ ${KUBE_TEST_KEEP:-0} == 1 ]]; then
    echo "kept: release $release in namespace $ns (KUBECONFIG=$KUBECONFIG)" >&2
    exit "$rc"
  fi
  "$BIN/helm" uninstall "$release" -n "$ns" --wait --timeout 2m >/dev/null 2>&1 || true
  "$BIN/kubectl" delete namespace "$ns" --wait=true --timeout=120s >/dev/null 2>&1 || true
  if ((started_cluster)); then bash tests/infra/cluster.sh stop >/dev/null 2>&1 || true; fi
  exit "$rc"
}
trap cleanup EXIT

t=$SECONDS
bash scripts/image/build.sh
stamp image_s $((SECONDS - t))
bash tests/infra/cluster.sh wait-dns 120

# What a user types, plus settings that make the autoscaler decide within a test's time: a
# lag poll every 2 s, a short scale-down window, and a consumer slowed by simulated crash work
# so that a k6 pod can outrun one replica.
t=$SECONDS
"$BIN/helm" install "$release" charts/event-horizon -n "$ns" --create-namespace --wait --timeout 10m \
  -f tests/kube/test-values.yaml >"$run/helm-install.log" 2>&1 || {
  cat "$run/helm-install.log" >&2
  "$BIN/kubectl" -n "$ns" get pods -o wide >&2 || true
  "$BIN/kubectl" -n "$ns" get events --sort-by=.lastTimestamp >&2 | tail -n 40 || true
  exit 1
}
stamp helm_install_wait_s $((SECONDS - t))

files=(platform quota pod-deletion)
[[ $mode == bounded ]] || files+=(autoscale upgrade)
paths=()
for f in "${files[@]}"; do paths+=("tests/dist/kube/$f.kube-test.js"); done
node --enable-source-maps --test --test-reporter=spec --test-concurrency=1 --test-timeout=900000 "${paths[@]}"
