#!/usr/bin/env bash
# A private Podman serving the Docker API, configured so that it runs containers on a VM like
# this one (Debian 12's Podman 4.3.1, root, no systemd, cgroup v1 with a cgroup2 beside it,
# no CAP_SYS_RESOURCE in the bounding set). make test's containers phase starts its
# testcontainers on it (tests/infra/containers.sh phase); see docs/adr/0016.
#   podman.sh install      apt-get install podman slirp4netns (runc comes with the cluster's packages)
#   podman.sh can-run      exit 0 when this machine can run it, else says why
#   podman.sh start DIR    `podman system service` on DIR/podman.sock, with storage, run state and
#                          configuration of its own in DIR; prints the env words for testcontainers
#                          and tests/infra/containers.sh: DOCKER_HOST=unix://DIR/podman.sock
#                          EVH_INFRA_NETWORK_MODE=slirp4netns (export $(podman.sh start DIR))
#   podman.sh stop DIR     stops it and removes what it held: containers, images, mounts, DIR
# Nothing else of the host is used or changed: not /var/lib/containers/storage, /run/libpod,
# /run/runc or /etc/containers, no bridge, no iptables rule, no sysctl (slirp4netns networking,
# ports forwarded in user space). One exception Podman 4.3 cannot move for root: its image
# blob-info cache, /var/lib/containers/cache/blob-info-cache-v1.boltdb (64 KB), written on a load.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

# Without Debian's recommendations (buildah, dbus-user-session, fuse-overlayfs, uidmap): a
# root service on this VM needs none of them.
install() {
  local missing=() t
  for t in podman slirp4netns runc; do command -v "$t" >/dev/null || missing+=("$t"); done
  ((${#missing[@]})) || return 0
  log "installing ${missing[*]} from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

can_run() {
  ((EUID == 0)) || { echo "not root (this configuration is for a root Podman)"; return 1; }
  [[ $(uname -s) == Linux ]] || { echo "not Linux"; return 1; }
  local t
  for t in podman slirp4netns runc; do
    command -v "$t" >/dev/null || { echo "$t is not installed (bash tests/infra/podman.sh install)"; return 1; }
  done
  echo "podman $(podman --version | awk '{ print $3 }') can serve the Docker API here"
}

# The configuration, and why each line is there (each was an error before it):
# - default_ulimits: for a root container Podman asks for nofile 1048576 and nproc 4194304,
#   and this VM lacks CAP_SYS_RESOURCE, so no process may raise a hard limit: runc fails with
#   "error setting rlimit type 7 (or 6): operation not permitted", crun with "setrlimit
#   `RLIMIT_NOFILE`: Operation not permitted". Limits at or under the service's own are kept;
#   the service lowers its own nproc to 32768 when it starts (its /proc/PID/limits shows it).
# - runtime runc: crun 1.8.1 refuses this host's mix of cgroup v1 and a cgroup2 mount ("cgroups
#   in hybrid mode not supported, drop all controllers from cgroupv2"); runc 1.1.5 runs there.
# - engine.runtimes runc: a two-line wrapper that gives runc `--root DIR/runc` (its default
#   is /run/runc, which conmon's cleanup would otherwise create).
# - cgroup_manager cgroupfs, events_logger file: there is no systemd and no journald.
# - netns slirp4netns: a user-space network per container, so no CNI bridge, no iptables
#   rule and no ip_forward change that the one-node cluster's check-host would see; published
#   ports are forwarded by Podman's rootlessport on the host address asked for (127.0.0.1).
#   This is the CLI's default only: the Docker API puts a container on the CNI bridge unless
#   its NetworkMode says slirp4netns, which containers.sh phase asks for (EVH_INFRA_NETWORK_MODE).
# - oom_score_adj needs nothing: Podman leaves it at 0 (containerd's pause asked for -998).
write_conf() {
  local dir=$1 nofile nproc
  nofile=$(ulimit -Hn)
  [[ $nofile == unlimited || $nofile -gt 1048576 ]] && nofile=1048576
  nproc=$(ulimit -Hu)
  [[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
  mkdir -p "$dir/tmp" "$dir/net" "$dir/bin"
  # runc with its state in DIR rather than /run/runc, for every caller: the service, conmon
  # and the `podman container cleanup` that conmon runs when a container exits.
  printf '#!/bin/sh\nexec %q --root %q "$@"\n' "$(command -v runc)" "$dir/runc" >"$dir/bin/runc"
  chmod 0755 "$dir/bin/runc"
  cat >"$dir/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
netns = "slirp4netns"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$dir/tmp"
image_copy_tmp_dir = "$dir/tmp"

[engine.runtimes]
runc = ["$dir/bin/runc"]

[network]
network_config_dir = "$dir/net"
CONF
}

# pm DIR ARGS...: podman on DIR's storage and configuration.
pm() {
  local dir=$1; shift
  CONTAINERS_CONF="$dir/containers.conf" podman --root "$dir/storage" --runroot "$dir/run" "$@"
}

# host_state: what a root Podman could change on the host and must not (see write_conf).
host_state() {
  echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"
  echo "cni_chains=$(iptables-save 2>/dev/null | grep -c -E '^:(CNI|NETAVARK)' || true)"
  echo "bridges=$(ip -o link show type bridge 2>/dev/null | grep -c -E 'cni-podman|podman[0-9]' || true)"
}

serving() { [[ $(curl -s --max-time 2 --unix-socket "$1/podman.sock" http://d/_ping) == OK ]]; }

start() {
  local dir=$1
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if pid_alive "$dir/podman.pid" && serving "$dir"; then
    log "podman already serving on $dir/podman.sock (pid $(cat "$dir/podman.pid"))"
  else
    local why
    why=$(can_run) || die "$why"
    write_conf "$dir"
    host_state >"$dir/host.before"
    rm -f "$dir/podman.sock"
    # --time 0: the service runs until stopped, not 5 s after its last request.
    CONTAINERS_CONF="$dir/containers.conf" setsid nohup podman --root "$dir/storage" --runroot "$dir/run" \
      system service --time 0 "unix://$dir/podman.sock" >"$dir/podman.log" 2>&1 </dev/null &
    echo $! >"$dir/podman.pid"
    wait_ready 30 "podman on $dir/podman.sock" "$(cat "$dir/podman.pid")" serving "$dir" ||
      { tail -20 "$dir/podman.log" >&2; die "podman did not start"; }
    log "podman $(podman --version | awk '{ print $3 }') serving the Docker API on $dir/podman.sock (pid $(cat "$dir/podman.pid"))"
  fi
  # The second word is for tests/infra/containers.sh: see netns in write_conf.
  echo "DOCKER_HOST=unix://$dir/podman.sock EVH_INFRA_NETWORK_MODE=slirp4netns"
}

stop() {
  local dir=$1
  [[ -d $dir ]] || return 0
  dir=$(cd "$dir" && pwd)
  [[ -f $dir/containers.conf ]] || return 0
  # Containers a run cut short left (testcontainers removes its own), then the service, then
  # the storage with its images and overlay mounts.
  [[ ! -d $dir/storage ]] || pm "$dir" rm --all --force --time 2 >/dev/null 2>&1 || true
  stop_pid "$dir/podman.pid" 10 || true
  [[ ! -d $dir/storage ]] || pm "$dir" system reset --force >/dev/null 2>&1 || true
  local m
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  # A change here means a container was put on Podman's CNI bridge: say so, loudly.
  if [[ -f $dir/host.before ]] && ! diff <(cat "$dir/host.before") <(host_state) >/dev/null; then
    log "WARNING: the host changed while podman ran: before $(tr '\n' ' ' <"$dir/host.before"), now $(host_state | tr '\n' ' ')"
  fi
  rm -rf "$dir"
  log "podman in $dir stopped and removed"
}

cmd=${1:-}; shift || true
case "$cmd" in
  install) install ;;
  can-run) can_run ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  *) die "usage: podman.sh install|can-run|start DIR|stop DIR" ;;
esac
