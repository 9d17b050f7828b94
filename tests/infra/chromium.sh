#!/usr/bin/env bash
# Debian's Chromium for the browser tests (driven by playwright-core; no browser download).
#   chromium.sh install   apt-get install chromium when /usr/bin/chromium is missing
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

case ${1:-} in
  install)
    command -v chromium >/dev/null && exit 0
    log "installing chromium from Debian's packages"
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
    ;;
  *) die "usage: chromium.sh install" ;;
esac
