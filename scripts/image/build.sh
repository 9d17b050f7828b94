#!/usr/bin/env bash
# Builds Event Horizon's container images without a Docker engine or a registry (umoci and
# skopeo, see mkimage.sh) and, when a containerd is named, imports them into it.
#   bash scripts/image/build.sh [image...]   # no image = all but postgres, in this order:
#     event-horizon              the four services (as the Dockerfile's last stage)
#     event-horizon-kafka        a jlinked JRE and Kafka's jars
#     event-horizon-redis        Debian's redis-server and redis-cli
#     event-horizon-postgres     Debian's PostgreSQL 15
#     event-horizon-objectstore  versitygw (S3 on a folder)
#     event-horizon-k6           k6, for load tests run in a pod
#     pause                      the pod sandbox (localhost/pause:3.10)
#     event-horizon-coredns      the cluster's DNS
# (the short names app, kafka, redis, postgres, objectstore, k6, coredns work too).
#
# Tars go to $EVH_CACHE/images/NAME.tar (docker-archive, one layer, linux/amd64). An image
# whose inputs did not change is not rebuilt: NAME.stamp holds the hash of its inputs (the
# host files it is made of, these scripts and its config). With EVH_CONTAINERD_ADDRESS (a
# containerd socket; the one-node cluster's env sets it) each image is imported into the
# k8s.io namespace unless containerd already lists it from this same build.
#
# Needs root: the files an image's user owns are chowned on disk, and each image is smoke
# tested by running it from its root folder with chroot, as that user, before it is packed.
set -euo pipefail
shopt -s inherit_errexit
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
umask 022

EVH_CACHE=${EVH_CACHE:-$HOME/.cache/event-horizon}
OUT=$EVH_CACHE/images
BUSYBOX=/bin/busybox
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
JDK=${EVH_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
TOOLS_BIN=$(bash "$root/tests/infra/tools.sh" path)

log() { printf '[image] %s\n' "$*" >&2; }
die() { printf '[image] error: %s\n' "$*" >&2; exit 1; }
# A step that fails without a message of its own still names itself.
set -E
trap 'printf "[image] error: \"%s\" failed (%s line %s)\n" "$BASH_COMMAND" "${BASH_SOURCE[0]##*/}" "$LINENO" >&2' ERR

# shellcheck source-path=SCRIPTDIR source=rootfs.sh
source "$here/rootfs.sh"
# shellcheck source-path=SCRIPTDIR source=images.sh
source "$here/images.sh"

KEYS=(app kafka redis postgres objectstore k6 pause coredns)
DEFAULT_KEYS=("${KEYS[@]}")

name_of() {
  case $1 in
    app) echo event-horizon ;;
    pause) echo pause ;;
    *) echo "event-horizon-$1" ;;
  esac
}

key_of() {
  local k
  for k in "${KEYS[@]}"; do
    if [[ $1 == "$k" || $1 == "$(name_of "$k")" ]]; then echo "$k" && return 0; fi
  done
  return 1
}

# input_hash KEY: what decides whether KEY is rebuilt. CONFIG must be set (KEY_config).
input_hash() {
  local key=$1 files
  files=$("${key}_inputs" | LC_ALL=C sort -u)
  {
    # The recipe: a change to how images are made rebuilds them all.
    sha256sum "$here"/*.sh "$here"/*.mjs | sed "s|$here/||"
    "${key}_ref"
    printf '%s\n' "${CONFIG[@]}"
    if declare -F "${key}_facts" >/dev/null; then "${key}_facts"; fi
    # Repo files by their path in the repo: a checkout elsewhere gives the same hash.
    xargs -d '\n' sha256sum <<<"$files" | sed "s|  $root/|  |"
  } | sha256sum | cut -d' ' -f1
}

stamp_get() { sed -n "s/^$2=//p" "$OUT/$(name_of "$1").stamp" 2>/dev/null; }

WORK=""
SMOKE_PID=""
cleanup() {
  if [[ -n $SMOKE_PID ]]; then
    kill -KILL -- "-$SMOKE_PID" 2>/dev/null || kill -KILL "$SMOKE_PID" 2>/dev/null || true
    wait "$SMOKE_PID" 2>/dev/null || true
  fi
  [[ -z $WORK ]] || rm -rf "$WORK"
}
trap cleanup EXIT

# build KEY: stages, smoke-tests and packs one image; records its hash and unpacked size.
build() {
  local key=$1 hash=$2 name ref tar rootfs unpacked t0=$SECONDS
  name=$(name_of "$key")
  ref=$("${key}_ref")
  tar=$OUT/$name.tar
  WORK=$OUT/work/$name
  rm -rf "$WORK"
  rootfs=$WORK/rootfs
  mkdir -p "$rootfs"
  log "$name: staging"
  "${key}_stage" "$rootfs"
  # What the smoke test leaves behind (the JVM's perf data in /tmp, a tool's dot files) does
  # not go into the image: every path it added is removed again.
  (cd "$rootfs" && find . -mindepth 1 | LC_ALL=C sort) >"$WORK/before"
  "${key}_smoke" "$rootfs"
  (cd "$rootfs" && find . -mindepth 1 | LC_ALL=C sort) >"$WORK/after"
  (cd "$rootfs" && LC_ALL=C comm -13 "$WORK/before" "$WORK/after" | xargs -r -d '\n' rm -rf --)
  unpacked=$(du -sb "$rootfs" | cut -f1)
  log "$name: packing $ref"
  nice -n 10 bash "$here/mkimage.sh" "$ref" "$rootfs" "$tar" "${CONFIG[@]}"
  printf 'hash=%s\nref=%s\nunpacked=%s\nbuilt_seconds=%s\n' "$hash" "$ref" "$unpacked" "$((SECONDS - t0))" \
    >"$OUT/$name.stamp"
  rm -rf "$WORK"
  WORK=""
  log "$name: built in $((SECONDS - t0)) s"
}

# import KEY: into the containerd at EVH_CONTAINERD_ADDRESS, unless it holds this build already.
# A marker per image and socket records the hash last imported there; a containerd that lost
# the image (a new cluster state) no longer lists it and gets it again.
import() {
  local key=$1 addr=$EVH_CONTAINERD_ADDRESS name ref hash marker t0=$SECONDS
  name=$(name_of "$key")
  ref=$(stamp_get "$key" ref)
  hash=$(stamp_get "$key" hash)
  marker=$OUT/$name.imported-$(cksum <<<"$addr" | cut -d' ' -f1)
  if grep -qxF "$ref" <<<"$LISTED" && [[ -f $marker && $(cat "$marker") == "$hash" ]]; then
    log "$name: containerd has this build already"
    return 0
  fi
  nice -n 10 ctr --address "$addr" -n k8s.io images import "$OUT/$name.tar" >&2 ||
    die "ctr could not import $OUT/$name.tar into $addr"
  echo "$hash" >"$marker"
  log "$name: imported as $ref in $((SECONDS - t0)) s"
}

main() {
  local keys=() arg key missing=() line
  for arg in "$@"; do
    key=$(key_of "$arg") || die "unknown image '$arg' (known: $(for k in "${KEYS[@]}"; do name_of "$k"; done | tr '\n' ' '))"
    keys+=("$key")
  done
  ((${#keys[@]} > 0)) || keys=("${DEFAULT_KEYS[@]}")

  ((EUID == 0)) || die "run as root: image files owned by uid 1000 are chowned on disk, and the smoke tests chroot"
  for arg in umoci skopeo chroot ldd; do
    command -v "$arg" >/dev/null || missing+=("$arg is required: apt-get install $arg")
  done
  for key in "${keys[@]}"; do
    while IFS= read -r line; do [[ -z $line ]] || missing+=("$(name_of "$key"): $line"); done < <("${key}_check")
  done
  if ((${#missing[@]} > 0)); then
    printf '[image] error: %s\n' "${missing[@]}" >&2
    log "nothing was built; images whose inputs are all there can be built alone: build.sh NAME..."
    exit 1
  fi

  mkdir -p "$OUT"
  exec 9>"$OUT/.lock"
  flock -n 9 || { log "another build.sh is running; waiting for it"; flock 9; }

  local t0=$SECONDS hash built=()
  for key in "${keys[@]}"; do
    "${key}_config"
    hash=$(input_hash "$key")
    if [[ -f $OUT/$(name_of "$key").tar && $(stamp_get "$key" hash) == "$hash" ]]; then
      log "$(name_of "$key"): up to date"
      continue
    fi
    build "$key" "$hash"
    built+=("$key")
  done
  log "${#built[@]} of ${#keys[@]} images built in $((SECONDS - t0)) s"

  if [[ -n ${EVH_CONTAINERD_ADDRESS:-} ]]; then
    [[ -S $EVH_CONTAINERD_ADDRESS ]] || die "EVH_CONTAINERD_ADDRESS=$EVH_CONTAINERD_ADDRESS is not a socket (is the cluster up?)"
    command -v ctr >/dev/null || die "ctr is required to import into containerd"
    LISTED=$(ctr --address "$EVH_CONTAINERD_ADDRESS" -n k8s.io images ls -q) ||
      die "ctr cannot list the images at $EVH_CONTAINERD_ADDRESS"
    for key in "${keys[@]}"; do import "$key"; done
  fi

  for key in "${keys[@]}"; do
    printf '%-52s tar %9s   unpacked %9s\n' "$(stamp_get "$key" ref)" \
      "$(human "$(stat -c %s "$OUT/$(name_of "$key").tar")")" "$(human "$(stamp_get "$key" unpacked)")"
  done
}

main "$@"
