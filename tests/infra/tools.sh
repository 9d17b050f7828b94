#!/usr/bin/env bash
# Builds, caches and smoke-tests the third-party tools that Event Horizon's
# infrastructure tests run: k6, helm, kube-apiserver, etcd, versitygw,
# prometheus, jaeger (and dashboard-check, ours). Everything lands in a cache folder outside git, so the repo
# never carries third-party source or binaries.
#
#   bash tests/infra/tools.sh build [tool...]   # no tool = all; skips up-to-date ones
#   bash tests/infra/tools.sh smoke [tool...]   # no tool = all
#   bash tests/infra/tools.sh path              # prints the bin dir
#   bash tests/infra/tools.sh list              # prints the tool names and pinned versions
#
# This machine only reaches package registries, so each tool comes from one:
# the Go module proxy (built from source with the local Go) or Debian's
# archive (prometheus).
set -euo pipefail

# ---------------------------------------------------------------------------
# Pinned versions: the only place to change them. A version bump changes the
# stamp, so the next `build` rebuilds just that tool.
# Before bumping, check the tag really downloads here: this proxy's version
# lists can be stale, and some versions have metadata but no zip (v1.37.2 of
# k8s.io/kubernetes answers 403 for its zip): `go mod download -json MOD@vX`.
# ---------------------------------------------------------------------------
K6_VERSION=v1.8.1                           # go.k6.io/k6
HELM_VERSION=v3.22.0                        # helm.sh/helm/v3
KUBERNETES_VERSION=v1.37.1                  # k8s.io/kubernetes; staging modules use v0.37.1
ETCD_VERSION=v3.6.16                        # go.etcd.io/etcd/server/v3 (and its sibling modules)
VERSITYGW_VERSION=v1.8.0                    # github.com/versity/versitygw
PROMETHEUS_DEB_VERSION=2.42.0+ds-5+deb12u1  # Debian bookworm package "prometheus"
CRICTL_VERSION=v1.37.0                      # sigs.k8s.io/cri-tools (the one-node cluster's teardown)
COREDNS_VERSION=v1.15.0                     # github.com/coredns/coredns (the one-node cluster's DNS)
# Jaeger (v2: an OpenTelemetry Collector distribution): the OTLP receiver and query API of the
# trace tests and of `make up`. v1.75.0: the proxy serves v1.76.0 too, but that is not an
# approved release here (ADR 0015).
JAEGER_VERSION=v1.75.0                      # github.com/jaegertracing/jaeger (cmd/jaeger)
# The dashboard schema check (tests/infra/dashboard-check): Grafana's schema as Go types.
GRAFANA_FOUNDATION_SDK_VERSION=v0.0.22      # github.com/grafana/grafana-foundation-sdk/go

# Build order for `build` with no arguments: cheap ones first, so a failure
# in the long kube-apiserver build still leaves the others usable.
ALL_TOOLS=(prometheus etcd k6 versitygw helm kube-apiserver jaeger dashboard-check)
# The one-node cluster (tests/infra/cluster.sh) needs these on top; `make kube-up` builds them.
# kube-node shares kube-apiserver's module graph and build cache, so it costs its own
# packages only.
CLUSTER_TOOLS=(etcd helm kube-apiserver kube-node crictl coredns pause)
KNOWN_TOOLS=("${ALL_TOOLS[@]}" kube-node crictl coredns pause)

# ---------------------------------------------------------------------------
# Cache layout
# ---------------------------------------------------------------------------
EVH_CACHE="${EVH_CACHE:-$HOME/.cache/event-horizon}"
TOOLS_DIR="$EVH_CACHE/tools"
BIN_DIR="$TOOLS_DIR/bin"
STAMP_DIR="$TOOLS_DIR/stamps"
SRC_DIR="$TOOLS_DIR/src"          # generated wrapper modules (go.mod only, no code)
BUILD_TIMES="$TOOLS_DIR/build-times.txt"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[tools] %s\n' "$*" >&2; }
die() { printf '[tools] ERROR: %s\n' "$*" >&2; exit 1; }

# Go environment. We give the tool builds their own GOPATH / module cache /
# build cache under $EVH_CACHE/go rather than reusing ~/go and ~/.cache/go-build:
#  - one folder holds everything a fresh machine (or a CI cache step) must
#    keep, and deleting it is a true cold start;
#  - the kube-apiserver build fills several GB of build cache that would
#    otherwise crowd the project's own Go caches;
#  - -modcacherw keeps the module cache deletable with a plain `rm -rf`.
# GOTOOLCHAIN=local: use the machine's Go and fail clearly if it is too old,
# instead of silently fetching another toolchain. CGO_ENABLED=0 gives static
# binaries (as upstream releases are) and needs no C toolchain.
setup_go() {
  if ! command -v go >/dev/null 2>&1; then
    [[ -x /usr/local/go/bin/go ]] || die "go not found on PATH or in /usr/local/go/bin"
    PATH="/usr/local/go/bin:$PATH"
  fi
  export GOPATH="$EVH_CACHE/go"
  export GOMODCACHE="$EVH_CACHE/go/mod"
  export GOCACHE="$EVH_CACHE/go/build-cache"
  export GOTOOLCHAIN=local
  export CGO_ENABLED=0
  export GOFLAGS="-modcacherw -buildvcs=false"
  # The wrapper modules are generated locally; never look them up remotely.
  export GOPRIVATE="evh.local"
}

# Common flags: -trimpath keeps local cache paths out of the binaries; -s -w
# drops the symbol table and DWARF, which tests never need, to keep the
# cached binaries (and a CI cache of them) smaller.
GO_BUILD_FLAGS=(-trimpath)
GO_LDFLAGS_BASE="-s -w"

# ---------------------------------------------------------------------------
# Versions and stamps
# ---------------------------------------------------------------------------
kube_staging_version() { printf 'v0.%s' "${KUBERNETES_VERSION#v1.}"; }

tool_version() {
  case "$1" in
    k6) echo "$K6_VERSION" ;;
    helm) echo "$HELM_VERSION" ;;
    kube-apiserver) echo "$KUBERNETES_VERSION staging=$(kube_staging_version)" ;;
    etcd) echo "$ETCD_VERSION" ;;
    versitygw) echo "$VERSITYGW_VERSION" ;;
    prometheus) echo "$PROMETHEUS_DEB_VERSION" ;;
    jaeger) echo "$JAEGER_VERSION" ;;
    dashboard-check) echo "$GRAFANA_FOUNDATION_SDK_VERSION main=$(cksum <"$SCRIPT_DIR/dashboard-check/main.go" | cut -d' ' -f1)" ;;
    kube-node) echo "$KUBERNETES_VERSION staging=$(kube_staging_version)" ;;
    crictl) echo "$CRICTL_VERSION" ;;
    # Our own main packages: their source is part of the recipe.
    coredns) echo "$COREDNS_VERSION main=$(cksum <"$SCRIPT_DIR/cluster/coredns/main.go" | cut -d' ' -f1)" ;;
    pause) echo "main=$(cksum <"$SCRIPT_DIR/cluster/pause/main.go" | cut -d' ' -f1)" ;;
    *) die "unknown tool '$1' (known: ${KNOWN_TOOLS[*]})" ;;
  esac
}

# The stamp also records the build recipe revision, so a change to how a tool
# is built (flags, ldflags) can force a rebuild by bumping RECIPE.
RECIPE=1
stamp_text() { printf '%s recipe=%s\n' "$(tool_version "$1")" "$RECIPE"; }

# The binaries a tool puts in BIN_DIR.
tool_bins() {
  case "$1" in
    kube-node) echo kube-controller-manager kube-scheduler kube-proxy kubelet kubectl ;;
    *) echo "$1" ;;
  esac
}

is_current() {
  local tool=$1 bin
  for bin in $(tool_bins "$tool"); do [[ -x "$BIN_DIR/$bin" ]] || return 1; done
  [[ -f "$STAMP_DIR/$tool" ]] && [[ "$(cat "$STAMP_DIR/$tool")" == "$(stamp_text "$tool")" ]]
}

# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------
build_k6() {
  GOBIN="$BIN_DIR" go install "${GO_BUILD_FLAGS[@]}" -ldflags="$GO_LDFLAGS_BASE" \
    "go.k6.io/k6@$K6_VERSION"
}

build_helm() {
  # Without -X, `helm version` reports "v3.22+unreleased"; stamp the real tag
  # the same way helm's own Makefile does.
  GOBIN="$BIN_DIR" go install "${GO_BUILD_FLAGS[@]}" \
    -ldflags="$GO_LDFLAGS_BASE -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
}

build_versitygw() {
  GOBIN="$BIN_DIR" go install "${GO_BUILD_FLAGS[@]}" \
    -ldflags="$GO_LDFLAGS_BASE -X main.Version=$VERSITYGW_VERSION" \
    "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
}

# Prints the module paths that MODFILE replaces with a local directory
# (`replace X => ./dir` or `=> ../dir`), keeping only those starting with
# PREFIX. `go mod edit -print` normalises the file so one awk pattern covers
# both the block and the single-line replace forms.
local_replaces() {
  local modfile=$1 prefix=$2
  go mod edit -print "$modfile" | awk -v prefix="$prefix" '
    { sub(/^[ \t]+/, ""); if ($1 == "replace") { $1 = ""; sub(/^ /, "") } }
    / => / {
      n = split($0, f, " "); arrow = 0
      for (i = 1; i <= n; i++) if (f[i] == "=>") arrow = i
      if (arrow == 0) next
      target = f[arrow + 1]
      if (target !~ /^\.\.?\//) next
      if (target ~ /FORBIDDEN/) next      # etcd guards against bad imports this way
      if (index(f[1], prefix) != 1) next
      print f[1]
    }'
}

# `go install pkg@version` refuses modules whose go.mod has directory
# replaces (k8s.io/kubernetes points its staging modules at ./staging/...,
# etcd points its sibling modules at ../). So we generate a throwaway module
# that requires the upstream module and replaces each of those locally
# replaced modules with its *published* version, then `go build` the package.
# The module is generated (not committed) and holds no code: a `tool`
# directive (Go >= 1.24) is enough for `go mod tidy` to pull in the package's
# whole dependency graph.
#   build_wrapped NAME MODULE VERSION PKG REPLACE_PREFIX REPLACE_VERSION LDFLAGS [PKG...]
# With more than one package, one `go build` writes each binary under its own name.
build_wrapped() {
  local name=$1 module=$2 version=$3 pkg=$4 prefix=$5 rversion=$6 ldflags=$7
  local pkgs=("$pkg" "${@:8}")
  local dir="$SRC_DIR/$name"
  rm -rf "$dir"
  mkdir -p "$dir"

  # `go mod download -json` reports failures inside its JSON (and exits 1),
  # so pick the error out rather than failing silently.
  local dl upstream_mod
  dl="$(cd "$dir" && { go mod download -json "$module@$version" || true; })"
  if grep -q '"Error"' <<<"$dl"; then
    die "go mod download $module@$version: $(sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p' <<<"$dl")"
  fi
  upstream_mod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"$dl")"
  [[ -f "$upstream_mod" ]] || die "could not download $module@$version: $dl"
  local go_line
  go_line="$(go mod edit -json "$upstream_mod" | sed -n 's/^[[:space:]]*"Go": "\(.*\)",\{0,1\}$/\1/p')"

  local replaced=()
  mapfile -t replaced < <(local_replaces "$upstream_mod" "$prefix")
  ((${#replaced[@]} > 0)) || die "found no local replaces in $module@$version go.mod"
  log "$name: replacing ${#replaced[@]} local modules of $module with published $rversion"

  {
    echo "// Generated by tests/infra/tools.sh; safe to delete."
    echo "module evh.local/tools/$name"
    echo
    echo "go ${go_line:-1.24}"
    echo
    local p
    for p in "${pkgs[@]}"; do echo "tool $p"; done
    echo
    echo "require $module $version"
    echo
    echo "replace ("
    local m
    for m in "${replaced[@]}"; do
      echo "	$m => $m $rversion"
    done
    echo ")"
  } >"$dir/go.mod"

  # A replaced module that is not in the build graph is ignored by Go, so it
  # does not matter that some (e.g. k8s.io/sample-cli-plugin) are not
  # published on the proxy.
  (cd "$dir" && go mod tidy)
  if ((${#pkgs[@]} == 1)); then
    (cd "$dir" && go build "${GO_BUILD_FLAGS[@]}" -ldflags="$ldflags" -o "$BIN_DIR/$name.tmp" "$pkg")
    mv -f "$BIN_DIR/$name.tmp" "$BIN_DIR/$name"
    return 0
  fi
  local out="$BIN_DIR/.$name.tmp"
  rm -rf "$out" && mkdir -p "$out"
  (cd "$dir" && go build "${GO_BUILD_FLAGS[@]}" -ldflags="$ldflags" -o "$out/" "${pkgs[@]}")
  mv -f "$out"/* "$BIN_DIR/"
  rmdir "$out"
}

# kube-apiserver's version variables (hack/lib/version.sh sets the same ones).
kube_ldflags() {
  local minor=${KUBERNETES_VERSION#v1.}
  minor=${minor%%.*}
  local v ldflags="$GO_LDFLAGS_BASE"
  for v in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $v.gitVersion=$KUBERNETES_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean"
  done
  echo "$ldflags"
}

# The node's components, from kube-apiserver's module graph (same versions, so its build
# cache serves every shared package), and kubectl for the people and tests that use it. The kubelet stays at the API server's version: v1.37
# still falls back to its own cgroupDriver with containerd 1.6 (no RuntimeConfig RPC).
build_kube-node() {
  local k=k8s.io/kubernetes/cmd
  build_wrapped kube-node k8s.io/kubernetes "$KUBERNETES_VERSION" \
    $k/kube-controller-manager k8s.io/ "$(kube_staging_version)" "$(kube_ldflags)" \
    $k/kube-scheduler $k/kube-proxy $k/kubelet $k/kubectl
}

build_crictl() {
  GOBIN="$BIN_DIR" go install "${GO_BUILD_FLAGS[@]}" -ldflags="$GO_LDFLAGS_BASE" \
    "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION"
}

# A module with one main package of ours (tests/infra/cluster/NAME/main.go): go mod tidy
# resolves what it imports, REQUIRE pins the one upstream module it is built from; SRC is
# the folder of its main.go (default tests/infra/cluster/NAME).
#   build_own_main NAME [REQUIRE] [SRC]
build_own_main() {
  local name=$1 require=${2:-} src=${3:-$SCRIPT_DIR/cluster/$1}
  local dir="$SRC_DIR/$name"
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$src/main.go" "$dir/main.go"
  {
    echo "// Generated by tests/infra/tools.sh; safe to delete."
    echo "module evh.local/tools/$name"
    echo
    echo "go 1.24"
    [[ -z "$require" ]] || printf '\nrequire %s\n' "$require"
  } >"$dir/go.mod"
  (cd "$dir" && go mod tidy)
  (cd "$dir" && go build "${GO_BUILD_FLAGS[@]}" -ldflags="$GO_LDFLAGS_BASE" -o "$BIN_DIR/$name.tmp" .)
  mv -f "$BIN_DIR/$name.tmp" "$BIN_DIR/$name"
}

# CoreDNS with only the plugins cluster DNS needs: upstream's main links every plugin
# (cloud DNS providers included), three times the build.
build_coredns() { build_own_main coredns "github.com/coredns/coredns $COREDNS_VERSION"; }

# The pod sandbox's pause process (no registry to pull registry.k8s.io/pause from).
build_pause() { build_own_main pause; }

# Our dashboard schema check, on grafana-foundation-sdk (Apache-2.0; Grafana itself is AGPL).
build_dashboard-check() {
  build_own_main dashboard-check "github.com/grafana/grafana-foundation-sdk/go $GRAFANA_FOUNDATION_SDK_VERSION" \
    "$SCRIPT_DIR/dashboard-check"
}

build_kube-apiserver() {
  # Without the version variables the binary reports v0.0.0-master, and clients that check
  # the server version (helm's chart kubeVersion constraints) reject it.
  build_wrapped kube-apiserver k8s.io/kubernetes "$KUBERNETES_VERSION" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/ "$(kube_staging_version)" "$(kube_ldflags)"
}

build_etcd() {
  # Since etcd 3.5 the server module's root package is the `etcd` main.
  build_wrapped etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION" \
    go.etcd.io/etcd/server/v3 go.etcd.io/etcd/ "$ETCD_VERSION" "$GO_LDFLAGS_BASE"
}

# A module of the toolchain's own with Jaeger's main as a `tool`: `go get -tool` resolves
# its dependency graph as upstream pinned it, and one `go build` makes the binary.
build_jaeger() {
  local dir="$SRC_DIR/jaeger" pkg=github.com/jaegertracing/jaeger/cmd/jaeger
  rm -rf "$dir" && mkdir -p "$dir"
  printf '// Generated by tests/infra/tools.sh; safe to delete.\nmodule evh.local/tools/jaeger\n\ngo 1.24\n' >"$dir/go.mod"
  (cd "$dir" && go get -tool "$pkg@$JAEGER_VERSION")
  (cd "$dir" && go build "${GO_BUILD_FLAGS[@]}" -ldflags="$GO_LDFLAGS_BASE" -o "$BIN_DIR/jaeger.tmp" "$pkg")
  mv -f "$BIN_DIR/jaeger.tmp" "$BIN_DIR/jaeger"
}

build_prometheus() {
  # Debian's package, unpacked with dpkg -x instead of installed: no system
  # service is started, no root needed beyond apt's list, and it lives in the
  # cache like the rest. Its binary is a static Go build, so the package's
  # dependencies are not needed to run it.
  local debdir="$TOOLS_DIR/debs" root="$TOOLS_DIR/prometheus-root"
  mkdir -p "$debdir"
  local deb
  deb="$(find "$debdir" -maxdepth 1 -name "prometheus_*.deb" | head -n1)"
  if [[ -z "$deb" || "$(dpkg-deb -f "$deb" Version)" != "$PROMETHEUS_DEB_VERSION" ]]; then
    rm -f "$debdir"/prometheus_*.deb
    if ! apt-cache show "prometheus=$PROMETHEUS_DEB_VERSION" >/dev/null 2>&1; then
      log "apt lists lack prometheus=$PROMETHEUS_DEB_VERSION; running apt-get update"
      apt-get update -qq || log "apt-get update failed (not root?); trying anyway"
    fi
    # As root, apt would hand the download to its unprivileged _apt user,
    # which cannot write into our cache dir (it warns and falls back).
    local apt_opts=()
    ((EUID != 0)) || apt_opts=(-o APT::Sandbox::User=root)
    (cd "$debdir" && apt-get download -q "${apt_opts[@]}" "prometheus=$PROMETHEUS_DEB_VERSION") ||
      die "apt-get download prometheus=$PROMETHEUS_DEB_VERSION failed; available: $(apt-cache policy prometheus | sed -n 's/ *Candidate: //p')"
    deb="$(find "$debdir" -maxdepth 1 -name "prometheus_*.deb" | head -n1)"
  fi
  rm -rf "$root"
  dpkg -x "$deb" "$root"
  ln -sfn "$root/usr/bin/prometheus" "$BIN_DIR/prometheus"
  # promtool comes in the same package and validates configs; handy in tests.
  [[ -x "$root/usr/bin/promtool" ]] && ln -sfn "$root/usr/bin/promtool" "$BIN_DIR/promtool"
  return 0
}

build_one() {
  local tool=$1
  tool_version "$tool" >/dev/null
  if is_current "$tool"; then
    log "$tool $(tool_version "$tool"): up to date"
    return 0
  fi
  log "$tool $(tool_version "$tool"): building"
  [[ "$tool" != kube-apiserver ]] || log "kube-apiserver: ~5-6 min and ~3.5 GB of Go caches when cold (2 cores)"
  local start=$SECONDS
  rm -f "$STAMP_DIR/$tool"
  "build_$tool"
  local took=$((SECONDS - start))
  stamp_text "$tool" >"$STAMP_DIR/$tool"
  # One line per real build; the first line for a tool on a fresh cache is
  # its cold-build time (later tools reuse modules the earlier ones fetched).
  printf '%s\t%s\t%s\t%ss\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$tool" "$(tool_version "$tool")" \
    "$took" "$(cd "$BIN_DIR" && du -shcL $(tool_bins "$tool") | tail -n1 | cut -f1)" >>"$BUILD_TIMES"
  log "$tool: built in ${took}s"
}

# ---------------------------------------------------------------------------
# Smoke tests. Every server binds to 127.0.0.1 and is stopped by a trap, also
# when a check fails.
# ---------------------------------------------------------------------------
SMOKE_PIDS=()
SMOKE_TMP=""
smoke_cleanup() {
  local pid
  for pid in "${SMOKE_PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      # Give it a moment to exit cleanly before forcing it.
      for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  SMOKE_PIDS=()
  if [[ -n "$SMOKE_TMP" && -d "$SMOKE_TMP" ]]; then rm -rf "$SMOKE_TMP"; fi
  SMOKE_TMP=""
}

# shellcheck source-path=SCRIPTDIR source=tools/lib.sh
source "$SCRIPT_DIR/tools/lib.sh"

need_bin() { [[ -x "$BIN_DIR/$1" ]] || die "$1 is not built; run: bash tests/infra/tools.sh build $1"; }

smoke_k6() {
  need_bin k6
  K6_NO_USAGE_REPORT=true "$BIN_DIR/k6" version
  # One iteration of a script with a check proves the JS runtime works
  # without needing any server.
  cat >"$SMOKE_TMP/smoke.js" <<'EOF'
import { check } from "k6";
export const options = { iterations: 1, thresholds: { checks: ["rate==1"] } };
export default function () {
  check(JSON.parse('{"ok":true}'), { "json parses": (v) => v.ok === true });
}
EOF
  K6_NO_USAGE_REPORT=true "$BIN_DIR/k6" run --quiet --no-color "$SMOKE_TMP/smoke.js" >"$SMOKE_TMP/k6.log" 2>&1 ||
    { cat "$SMOKE_TMP/k6.log" >&2; die "k6 run failed"; }
  echo "k6: ran a 1-iteration script, checks passed"
}

# helm with its config/cache/data dirs inside the smoke temp dir, not $HOME.
smoke_helm_cmd() {
  HELM_CONFIG_HOME="$SMOKE_TMP/helm" HELM_CACHE_HOME="$SMOKE_TMP/helm" HELM_DATA_HOME="$SMOKE_TMP/helm" \
    "$BIN_DIR/helm" "$@"
}

smoke_helm() {
  need_bin helm
  smoke_helm_cmd version
  # Render a chart offline, which exercises the template engine end to end.
  smoke_helm_cmd create "$SMOKE_TMP/demo" >/dev/null
  # Output captured first: `cmd | grep -q` can kill cmd with SIGPIPE, which
  # pipefail would report as a failure.
  local rendered
  rendered="$(smoke_helm_cmd template smoke "$SMOKE_TMP/demo")"
  grep -q '^kind: Deployment$' <<<"$rendered" || die "helm template did not render a Deployment"
  echo "helm template: rendered the scaffold chart"
}

smoke_etcd() {
  need_bin etcd
  "$BIN_DIR/etcd" --version
  local port peer url
  port="$(free_port)"
  peer="$(free_port)"
  url="http://127.0.0.1:$port"
  "$BIN_DIR/etcd" --name smoke --data-dir "$SMOKE_TMP/etcd" \
    --listen-client-urls "$url" --advertise-client-urls "$url" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "smoke=http://127.0.0.1:$peer" >"$SMOKE_TMP/etcd.log" 2>&1 &
  SMOKE_PIDS+=($!)
  wait_http --pid "${SMOKE_PIDS[-1]}" "$url/health" 30 200 || { tail -n 20 "$SMOKE_TMP/etcd.log" >&2; die "etcd not healthy"; }
  # Round-trip a key through the v3 JSON gateway (keys/values are base64).
  curl -sS --fail "$url/v3/kv/put" -d '{"key":"ZXZo","value":"b2s="}' >/dev/null
  local got
  got="$(curl -sS --fail "$url/v3/kv/range" -d '{"key":"ZXZo"}')"
  grep -q '"value":"b2s="' <<<"$got" || die "etcd did not return the key it stored: $got"
  echo "etcd: /health 200 and put/get round trip on $url"
}

smoke_versitygw() {
  need_bin versitygw
  "$BIN_DIR/versitygw" --version
  local port data ak=evhsmokeaccess sk=evhsmokesecret123
  port="$(free_port)"
  data="$SMOKE_TMP/s3"
  mkdir -p "$data"
  # Root credentials via env (kept out of `ps`); the posix backend serves
  # buckets as directories, with metadata in xattrs.
  ROOT_ACCESS_KEY_ID="$ak" ROOT_SECRET_ACCESS_KEY="$sk" \
    "$BIN_DIR/versitygw" --port "127.0.0.1:$port" \
    posix "$data" >"$SMOKE_TMP/versitygw.log" 2>&1 &
  SMOKE_PIDS+=($!)
  wait_http --pid "${SMOKE_PIDS[-1]}" "http://127.0.0.1:$port/" 30 any || { cat "$SMOKE_TMP/versitygw.log" >&2; die "versitygw did not start"; }
  s3_request "$ak" "$sk" PUT "http://127.0.0.1:$port/evh-smoke-bucket" >/dev/null ||
    { cat "$SMOKE_TMP/versitygw.log" >&2; die "CreateBucket failed"; }
  local listing
  listing="$(s3_request "$ak" "$sk" GET "http://127.0.0.1:$port/")"
  grep -q '<Name>evh-smoke-bucket</Name>' <<<"$listing" || die "ListBuckets did not show the bucket: $listing"
  echo "versitygw: CreateBucket + ListBuckets OK on 127.0.0.1:$port"
}

smoke_prometheus() {
  need_bin prometheus
  "$BIN_DIR/prometheus" --version 2>&1 | head -n1
  local port
  port="$(free_port)"
  cat >"$SMOKE_TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 5s
scrape_configs:
  - job_name: self
    static_configs:
      - targets: ["127.0.0.1:$port"]
EOF
  "$BIN_DIR/prometheus" --config.file="$SMOKE_TMP/prometheus.yml" \
    --storage.tsdb.path="$SMOKE_TMP/prom-data" \
    --web.listen-address="127.0.0.1:$port" >"$SMOKE_TMP/prometheus.log" 2>&1 &
  SMOKE_PIDS+=($!)
  wait_http --pid "${SMOKE_PIDS[-1]}" "http://127.0.0.1:$port/-/ready" 60 200 || { tail -n 30 "$SMOKE_TMP/prometheus.log" >&2; die "prometheus not ready"; }
  echo "prometheus: /-/ready 200 on 127.0.0.1:$port"
}

smoke_jaeger() {
  need_bin jaeger
  local otlp query out trace=5b8efff798038103d269b633813fc60c
  otlp="$(free_port)"
  query="$(free_port)"
  # jaeger.sh is what the tests and `make up` use; it is stopped by smoke_cleanup's pid list.
  bash "$SCRIPT_DIR/jaeger.sh" start "$SMOKE_TMP/jaeger" "$otlp" "$query" >/dev/null
  SMOKE_PIDS+=("$(cat "$SMOKE_TMP/jaeger/jaeger.pid")")
  # One span over OTLP/HTTP (JSON), read back from the query API.
  curl -sS --fail -H 'content-type: application/json' "http://127.0.0.1:$otlp/v1/traces" -d '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"smoke"}}]},"scopeSpans":[{"spans":[{"traceId":"'"$trace"'","spanId":"eee19b7ec3c1b174","name":"smoke-span","kind":1,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000"}]}]}]}' >/dev/null
  local i
  for i in $(seq 1 40); do
    out="$(curl -s "http://127.0.0.1:$query/api/traces/$trace" || true)"
    grep -q '"operationName":"smoke-span"' <<<"$out" && break
    sleep 0.25
  done
  grep -q '"operationName":"smoke-span"' <<<"$out" || die "jaeger did not return the span it received: $out"
  echo "jaeger: a span sent over OTLP/HTTP came back from /api/traces on 127.0.0.1:$query"
}

smoke_dashboard-check() {
  need_bin dashboard-check
  "$BIN_DIR/dashboard-check" "$SCRIPT_DIR/../../charts/event-horizon/dashboards/event-horizon.json"
  printf '{"title":"smoke","schemaVersion":39,"panels":[{"type":"timeseries","gridPos":"wide"}]}' >"$SMOKE_TMP/bad.json"
  if "$BIN_DIR/dashboard-check" "$SMOKE_TMP/bad.json" >/dev/null; then die "dashboard-check accepted a broken dashboard"; fi
  echo "dashboard-check: the chart's dashboard passes, a broken one fails"
}

smoke_kube-apiserver() {
  need_bin kube-apiserver
  need_bin etcd
  "$BIN_DIR/kube-apiserver" --version
  # kube.sh is the reusable start/stop logic later integration tests use; the
  # smoke test runs it in a throwaway dir with free ports.
  local kdir="$SMOKE_TMP/kube"
  export KUBE_DIR="$kdir" KUBE_PORTS=free EVH_TOOLS_BIN="$BIN_DIR"
  # Make sure it is stopped even if a check below fails.
  SMOKE_KUBE_DIR="$kdir"
  bash "$SCRIPT_DIR/kube.sh" start >/dev/null
  local token server
  token="$(cat "$kdir/admin-token")"
  server="$(sed -n 's/^KUBE_SERVER=//p' "$kdir/env")"
  local code
  code="$(curl -sk -o "$SMOKE_TMP/readyz" -w '%{http_code}' -H "Authorization: Bearer $token" "$server/readyz")"
  [[ "$code" == 200 ]] || die "/readyz answered $code: $(cat "$SMOKE_TMP/readyz")"
  echo "kube-apiserver: /readyz 200 at $server"
  curl -sk -H "Authorization: Bearer $token" "$server/version" | grep '"gitVersion"'
  # The admin must really be system:masters under RBAC: list namespaces.
  code="$(curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$server/api/v1/namespaces")"
  [[ "$code" == 200 ]] || die "listing namespaces as admin answered $code"
  echo "kube-apiserver: admin can list namespaces (RBAC + token auth OK)"
  if [[ -x "$BIN_DIR/helm" ]]; then
    # helm against the real apiserver: proves the kubeconfig works for
    # clients and that objects are really stored (a ConfigMap needs no nodes).
    local chart="$SMOKE_TMP/cm-chart"
    mkdir -p "$chart/templates"
    printf 'apiVersion: v2\nname: cm-chart\nversion: 0.1.0\n' >"$chart/Chart.yaml"
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: evh-smoke\ndata:\n  hello: world\n' \
      >"$chart/templates/cm.yaml"
    smoke_helm_cmd --kubeconfig "$kdir/kubeconfig" install smoke "$chart" \
      --namespace evh-smoke --create-namespace >/dev/null
    local cm
    cm="$(curl -sk -H "Authorization: Bearer $token" "$server/api/v1/namespaces/evh-smoke/configmaps/evh-smoke")"
    grep -q '"hello": "world"' <<<"$cm" || die "the ConfigMap helm installed is not there: $cm"
    echo "kube-apiserver: helm install via the generated kubeconfig stored a ConfigMap"
  fi
}

SMOKE_KUBE_DIR=""
smoke_one() {
  local tool=$1
  tool_version "$tool" >/dev/null
  SMOKE_TMP="$(mktemp -d "${TMPDIR:-/tmp}/evh-smoke-$tool.XXXXXX")"
  log "smoke $tool"
  "smoke_$tool"
  smoke_stop_kube
  smoke_cleanup
  log "smoke $tool: OK"
}

smoke_stop_kube() {
  if [[ -n "$SMOKE_KUBE_DIR" ]]; then
    KUBE_DIR="$SMOKE_KUBE_DIR" bash "$SCRIPT_DIR/kube.sh" stop || true
    SMOKE_KUBE_DIR=""
  fi
}

# ---------------------------------------------------------------------------
main() {
  local cmd=${1:-}
  shift || true
  # "cluster" stands for the one-node cluster's tools, wherever it is in the list.
  local tools=() arg
  for arg in "$@"; do
    if [[ $arg == cluster ]]; then tools+=("${CLUSTER_TOOLS[@]}"); else tools+=("$arg"); fi
  done
  ((${#tools[@]} > 0)) || tools=("${ALL_TOOLS[@]}")
  case "$cmd" in
    build)
      setup_go
      mkdir -p "$BIN_DIR" "$STAMP_DIR" "$SRC_DIR"
      local t
      for t in "${tools[@]}"; do build_one "$t"; done
      ;;
    smoke)
      trap 'smoke_stop_kube; smoke_cleanup' EXIT
      trap 'exit 130' INT TERM
      local t
      for t in "${tools[@]}"; do smoke_one "$t"; done
      log "all smoke tests passed: ${tools[*]}"
      ;;
    path) echo "$BIN_DIR" ;;
    list)
      local t
      for t in "${KNOWN_TOOLS[@]}"; do printf '%s\t%s\n' "$t" "$(tool_version "$t")"; done
      ;;
    *)
      awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" >&2
      exit 2
      ;;
  esac
}

main "$@"
