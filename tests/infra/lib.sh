# shellcheck shell=bash
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

# alive PID: the process runs. A zombie does not count: where nothing reaps the servers we
# start in the background (a container's PID 1 that is not an init), kill -0 still succeeds.
alive() {
  [[ $1 =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# pid_alive FILE: the process whose PID is in FILE is running.
pid_alive() { [[ -f $1 ]] && alive "$(cat "$1")"; }

# wait_ready SECONDS DESCRIPTION PID COMMAND...: wait_until, but gives up at once when PID
# exits, so a server that could not start (a taken port, a bad flag) fails in a second rather
# than after the whole timeout, and nothing else that answers meanwhile counts as ready.
wait_ready() {
  local limit=$1 what=$2 pid=$3; shift 3
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$pid"; then
      log "${what}: our process (pid $pid) exited"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "timed out after ${limit}s waiting for ${what}"
      return 1
    fi
    sleep 0.25
  done
  alive "$pid" || { log "${what}: our process (pid $pid) exited"; return 1; }
}

# apt_install PACKAGE: installs one of Debian's packages (as root or with sudo).
apt_install() {
  log "installing $1 from Debian's packages"
  local sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$1" >/dev/null
}

# Who listens on a port comes from `ss -ltnp` (iproute2). It shows the owning PID only for
# processes this user may inspect: as another user's, a holder is reported without a PID.
need_ss() { command -v ss >/dev/null || apt_install iproute2; }

# listener_pids PORT: the PIDs listening on TCP PORT on any address, one a line.
listener_pids() {
  need_ss
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}

# port_taken PORT: something listens on TCP PORT on any address (127.0.0.1, 0.0.0.0, ::).
port_taken() {
  need_ss
  [[ -n $(ss -Hltn "sport = :$1" 2>/dev/null) ]]
}

# port_holder PORT: "pid N (command line)" for each process listening on TCP PORT.
port_holder() {
  local pids pid cmd out=""
  pids=$(listener_pids "$1")
  if [[ -z $pids ]]; then
    printf 'a process this user cannot see (ss -ltnp as root names it)'
    return 0
  fi
  for pid in $pids; do
    # Redis pads its rewritten process title with spaces.
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | tr -s ' ') || cmd="?"
    cmd=${cmd% }
    # A JVM's command line carries its whole class path.
    ((${#cmd} > 160)) && cmd="${cmd:0:160}…"
    out+="${out:+, }pid $pid ($cmd)"
  done
  printf '%s' "$out"
}

# require_free_port PORT WHAT: dies at once, naming the holder, when PORT is taken.
require_free_port() {
  port_taken "$1" || return 0
  die "port $1, wanted by $2, is taken by $(port_holder "$1")"
}

# pid_listens PID PORT: PID is alive and is (one of) the listeners on TCP PORT.
pid_listens() { alive "$1" && listener_pids "$2" | grep -qx "$1"; }

# redis_is PID PORT: the Redis answering on PORT is the process PID (INFO's process_id).
redis_is() {
  alive "$1" || return 1
  local info
  # bounded: whatever holds the port may accept and never answer
  info=$(timeout 2 redis-cli -h 127.0.0.1 -p "$2" INFO server 2>/dev/null) || return 1
  [[ $(printf '%s\n' "$info" | tr -d '\r' | sed -n 's/^process_id://p') == "$1" ]]
}

# wait_gone PID: a SIGKILL is delivered asynchronously; the port and files are free once the
# process is gone (bounded: a process stuck in the kernel is reported, not waited for).
wait_gone() {
  local deadline=$((SECONDS + 10))
  while alive "$1"; do
    ((SECONDS < deadline)) || { log "pid $1 still exists 10 s after SIGKILL"; return 1; }
    sleep 0.05
  done
}

# stop_pid FILE [GRACE_SECONDS]: SIGTERM, wait, then SIGKILL; removes FILE.
stop_pid() {
  local file=$1 grace=${2:-10} pid
  [[ -f $file ]] || return 0
  pid=$(cat "$file")
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + grace))
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    wait_gone "$pid" || true
  fi
  rm -f "$file"
}

# kill_pid FILE: SIGKILL, no grace (what a crash does); waits until the process is gone and
# removes FILE. The data it leaves behind stays for the next start.
kill_pid() {
  local file=$1 pid
  [[ -f $file ]] || return 0
  pid=$(cat "$file")
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" || true
  fi
  rm -f "$file"
}
