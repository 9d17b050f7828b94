#!/usr/bin/env bash
# One-layer OCI image from a folder, without a Docker engine or a registry:
#   mkimage.sh NAME ROOTFS OUT.tar [umoci config args...]
# e.g. mkimage.sh docker.io/library/event-horizon:0.1.0 rootfs/ out.tar \
#        --config.user 1000:1000 --config.cmd node --config.cmd main.js
# ROOTFS becomes the image's only layer as it is on disk (owners, modes, symlinks); the image
# (linux/amd64) is written as docker-archive:OUT.tar:NAME, which `ctr images import`,
# `docker load` and `skopeo copy` all read. NAME should be the full name
# (docker.io/library/x:tag): containerd resolves a bare x:tag to that.
#
# The layer is reproducible: entries sorted by name, every mtime set to the epoch, numeric
# owners only, and the image's creation time fixed too (IMAGE_CREATED, default the epoch).
# The same folder always gives the same image id, so importing an unchanged image again
# changes nothing in containerd.
set -euo pipefail

die() { printf '[mkimage] error: %s\n' "$*" >&2; exit 1; }

(($# >= 3)) || die "usage: mkimage.sh NAME ROOTFS OUT.tar [umoci config args...]"
name=$1 rootfs=$2 out=$3
shift 3
[[ -d $rootfs ]] || die "$rootfs is not a folder"
for tool in umoci skopeo tar; do
  command -v "$tool" >/dev/null || die "$tool is required (Debian: apt-get install $tool)"
done
created=${IMAGE_CREATED:-1970-01-01T00:00:00Z}

work=$(mktemp -d "$(dirname "$out")/.mkimage.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The file list is given explicitly (sorted, no recursion) so the tar's order does not
# depend on the file system, and entries carry no leading "./".
(cd "$rootfs" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) >"$work/files"
tar --create --file "$work/layer.tar" --directory "$rootfs" --no-recursion \
  --files-from "$work/files" --format=gnu --numeric-owner --mtime=@0

# umoci builds the OCI layout (layer blob, config, manifest); skopeo turns it into a
# docker-archive, which carries the image's name where an OCI archive would not.
umoci init --layout "$work/oci"
umoci new --image "$work/oci:img"
umoci raw add-layer --image "$work/oci:img" --history.created "$created" \
  --history.created_by "scripts/image/mkimage.sh" "$work/layer.tar"
rm -f "$work/layer.tar"
umoci config --image "$work/oci:img" --os linux --architecture amd64 --created "$created" \
  --history.created "$created" --history.created_by "umoci config" "$@"
# skopeo will not add to an existing archive: write a new one, then move it into place.
skopeo copy --quiet "oci:$work/oci:img" "docker-archive:$work/image.tar:$name"
mv -f "$work/image.tar" "$out"
