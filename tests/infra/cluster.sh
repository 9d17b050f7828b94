#!/usr/bin/env bash
# A real one-node Kubernetes cluster on this machine (`make kube-up` / `make kube-down`):
# etcd, kube-apiserver, controller-manager, scheduler, kubelet and kube-proxy from the toolchain
# (tests/infra/tools.sh), Debian's containerd + runc + CNI plugins, CoreDNS for Service names
# and a local-path provisioner for PVCs. The measured recipe behind every setting is
# ../shared/k8s/node-recipe.md; docs/adr/0010-one-node-cluster.md says why it is built so.
#
#   bash tests/infra/cluster.sh install  # Debian's containerd, runc, CNI plugins, iptables, umoci, skopeo
#   bash tests/infra/cluster.sh start    # idempotent; prints the env (KUBECONFIG, ...)
#   bash tests/infra/cluster.sh env      # `eval "$(bash tests/infra/cluster.sh env)"`
#   bash tests/infra/cluster.sh status   # exit 0 when every component runs and the node is Ready
#   bash tests/infra/cluster.sh stop     # stops everything, undoes every change to the host;
#                                        # keeps the state (etcd, imported images) for a fast start
#   bash tests/infra/cluster.sh clean    # stop, then delete the state too
#   bash tests/infra/cluster.sh check-host  # exit 1, listing what is left on the host, if anything
#   bash tests/infra/cluster.sh can-run  # exit 0 when this machine can run the cluster, else says why
#
# The node has an address of its own, 10.250.0.1 on the bridge evh-node0 that this script
# makes: the API server, the kubelet and NodePorts listen there, never on the host's network.
# Pods live on 10.244.0.0/24 (bridge evh-cni0), Services on 10.96.0.0/16, DNS at 10.96.0.10.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=tools/lib.sh
source "$SCRIPT_DIR/tools/lib.sh"

EVH_CACHE="${EVH_CACHE:-$HOME/.cache/event-horizon}"
C="${EVH_CLUSTER_DIR:-$EVH_CACHE/cluster}"
BIN="${EVH_TOOLS_BIN:-$EVH_CACHE/tools/bin}"
RUN=/run/evh-cluster
SOCK=$RUN/containerd.sock
NODE=evh-node
NODE_IP=10.250.0.1
NODE_BRIDGE=evh-node0
POD_BRIDGE=evh-cni0
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
DNS_IP=10.96.0.10
API_PORT=16443
ETCD_PORT=12379
SERVER="https://$NODE_IP:$API_PORT"
# Sysctls the cluster changes: ip_forward is ours, the rest the kubelet's setupKernelTunables.
SYSCTLS=(net.ipv4.ip_forward vm.overcommit_memory kernel.panic kernel.panic_on_oops)
COMPONENTS=(containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy local-path)
START_TIMEOUT="${EVH_CLUSTER_START_TIMEOUT:-180}"

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }
kubectl() { "$BIN/kubectl" --kubeconfig "$C/etc/admin.kubeconfig" "$@"; }

# A pid file counts only while that pid runs a command line naming this cluster's folder, so
# a recycled pid is never signalled.
running_pid() {
  local pidfile="$C/run/$1.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$C" || return 1
  echo "$pid"
}

# launch NAME PROGRAM ARGS...: a daemon of ours, its log and pid in the cluster folder. A bare
# `prog &` (not `a && prog &`), so $! is the program itself.
launch() {
  local name=$1
  shift
  if running_pid "$name" >/dev/null; then return 0; fi
  nohup "$@" >"$C/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$C/run/$name.pid"
}

stop_component() {
  local name=$1 pid i
  if pid="$(running_pid "$name")"; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    log "stopped $name ($pid)"
  fi
  rm -f "$C/run/$name.pid"
}

# Debian package -> a file it installs.
HOST_PACKAGES=(containerd:/usr/bin/containerd runc:/usr/sbin/runc containernetworking-plugins:/usr/lib/cni/bridge
  iptables:/usr/sbin/iptables conntrack:/usr/sbin/conntrack umoci:/usr/bin/umoci skopeo:/usr/bin/skopeo
  busybox-static:/bin/busybox)

cmd_install() {
  local entry missing=()
  for entry in "${HOST_PACKAGES[@]}"; do [[ -e ${entry#*:} ]] || missing+=("${entry%%:*}"); done
  ((${#missing[@]} == 0)) && return 0
  log "installing from Debian's packages: ${missing[*]}"
  apt-get update -qq
  # --no-install-recommends: containerd would bring a system service we do not use.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

need_tools() {
  local t missing=()
  for t in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl crictl helm; do
    [[ -x "$BIN/$t" ]] || missing+=("$t")
  done
  ((${#missing[@]} == 0)) || die "not built: ${missing[*]}; run: bash tests/infra/tools.sh build cluster"
  local p
  local entry
  for entry in "${HOST_PACKAGES[@]}"; do
    [[ -e ${entry#*:} ]] || die "${entry#*:} is missing; run: bash tests/infra/cluster.sh install"
  done
  [[ -f "$ROOT/tests/dist/cluster/local-path-provisioner.js" ]] || die "the provisioner is not built; run: npx tsc -b"
  ((EUID == 0)) || die "the cluster needs root (network bridges, iptables, containerd)"
}

# ---------------------------------------------------------------------------------------------
# Configuration, generated once per cluster folder
# ---------------------------------------------------------------------------------------------
cert() { # NAME CN ORG SAN EKU
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$2${3:+/O=$3}" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n%s\n' \
    "$5" "${4:+subjectAltName=$4}" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile "$1.ext" \
    -out "$1.crt" 2>/dev/null
}

kubeconfig() { # FILE TOKEN
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: evh, cluster: {server: "$SERVER", certificate-authority: "$C/pki/ca.crt"}}]
users: [{name: user, user: {token: "$2"}}]
contexts: [{name: evh, context: {cluster: evh, user: user}}]
current-context: evh
EOF
  chmod 600 "$1"
}

# Static tokens instead of bootstrap tokens and CSRs: one node, users the bootstrap RBAC
# policy already binds (system:node:NAME, system:kube-*), and an admin in system:masters.
make_pki() {
  [[ -f "$C/pki/done" ]] && return 0
  rm -rf "$C/pki" && mkdir -p "$C/pki" && chmod 700 "$C/pki"
  (
    cd "$C/pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=evh-cluster-ca" -keyout ca.key -out ca.crt 2>/dev/null
    cert apiserver kube-apiserver "" "IP:$NODE_IP,IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" serverAuth
    # The API server's client identity towards the kubelet (logs, exec, port-forward).
    cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters "" clientAuth
    # The kubelet's serving certificate, so the API server can verify it.
    cert kubelet "$NODE" "" "IP:$NODE_IP,DNS:$NODE" serverAuth
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
  local user token
  : >"$C/pki/tokens.csv"
  for user in admin "system:node:$NODE" system:kube-controller-manager system:kube-scheduler system:kube-proxy; do
    token="$(openssl rand -hex 24)"
    case "$user" in
      admin) echo "$token,admin,admin,\"system:masters\"" ;;
      system:node:*) echo "$token,$user,$user,\"system:nodes\"" ;;
      *) echo "$token,$user,$user" ;; # an empty groups column must be left out, not ""
    esac >>"$C/pki/tokens.csv"
    kubeconfig "$C/etc/${user##*:}.kubeconfig" "$token"
  done
  mv "$C/etc/$NODE.kubeconfig" "$C/etc/kubelet.kubeconfig"
  chmod 600 "$C/pki/tokens.csv"
  touch "$C/pki/done"
}

write_configs() {
  mkdir -p "$C/etc/cni" "$C/state/cni-ipam"
  cat >"$C/etc/containerd.toml" <<EOF
# A private containerd (its own root, state and socket), so a system containerd stays untouched.
version = 2
root = "$C/state/containerd"
state = "$RUN/containerd"
[grpc]
  address = "$SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:3.10"
  # This VM has no CAP_SYS_RESOURCE in its bounding set, so runc cannot lower oom_score_adj
  # (the sandbox asks for -998): clamp every score to containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$C/etc/cni"
EOF
  # host-local keeps its leases in our folder instead of /var/lib/cni.
  cat >"$C/etc/cni/10-evh.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "evh-pods", "plugins": [
  { "type": "bridge", "bridge": "$POD_BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
    "ipam": { "type": "host-local", "dataDir": "$C/state/cni-ipam",
              "ranges": [[{ "subnet": "$POD_CIDR", "gateway": "10.244.0.1" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
  { "type": "portmap", "capabilities": { "portMappings": true } },
  { "type": "loopback" } ] }
EOF
  cat >"$C/etc/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# kubelet >= 1.35 refuses cgroup v1 unless told otherwise; this VM has cgroup v1 hierarchies.
failCgroupV1: false
# containerd 1.6 has no RuntimeConfig RPC: v1.37 falls back to this driver.
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$SOCK
failSwapOn: false
address: $NODE_IP
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $C/pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $C/pki/kubelet.crt
tlsPrivateKeyFile: $C/pki/kubelet.key
clusterDomain: cluster.local
clusterDNS: [$DNS_IP]
resolvConf: /etc/resolv.conf
rotateCertificates: false
serverTLSBootstrap: false
healthzBindAddress: 127.0.0.1
imageGCHighThresholdPercent: 95
evictionHard: {memory.available: "200Mi", nodefs.available: "2%", imagefs.available: "2%"}
EOF
  cat >"$C/etc/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: 10.244.0.0/16
hostnameOverride: $NODE
nodePortAddresses: ["$NODE_IP/32"]
clientConnection: {kubeconfig: $C/etc/kube-proxy.kubeconfig}
# 0 leaves the host's conntrack sysctls alone (kube-proxy would raise them otherwise).
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
EOF
}

# ---------------------------------------------------------------------------------------------
# Host changes: made by start, undone by stop
# ---------------------------------------------------------------------------------------------
host_up() {
  # The originals are kept the first time only, so a second start cannot record our values.
  if [[ ! -f "$C/run/sysctl.orig" ]]; then
    local s
    for s in "${SYSCTLS[@]}"; do echo "$s=$(sysctl -n "$s")"; done >"$C/run/sysctl.orig"
  fi
  sysctl -qw net.ipv4.ip_forward=1
  if ! ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
    ip link add "$NODE_BRIDGE" type bridge
    ip addr add "$NODE_IP/32" dev "$NODE_BRIDGE"
  fi
  ip link set "$NODE_BRIDGE" up
  mkdir -p "$RUN"
}

host_down() {
  # iptables: kube-proxy's chains, then every rule and chain the kubelet and CNI made.
  [[ ! -x "$BIN/kube-proxy" ]] || "$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  local t
  for t in iptables ip6tables; do
    if command -v "$t-save" >/dev/null && "$t-save" | grep -qE 'KUBE-|CNI-'; then
      "$t-save" | grep -vE 'KUBE-|CNI-' | "$t-restore"
    fi
  done
  local dev
  for dev in "$POD_BRIDGE" "$NODE_BRIDGE"; do ! ip link show "$dev" >/dev/null 2>&1 || ip link del "$dev"; done
  # veth ends left by a pod that was not torn down through CNI.
  for dev in $(ip -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    [[ "$(cat "/sys/class/net/$dev/master/uevent" 2>/dev/null)" != *"$POD_BRIDGE"* ]] || ip link del "$dev" || true
  done
  # Mounts below our folders (overlay snapshots, projected volumes), deepest first.
  local m
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(
    awk -v c="$C/" -v r="$RUN/" 'index($2, c) == 1 || index($2, r) == 1 { print $2 }' /proc/mounts | sort -r)
  # Network namespaces containerd made for our pods.
  local ns
  for ns in $(ls /var/run/netns 2>/dev/null); do
    [[ "$ns" == cni-* ]] || continue
    ip netns pids "$ns" 2>/dev/null | grep -q . || ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$C/state/cni-ipam"
  if [[ -f "$C/run/sysctl.orig" ]]; then
    local line
    while read -r line; do sysctl -qw "$line" || true; done <"$C/run/sysctl.orig"
    rm -f "$C/run/sysctl.orig"
  fi
  rm -rf "$RUN"
}

# Lists what of ours is still on the host; exit 1 when anything is.
cmd_check_host() {
  local left=()
  local n
  for n in "${COMPONENTS[@]}"; do ! running_pid "$n" >/dev/null || left+=("process $n"); done
  pgrep -f "containerd-shim.*$RUN" >/dev/null && left+=("containerd shims")
  for t in iptables ip6tables; do
    ! "$t-save" 2>/dev/null | grep -qE 'KUBE-|CNI-' || left+=("$t rules")
  done
  for n in "$POD_BRIDGE" "$NODE_BRIDGE"; do ! ip link show "$n" >/dev/null 2>&1 || left+=("link $n"); done
  ! ls /var/run/netns 2>/dev/null | grep -q '^cni-' || left+=("netns cni-*")
  ! awk -v c="$C/" -v r="$RUN/" 'index($2, c) == 1 || index($2, r) == 1' /proc/mounts | grep -q . || left+=("mounts")
  [[ ! -e "$C/run/sysctl.orig" ]] || left+=("sysctls not restored")
  [[ ! -e "$RUN" ]] || left+=("$RUN")
  if ((${#left[@]})); then
    printf 'left on the host: %s\n' "${left[@]}" >&2
    return 1
  fi
  echo "nothing of the cluster is left on the host"
}

# What `make test` asks before its cluster phase: root, Linux with cgroups, a Go toolchain to
# build the components, and a kernel that lets us make a bridge.
cmd_can_run() {
  ((EUID == 0)) || { echo "not root"; return 1; }
  [[ $(uname -s) == Linux && -d /sys/fs/cgroup ]] || { echo "not Linux with cgroups"; return 1; }
  command -v go >/dev/null || [[ -x /usr/local/go/bin/go ]] || { echo "no Go toolchain"; return 1; }
  command -v apt-get >/dev/null || [[ -x /usr/bin/containerd ]] || { echo "no apt-get and no containerd"; return 1; }
  if ! ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
    ip link add evh-probe0 type bridge 2>/dev/null || { echo "cannot create a network bridge"; return 1; }
    ip link del evh-probe0
  fi
  echo "this machine can run the one-node cluster"
}

# ---------------------------------------------------------------------------------------------
# start / stop
# ---------------------------------------------------------------------------------------------
wait_for() { # WHAT TIMEOUT COMMAND...
  local what=$1 timeout=$2 start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - start < timeout)) || { log "$what not ready after ${timeout}s"; return 1; }
    sleep 0.5
  done
  log "$what ready after $((SECONDS - start))s"
}

api() { curl -sf --cacert "$C/pki/ca.crt" -H "Authorization: Bearer $(sed -n 's/^\([^,]*\),admin,.*/\1/p' "$C/pki/tokens.csv")" "$SERVER$1"; }

node_ready() { kubectl get node "$NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' | grep -qx True; }

cmd_start() {
  need_tools
  mkdir -p "$C/etc" "$C/logs" "$C/run" "$C/state" "$C/volumes"
  C="$(cd "$C" && pwd)"
  local t0=$SECONDS
  CLUSTER_STARTED=0
  trap '[[ $CLUSTER_STARTED == 1 ]] || { log "start failed; stopping what started"; cmd_stop; }' EXIT
  make_pki
  write_configs
  host_up
  local P=$C/pki E=$C/etc
  # Components inherit nice 10: the cluster shares two cores with its own workload.
  launch containerd nice -n 10 containerd --config "$E/containerd.toml"
  wait_for containerd 30 "$BIN/crictl" --runtime-endpoint "unix://$SOCK" version
  # fsync off: a dev cluster's etcd on a shared disk is otherwise the slowest part of a start.
  launch etcd nice -n 10 "$BIN/etcd" --name evh --data-dir "$C/state/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls http://127.0.0.1:12380 --initial-advertise-peer-urls http://127.0.0.1:12380 \
    --initial-cluster evh=http://127.0.0.1:12380 --log-level warn --unsafe-no-fsync
  wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
  launch kube-apiserver nice -n 10 "$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$API_PORT" \
    --service-cluster-ip-range "$SERVICE_CIDR" --allow-privileged=true \
    --tls-cert-file "$P/apiserver.crt" --tls-private-key-file "$P/apiserver.key" --client-ca-file "$P/ca.crt" \
    --token-auth-file "$P/tokens.csv" --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$P/sa.pub" --service-account-signing-key-file "$P/sa.key" \
    --kubelet-client-certificate "$P/apiserver-kubelet-client.crt" --kubelet-client-key "$P/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$P/ca.crt" --kubelet-preferred-address-types InternalIP \
    --cert-dir "$C/state/apiserver-certs" --profiling=false
  wait_for kube-apiserver "$START_TIMEOUT" api /readyz
  launch kube-controller-manager nice -n 10 "$BIN/kube-controller-manager" --kubeconfig "$E/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig "$E/kube-controller-manager.kubeconfig" --authorization-kubeconfig "$E/kube-controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --service-account-private-key-file "$P/sa.key" --root-ca-file "$P/ca.crt" \
    --cluster-signing-cert-file "$P/ca.crt" --cluster-signing-key-file "$P/ca.key" \
    --use-service-account-credentials=true --service-cluster-ip-range "$SERVICE_CIDR" --leader-elect=false --profiling=false
  launch kube-scheduler nice -n 10 "$BIN/kube-scheduler" --kubeconfig "$E/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig "$E/kube-scheduler.kubeconfig" --authorization-kubeconfig "$E/kube-scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false
  launch kubelet nice -n 10 "$BIN/kubelet" --config "$E/kubelet.yaml" --kubeconfig "$E/kubelet.kubeconfig" \
    --hostname-override "$NODE" --node-ip "$NODE_IP" --root-dir "$C/state/kubelet"
  launch kube-proxy nice -n 10 "$BIN/kube-proxy" --config "$E/kube-proxy.yaml"
  launch local-path nice -n 10 node "$ROOT/tests/dist/cluster/local-path-provisioner.js" \
    --kubeconfig "$E/admin.kubeconfig" --dir "$C/volumes" --node "$NODE"
  wait_for "node $NODE" "$START_TIMEOUT" node_ready
  wait_for "ServiceAccount default" 60 kubectl -n default get serviceaccount default
  kubectl apply -f "$SCRIPT_DIR/cluster/addons.yaml" >/dev/null
  write_env
  CLUSTER_STARTED=1
  log "cluster up after $((SECONDS - t0))s; images: make image; then: eval \"\$(bash tests/infra/cluster.sh env)\""
  cmd_env
}

# CoreDNS needs its image, which `make image` imports; the cluster is usable for everything
# else before that, so this waits separately.
cmd_wait_dns() {
  wait_for CoreDNS "${1:-120}" kubectl -n kube-system rollout status deployment/coredns --timeout=5s
}

write_env() {
  cat >"$C/env" <<EOF
KUBECONFIG=$C/etc/admin.kubeconfig
EVH_CONTAINERD_ADDRESS=$SOCK
EVH_CLUSTER_NODE_IP=$NODE_IP
EOF
}

cmd_env() {
  [[ -f "$C/env" ]] || die "no cluster in $C; run: make kube-up"
  sed 's/^/export /' "$C/env"
}

cmd_status() {
  local n
  for n in "${COMPONENTS[@]}"; do running_pid "$n" >/dev/null || { echo "$n: not running"; return 1; }; done
  node_ready || { echo "node $NODE: not Ready"; return 1; }
  echo "running; node $NODE Ready"
}

cmd_stop() {
  [[ -d "$C" ]] || return 0
  C="$(cd "$C" && pwd)"
  # The kubelet first, so nothing restarts the pods that CRI now tears down (CNI DEL frees
  # their addresses, namespaces and veths); then the rest in reverse start order.
  stop_component kubelet
  if running_pid containerd >/dev/null; then
    timeout 60 "$BIN/crictl" --runtime-endpoint "unix://$SOCK" rmp -fa >/dev/null 2>&1 || log "crictl rmp -fa failed"
  fi
  local n
  for n in local-path kube-proxy kube-scheduler kube-controller-manager kube-apiserver etcd containerd; do stop_component "$n"; done
  # Killing containerd leaves its shims running.
  pkill -f "containerd-shim-runc-v2 .*-address $SOCK" 2>/dev/null || true
  host_down
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  wait-dns) shift; cmd_wait_dns "$@" ;;
  check-host) cmd_check_host ;;
  can-run) cmd_can_run ;;
  clean) cmd_stop; rm -rf "$C" ;;
  *) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
