# shellcheck shell=bash
# Helpers that fill an image's root folder from this machine's files. Sourced by build.sh.
# The layout is Debian's merged /usr (/bin, /lib, /lib64 and /sbin are links into /usr), so
# every path `ldd` prints here, /lib/... or /usr/lib/..., resolves the same way in the image.

# The busybox applets an image with a shell gets: enough for the charts' `sh -c` commands and
# probes and for a look around with `kubectl exec` (tar makes `kubectl cp` work). Not wget:
# Debian's static busybox crashes resolving names without glibc's NSS modules.
BUSYBOX_APPLETS=(sh ash cat chmod cp cut df du echo env expr false find grep head hostname id
  kill ln ls mkdir mv nproc ps pwd readlink rm rmdir sed sleep sort stat tail tar test '[' touch
  tr true uname wc whoami xargs)

# base_rootfs ROOTFS USER UID GID: the folders every image has, /etc/passwd and /etc/group
# with root and the image's user, a home for that user, and /tmp writable by everyone.
base_rootfs() {
  local r=$1 user=$2 uid=$3 gid=$4 d
  # /proc, /dev and /sys: mount points, empty in the image; the runtime mounts them.
  mkdir -p "$r"/usr/{bin,sbin,lib,lib64} "$r"/{etc,tmp,root,proc,dev,sys} "$r/home/$user"
  for d in bin sbin lib lib64; do ln -s "usr/$d" "$r/$d"; done
  chmod 1777 "$r/tmp"
  chmod 700 "$r/root"
  chown "$uid:$gid" "$r/home/$user"
  printf 'root:x:0:0:root:/root:/bin/sh\n%s:x:%s:%s::/home/%s:/bin/sh\n' "$user" "$uid" "$gid" "$user" \
    >"$r/etc/passwd"
  printf 'root:x:0:\n%s:x:%s:\n' "$user" "$gid" >"$r/etc/group"
  # Without this file glibc asks DNS before /etc/hosts (and so resolves localhost slowly).
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$r/etc/nsswitch.conf"
}

# add_busybox ROOTFS: Debian's static busybox as /usr/bin/busybox and its applets beside it.
add_busybox() {
  local r=$1 a
  install -m 0755 "$BUSYBOX" "$r/usr/bin/busybox"
  for a in "${BUSYBOX_APPLETS[@]}"; do ln -sf busybox "$r/usr/bin/$a"; done
}

add_ca_bundle() {
  mkdir -p "$1/etc/ssl/certs"
  install -m 0644 "$CA_BUNDLE" "$1/etc/ssl/certs/ca-certificates.crt"
}

# elf_libs ELF...: the shared libraries the ELF files load, as ldd resolves them here (the
# dynamic loader included), one path a line; nothing for a static binary. LD_LIBRARY_PATH
# lets the caller name the folders of libraries that are found through an rpath at run time.
elf_libs() {
  local f out
  for f in "$@"; do
    if ! out=$(ldd "$f" 2>&1); then
      # ldd fails on static binaries and on files that are not ELF at all; both need nothing.
      [[ $out == *"not a dynamic executable"* || $out == *"statically linked"* ]] && continue
      die "ldd $f: $out"
    fi
    if grep -q 'not found' <<<"$out"; then
      die "$f needs a library this machine lacks: $(grep 'not found' <<<"$out" | tr -s ' \t' ' ')"
    fi
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$out"
  done | sort -u
}

# add_libs ROOTFS ELF...: copies the libraries the ELF files need to the same paths in ROOTFS,
# dereferenced (`cp -L`): the image gets the file itself, not Debian's version symlinks.
# Libraries already inside ROOTFS (a JRE's own, found through LD_LIBRARY_PATH) stay put.
add_libs() {
  local r=$1 libs lib
  shift
  libs=$(elf_libs "$@")
  while IFS= read -r lib; do
    [[ -n $lib && $lib != "$r"/* ]] || continue
    mkdir -p "$r$(dirname "$lib")"
    cp -L "$lib" "$r$lib"
  done <<<"$libs"
}

# chroot_cmd ROOTFS UID:GID [VAR=value...] -- COMMAND...: sets CMD to a command line that
# runs COMMAND inside ROOTFS as that user with only the given environment, as the container
# will. Where namespaces are allowed it gets its own /proc and the host's /dev (the JVM reads
# both) in a mount namespace of its own, so nothing is mounted on the host and both folders
# are empty again afterwards; its own pid namespace ends every process it started with it.
# CMD is left for the caller to run: `"${CMD[@]}" &` gives the pid to stop, with SIGKILL (unshare
# passes other signals by, and its --kill-child then ends what runs inside).
chroot_cmd() {
  local r=$1 user=$2 env=()
  shift 2
  while [[ $1 != -- ]]; do env+=("$1"); shift; done
  shift
  CMD=()
  if [[ -z ${CHROOT_NS:-} ]]; then
    CHROOT_NS=no
    unshare --mount --pid --fork --kill-child true 2>/dev/null && CHROOT_NS=yes
  fi
  if [[ $CHROOT_NS == yes ]]; then
    # shellcheck disable=SC2016 # expanded by the inner shell
    CMD=(unshare --mount --pid --fork --kill-child --mount-proc="$r/proc"
      sh -c 'mount --rbind /dev "$0/dev" && exec "$@"' "$r")
  fi
  CMD+=(env -i "${env[@]}" "$(command -v chroot)" --userspec="$user" "$r" "$@")
}

chroot_as() {
  chroot_cmd "$@"
  "${CMD[@]}"
}

# free_port [N]: the first of N consecutive TCP ports nothing listens on, for a smoke test.
free_port() {
  local n=${1:-1} p i taken
  for ((p = 20000 + RANDOM % 20000; p < 65000; p++)); do
    taken=0
    for ((i = 0; i < n; i++)); do
      if ss -Hltn "sport = :$((p + i))" | grep -q .; then taken=1 && break; fi
    done
    ((taken)) || { echo "$p"; return 0; }
  done
  die "found no free port"
}

# human BYTES: "12.3 MB".
human() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
