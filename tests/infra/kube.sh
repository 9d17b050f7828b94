#!/usr/bin/env bash
# A throwaway Kubernetes control plane (etcd + kube-apiserver, no nodes) on
# 127.0.0.1, for integration tests that only need the API: CRDs, RBAC,
# helm install/template against a real server, controllers talking to it.
#
#   bash tests/infra/kube.sh start   # idempotent; prints the env on success
#   bash tests/infra/kube.sh env     # `eval "$(bash tests/infra/kube.sh env)"`
#   bash tests/infra/kube.sh status  # exit 0 if both processes run
#   bash tests/infra/kube.sh stop    # stops both; keeps KUBE_DIR (data, certs)
#   bash tests/infra/kube.sh clean   # stop, then delete KUBE_DIR
#
# Settings (environment):
#   KUBE_DIR       state dir (certs, etcd data, logs, kubeconfig, env);
#                  default ${EVH_CACHE:-~/.cache/event-horizon}/run/kube
#   KUBE_PORTS     auto (default): 6443 / 2379 / 2380 when free, else free
#                  ports; fixed: those ports or fail; free: always free ports
#   KUBE_APISERVER_PORT, KUBE_ETCD_PORT, KUBE_ETCD_PEER_PORT: explicit ports
#   EVH_TOOLS_BIN  where etcd and kube-apiserver are (tests/infra/tools.sh path)
#
# The binaries come from `bash tests/infra/tools.sh build etcd kube-apiserver`.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=tools/lib.sh
source "$SCRIPT_DIR/tools/lib.sh"

EVH_CACHE="${EVH_CACHE:-$HOME/.cache/event-horizon}"
KUBE_DIR="${KUBE_DIR:-$EVH_CACHE/run/kube}"
EVH_TOOLS_BIN="${EVH_TOOLS_BIN:-$EVH_CACHE/tools/bin}"
KUBE_PORTS="${KUBE_PORTS:-auto}"
# Readiness budget: a cold apiserver on 2 busy cores needs ~10-30 s.
KUBE_START_TIMEOUT="${KUBE_START_TIMEOUT:-180}"

log() { printf '[kube] %s\n' "$*" >&2; }
die() { printf '[kube] ERROR: %s\n' "$*" >&2; exit 1; }

port_free() {
  python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

# choose_port EXPLICIT DEFAULT -> prints the port to use
choose_port() {
  local explicit=$1 default=$2
  if [[ -n "$explicit" ]]; then echo "$explicit"; return; fi
  case "$KUBE_PORTS" in
    fixed) port_free "$default" || die "port $default is in use (KUBE_PORTS=fixed)"; echo "$default" ;;
    free) free_port ;;
    auto) if port_free "$default"; then echo "$default"; else free_port; fi ;;
    *) die "KUBE_PORTS must be auto, fixed or free (got '$KUBE_PORTS')" ;;
  esac
}

# A pid file only counts if that pid still runs our binary with our KUBE_DIR
# on its command line, so a recycled pid is never signalled.
running_pid() {
  local name=$1 pidfile="$KUBE_DIR/$1.pid" pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] && [[ -r "/proc/$pid/cmdline" ]] || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  [[ "$cmdline" == *"$name"*"$KUBE_DIR"* ]] || return 1
  echo "$pid"
}

stop_one() {
  local name=$1 pid
  if pid="$(running_pid "$name")"; then
    kill "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 40; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name ($pid) did not stop in 10s; killing"
      kill -9 "$pid" 2>/dev/null || true
    fi
    log "stopped $name ($pid)"
  fi
  rm -f "$KUBE_DIR/$name.pid"
}

cmd_stop() {
  # apiserver first: it would otherwise spam errors about the lost etcd.
  stop_one kube-apiserver
  stop_one etcd
}

cmd_status() {
  running_pid etcd >/dev/null && running_pid kube-apiserver >/dev/null
}

cmd_env() {
  [[ -f "$KUBE_DIR/env" ]] || die "no env in $KUBE_DIR; run: bash tests/infra/kube.sh start"
  cmd_status || log "warning: the control plane in $KUBE_DIR is not running"
  sed 's/^/export /' "$KUBE_DIR/env"
}

# Certificates: a private CA and a serving cert for 127.0.0.1/localhost and the
# in-cluster names, an RSA key pair that signs service-account tokens, and a
# static token for an admin in system:masters (RBAC's built-in superuser
# group). Generated once per KUBE_DIR and reused across restarts.
make_pki() {
  local pki="$KUBE_DIR/pki"
  [[ -f "$pki/done" ]] && return 0
  rm -rf "$pki"
  mkdir -p "$pki"
  chmod 700 "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=evh-test-ca" \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
      -keyout apiserver.key -out apiserver.csr 2>/dev/null
    cat >apiserver.ext <<'EOF'
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
      -days 3650 -extfile apiserver.ext -out apiserver.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
  local token
  token="$(openssl rand -hex 24)"
  printf '%s\n' "$token" >"$KUBE_DIR/admin-token"
  # Format: token,user,uid,"group1,group2"
  printf '%s,evh-admin,evh-admin,"system:masters"\n' "$token" >"$pki/tokens.csv"
  chmod 600 "$KUBE_DIR/admin-token" "$pki/tokens.csv"
  touch "$pki/done"
}

write_kubeconfig() {
  local server=$1 token=$2 ca
  ca="$(base64 -w0 <"$KUBE_DIR/pki/ca.crt")"
  cat >"$KUBE_DIR/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: evh
    cluster:
      server: $server
      certificate-authority-data: $ca
users:
  - name: evh-admin
    user:
      token: $token
contexts:
  - name: evh
    context:
      cluster: evh
      user: evh-admin
current-context: evh
EOF
  chmod 600 "$KUBE_DIR/kubeconfig"
}

cmd_start() {
  local etcd="$EVH_TOOLS_BIN/etcd" apiserver="$EVH_TOOLS_BIN/kube-apiserver"
  [[ -x "$etcd" && -x "$apiserver" ]] ||
    die "etcd/kube-apiserver not in $EVH_TOOLS_BIN; run: bash tests/infra/tools.sh build etcd kube-apiserver"
  mkdir -p "$KUBE_DIR"
  KUBE_DIR="$(cd "$KUBE_DIR" && pwd)"   # absolute: it goes on command lines and into pid checks

  if cmd_status; then
    log "already running"
    cmd_env
    return 0
  fi
  cmd_stop   # half-running (one of the two died): start both afresh

  # If anything below fails, do not leave a lone etcd behind. (A global, not
  # a local: the EXIT trap runs after this function has returned.)
  KUBE_STARTED=0
  trap '[[ $KUBE_STARTED == 1 ]] || cmd_stop' EXIT

  make_pki
  local etcd_port peer_port api_port
  etcd_port="$(choose_port "${KUBE_ETCD_PORT:-}" 2379)"
  peer_port="$(choose_port "${KUBE_ETCD_PEER_PORT:-}" 2380)"
  [[ "$peer_port" != "$etcd_port" ]] || peer_port="$(free_port)"
  api_port="$(choose_port "${KUBE_APISERVER_PORT:-}" 6443)"

  local etcd_url="http://127.0.0.1:$etcd_port" peer_url="http://127.0.0.1:$peer_port"
  # --unsafe-no-fsync: test data is throwaway, and fsync on a shared CI disk
  # is the main source of slow etcd writes.
  nohup "$etcd" --name evh --data-dir "$KUBE_DIR/etcd-data" \
    --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
    --listen-peer-urls "$peer_url" --initial-advertise-peer-urls "$peer_url" \
    --initial-cluster "evh=$peer_url" --log-level warn --unsafe-no-fsync \
    >"$KUBE_DIR/etcd.log" 2>&1 </dev/null &
  echo $! >"$KUBE_DIR/etcd.pid"
  wait_http --pid "$(cat "$KUBE_DIR/etcd.pid")" "$etcd_url/health" 60 200 || { tail -n 20 "$KUBE_DIR/etcd.log" >&2; die "etcd did not become healthy"; }
  log "etcd up at $etcd_url (pid $(cat "$KUBE_DIR/etcd.pid"))"

  local pki="$KUBE_DIR/pki"
  # --advertise-address: without it the apiserver looks for a default route,
  # which sandboxes without a network do not have.
  # --endpoint-reconciler-type=none: there are no nodes or service network;
  # do not maintain the kubernetes service endpoints.
  # --disable-admission-plugins=ServiceAccount: pods are never run, and the
  # plugin would demand token controllers we do not start.
  nohup "$apiserver" \
    --etcd-servers "$etcd_url" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --token-auth-file "$pki/tokens.csv" \
    --authorization-mode RBAC \
    --disable-admission-plugins ServiceAccount \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" \
    --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --endpoint-reconciler-type none \
    --cert-dir "$KUBE_DIR/apiserver-certs" \
    --profiling=false \
    >"$KUBE_DIR/kube-apiserver.log" 2>&1 </dev/null &
  echo $! >"$KUBE_DIR/kube-apiserver.pid"

  local server="https://127.0.0.1:$api_port" token
  token="$(cat "$KUBE_DIR/admin-token")"
  if ! wait_http --pid "$(cat "$KUBE_DIR/kube-apiserver.pid")" "$server/readyz" "$KUBE_START_TIMEOUT" 200 \
    --cacert "$pki/ca.crt" -H "Authorization: Bearer $token"; then
    tail -n 40 "$KUBE_DIR/kube-apiserver.log" >&2
    die "kube-apiserver not ready"
  fi
  log "kube-apiserver ready at $server (pid $(cat "$KUBE_DIR/kube-apiserver.pid"))"

  write_kubeconfig "$server" "$token"
  cat >"$KUBE_DIR/env" <<EOF
KUBECONFIG=$KUBE_DIR/kubeconfig
KUBE_SERVER=$server
KUBE_CA_FILE=$pki/ca.crt
KUBE_TOKEN_FILE=$KUBE_DIR/admin-token
ETCD_ENDPOINT=$etcd_url
EOF
  KUBE_STARTED=1
  cmd_env
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) if cmd_status; then echo running; else echo stopped; exit 1; fi ;;
  env) cmd_env ;;
  clean) cmd_stop; rm -rf "$KUBE_DIR" ;;
  *) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
esac
