# Shared helpers for the infra scripts. Sourced, never run.
# Everything downloaded or built lives in EVH_CACHE (outside git) so a second run is instant.
EVH_CACHE="${EVH_CACHE:-$HOME/.cache/event-horizon}"
export EVH_CACHE

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.25 s.
wait_until() {
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${limit}s waiting for ${what}"
      return 1
    fi
    sleep 0.25
  done
}

# pid_alive FILE: the process whose PID is in FILE is running.
pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pid FILE [GRACE_SECONDS]: SIGTERM, wait, then SIGKILL; removes FILE.
stop_pid() {
  local file=$1 grace=${2:-10} pid
  [[ -f $file ]] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + grace))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}
