#!/usr/bin/env bash
# Applies manifests to the local API server of tests/infra/kube.sh without kubectl: a
# server-side apply (PATCH application/apply-patch+yaml) per file, with curl.
#
#   bash manifests/apply-local.sh FILE...     # one object per file: Namespace, CRD, ProjectQuota
#   bash manifests/apply-local.sh --delete FILE...
#
# KUBE_DIR selects the control plane, as for kube.sh. With a real cluster, use kubectl apply -f.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { printf '[apply] ERROR: %s\n' "$*" >&2; exit 1; }

eval "$(bash "$root/tests/infra/kube.sh" env)"
token=$(cat "$KUBE_TOKEN_FILE")
api() { curl -fsS --cacert "$KUBE_CA_FILE" -H "Authorization: Bearer $token" "$@"; }

method=PATCH
if [[ ${1:-} == --delete ]]; then
  method=DELETE
  shift
fi
[[ $# -gt 0 ]] || die "usage: apply-local.sh [--delete] FILE..."

# field FILE KEY: the value of a top-level key, or of a key directly under metadata.
field() {
  awk -v key="$2" '
    /^metadata:/ { m = 1; next }
    m && /^[^ #]/ { m = 0 }
    key == "kind" && /^kind:/ { print $2; exit }
    key != "kind" && m && $1 == key ":" { print $2; exit }
  ' "$1"
}

for file in "$@"; do
  kind=$(field "$file" kind)
  name=$(field "$file" name)
  namespace=$(field "$file" namespace)
  case $kind in
    Namespace) path=/api/v1/namespaces/$name ;;
    CustomResourceDefinition) path=/apis/apiextensions.k8s.io/v1/customresourcedefinitions/$name ;;
    ProjectQuota) path=/apis/eventhorizon.io/v1alpha1/namespaces/${namespace:-event-horizon}/projectquotas/$name ;;
    *) die "$file: kind '$kind' is not handled here (use kubectl)" ;;
  esac
  if [[ $method == DELETE ]]; then
    api -X DELETE "$KUBE_SERVER$path" >/dev/null
    echo "[apply] deleted $kind $name"
    continue
  fi
  api -X PATCH -H 'Content-Type: application/apply-patch+yaml' --data-binary "@$file" \
    "$KUBE_SERVER$path?fieldManager=evh-local&force=true" >/dev/null
  echo "[apply] applied $kind $name"
  if [[ $kind == CustomResourceDefinition ]]; then
    # The new resource is served a moment after the CRD is stored.
    for _ in $(seq 1 100); do
      api "$KUBE_SERVER/apis/eventhorizon.io/v1alpha1" >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi
done
