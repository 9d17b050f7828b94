#!/usr/bin/env bash
# A real PostgreSQL 15 server from Debian's packages, for the parsed entries of upload jobs.
#   postgres.sh install            apt-get install postgresql-15 when its binaries are missing
#   postgres.sh start RUN PORT     start a server on 127.0.0.1:PORT with its data in RUN/pg-data
#                                  (a fresh RUN gets a copy of a cluster initdb'd once into the
#                                  cache); RUN/postgres.pid, RUN/postgres.log. Prints
#                                  DATABASE_URL=postgres://evh@127.0.0.1:PORT/postgres
#   postgres.sh stop RUN           SIGTERM ("smart" shutdown would wait for clients: SIGINT, fast)
#   postgres.sh kill RUN           SIGKILL of the postmaster, as a crash: the next start replays WAL
#   postgres.sh restart RUN PORT   kill, then start on the same RUN and PORT
#   postgres.sh env RUN PORT       prints the DATABASE_URL line only
#
# No system service: the Debian package's own cluster is left alone. As root the server runs as
# uid 1000 of a user namespace (PostgreSQL refuses to run as root, see as_owner).
# Local connections are trusted (127.0.0.1 only): a test database, not a deployment.
#
# Settings (what a bulk-loading log store needs; the chart sets the same, ADR 0012):
#   max_wal_size 4GB, checkpoint_timeout 15min  a 1 GiB upload writes ~3 GB of WAL; fewer
#                                               checkpoints mean fewer full-page images
#   shared_buffers 256MB                        the partitions' index pages stay cached
#   wal_compression lz4                         the full-page images of random index inserts
#                                               (a log file's timestamps, its services) shrink
# fsync and synchronous_commit stay on: durability is what the tests measure.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

PG_VERSION=15
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
TEMPLATE="$EVH_CACHE/postgres/cluster-$PG_VERSION"

install() {
  [[ -x $PG_BIN/postgres && -x $PG_BIN/initdb && -x $PG_BIN/psql ]] && return 0
  # The package's postinst creates and starts a cluster of its own where an init system runs.
  apt_install "postgresql-$PG_VERSION"
  [[ -x $PG_BIN/postgres ]] || die "postgresql-$PG_VERSION installed, but $PG_BIN/postgres is missing"
}

# as_owner CMD...: runs CMD as a user PostgreSQL accepts. PostgreSQL refuses to run as root; as
# root, CMD runs in a user namespace where we are uid 1000, so the files stay root's on the host
# (no chown, and a RUN under root's home, which no other user may enter, still works). unshare
# execs CMD: the pid of a backgrounded `as_owner postgres …` is the postmaster's.
owner=()
[[ $(id -u) -ne 0 ]] || owner=(unshare --user --map-user=1000 --map-group=1000 --)
as_owner() { "${owner[@]}" "$@"; }

# One initdb per machine (about 3 s); every RUN starts from a copy of it (well under 1 s).
template() {
  [[ -f $TEMPLATE/PG_VERSION ]] && return 0
  local tmp="$TEMPLATE.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  as_owner "$PG_BIN/initdb" -D "$tmp" -U evh --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$tmp.log" 2>&1 || { cat "$tmp.log" >&2; die "initdb failed"; }
  rm -f "$tmp.log"
  mv "$tmp" "$TEMPLATE"
}

pg_answers() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -U evh -d postgres; }

# pg_serving PID PORT: PID is the postmaster on PORT and accepts connections.
pg_serving() { pid_listens "$1" "$2" && pg_answers "$2"; }

url() { printf 'DATABASE_URL=postgres://evh@127.0.0.1:%s/postgres\n' "$1"; }

start() {
  local run=$1 port=$2
  local data="$run/pg-data"
  install
  mkdir -p "$run"
  if pid_alive "$run/postgres.pid"; then
    local pid
    pid=$(cat "$run/postgres.pid")
    pg_serving "$pid" "$port" || die "postgres pid $pid (from $run/postgres.pid) runs but does not answer on port $port: port $port is held by $(port_holder "$port")"
    log "postgres already running (pid $pid)"
    url "$port"
    return 0
  fi
  rm -f "$run/postgres.pid"
  require_free_port "$port" "postgres in $run"
  if [[ ! -f $data/PG_VERSION ]]; then
    template
    rm -rf "$data"
    cp -a "$TEMPLATE" "$data"
  fi
  chmod 700 "$data"
  # No Unix socket: its path would have to fit 107 bytes, and the clients use TCP anyway.
  nohup "${owner[@]}" "$PG_BIN/postgres" -D "$data" \
    -c listen_addresses=127.0.0.1 -c port="$port" -c unix_socket_directories= \
    -c max_connections=200 -c shared_buffers=256MB -c max_wal_size=4GB -c checkpoint_timeout=15min \
    -c wal_compression=lz4 -c logging_collector=off -c log_min_messages=warning >>"$run/postgres.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$run/postgres.pid"
  # After a crash the server replays its WAL before it accepts connections.
  if ! wait_ready 120 "postgres on port $port" "$pid" pg_answers "$port"; then
    tail -20 "$run/postgres.log" >&2
    die "postgres did not start on port $port"
  fi
  log "postgres $("$PG_BIN/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$port (pid $pid, data $data)"
  url "$port"
}

stop() {
  local file="$1/postgres.pid" pid
  [[ -f $file ]] || return 0
  pid=$(cat "$file")
  # SIGINT is PostgreSQL's fast shutdown: clients are disconnected, everything is flushed.
  if alive "$pid"; then kill -INT "$pid" 2>/dev/null || true; fi
  stop_pid "$file" 20
}

# A crash takes the backends too (as a machine's would): a backend outliving its postmaster would
# hold the shared memory, and the next start would refuse it.
crash() {
  local file="$1/postgres.pid" pid children
  [[ -f $file ]] || return 0
  pid=$(cat "$file")
  children=$(pgrep -P "$pid" 2>/dev/null || true)
  kill_pid "$file"
  for pid in $children; do
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" || true
  done
  # A dead postmaster not yet reaped (a zombie) still answers kill -0, and the next start would
  # take its lock file for a live server's. It is dead: its lock file goes.
  rm -f "$1/pg-data/postmaster.pid"
}

case "${1:-}" in
  install) install ;;
  start) start "$2" "$3" ;;
  stop) stop "$2" ;;
  kill) crash "$2" ;;
  restart) crash "$2"; start "$2" "$3" ;;
  env) url "$3" ;;
  *) die "usage: postgres.sh install | start RUN PORT | stop RUN | kill RUN | restart RUN PORT | env RUN PORT" ;;
esac
