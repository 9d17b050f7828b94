# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # CONFIG and SMOKE_PID are build.sh's, as are root, here and the paths
# What each image is made of. Sourced by build.sh, which calls, for an image KEY:
#   KEY_check         prints what is missing to build it (one line each, with the fix); nothing if all is there
#   KEY_ref           its full name
#   KEY_inputs        the host files it is made from, one path a line (their hash decides a rebuild)
#   KEY_facts         more text for that hash (versions not held in one of those files); optional
#   KEY_config        sets CONFIG, the umoci config arguments
#   KEY_stage ROOTFS  fills the root folder
#   KEY_smoke ROOTFS  runs it from that folder as the image's user; fails the build when it does not work

PATH_STD=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

need_busybox() { [[ -x $BUSYBOX ]] || echo "$BUSYBOX is missing: apt-get install busybox-static"; }

# --- tools built by tests/infra/tools.sh (k6, versitygw, pause, coredns) -------------------
TOOL_LIST=""
tool_pinned() {
  [[ -n $TOOL_LIST ]] || TOOL_LIST=$(bash "$root/tests/infra/tools.sh" list)
  awk -F'\t' -v t="$1" '$1 == t { print $2 }' <<<"$TOOL_LIST"
}

# need_tool TOOL: a message when the tool is not built, or not built at its pinned version
# (tools.sh writes its stamp after a successful build only).
need_tool() {
  local t=$1 pinned stamp="$TOOLS_BIN/../stamps/$1"
  pinned=$(tool_pinned "$t")
  if [[ ! -x $TOOLS_BIN/$t ]]; then
    echo "$t is not built ($TOOLS_BIN/$t is missing): run bash tests/infra/tools.sh build $t"
  elif [[ ! -f $stamp || $(cat "$stamp") != "$pinned "* ]]; then
    echo "$t in $TOOLS_BIN is not the pinned build ($pinned): run bash tests/infra/tools.sh build $t"
  fi
}

tool_tag() { local v; v=$(tool_pinned "$1"); echo "${v%% *}"; }

# static_binary ROOTFS PATH: installs a tools.sh binary; they are static (CGO_ENABLED=0), and
# add_libs copies whatever one would need if that ever changed.
static_binary() {
  install -m 0755 "$TOOLS_BIN/$(basename "$2")" "$1$2"
  add_libs "$1" "$1$2"
}

# --- event-horizon: the four services, as the Dockerfile's last stage -----------------------
app_version() { sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$root/charts/event-horizon/Chart.yaml"; }
app_ref() { echo "docker.io/library/event-horizon:$(app_version)"; }

app_workspaces() {
  local ws
  for ws in "$root"/packages/* "$root"/services/*; do
    [[ -f $ws/package.json ]] && echo "${ws#"$root"/}"
  done
}

# The repo files the image holds, relative to the repo: the package manifests, the compiled
# modules (not the unit tests compiled beside them, not declarations) and what src/ holds
# besides TypeScript, which the modules read at run time (Lua scripts, the upload page).
# tests/chart/image.test.ts checks the same selection against the image.
app_files() {
  local ws
  {
    echo package.json
    for ws in $(app_workspaces); do
      echo "$ws/package.json"
      find "$ws/dist/src" -type f \( -name '*.js' -o -name '*.js.map' \) ! -name '*.test.js' ! -name '*.test.js.map'
      [[ ! -d $ws/src ]] || find "$ws/src" -type f ! -name '*.ts'
    done
  } | LC_ALL=C sort
}

app_check() {
  local node ws
  node=$(command -v node) || { echo "node is required (Node 20, as the Dockerfile's node:20 base)"; return; }
  [[ $("$node" --version) == v20.* ]] || echo "node is $("$node" --version); the image needs Node 20, as the Dockerfile's base"
  command -v npm >/dev/null || echo "npm is required"
  for ws in $(cd "$root" && app_workspaces); do
    [[ -d $root/$ws/dist/src ]] || echo "$ws is not built: run npx tsc -b (make build)"
  done
  need_busybox
  [[ -f $CA_BUNDLE ]] || echo "$CA_BUNDLE is missing: apt-get install ca-certificates"
}

app_inputs() {
  local node
  node=$(readlink -f "$(command -v node)")
  (cd "$root" && app_files) | sed "s|^|$root/|"
  # What node_modules is made from (app_modules).
  echo "$root/package-lock.json"
  echo "$node"
  elf_libs "$node"
  echo "$BUSYBOX"
  echo "$CA_BUNDLE"
}

app_facts() { echo "npm $(npm --version)"; }

app_config() {
  CONFIG=(--config.user 1000:1000 --config.workingdir /app --config.env NODE_ENV=production
    --config.env "PATH=$PATH_STD" --config.cmd node --config.cmd services/ingest/dist/src/main.js)
}

# app_modules: a folder holding the production node_modules for this lock file, made once per
# lock file and kept in the cache, so a change to the code alone repacks without `npm ci`.
# The workspace packages are links (../../packages/x) that resolve once beside the code.
app_modules() {
  local key dir ws manifests
  mapfile -t manifests < <(cd "$root" && app_workspaces | sed 's|$|/package.json|')
  key=$(cd "$root" && {
    sha256sum package.json package-lock.json "${manifests[@]}"
    sha256sum <"$here/prune-node-modules.mjs"
    node --version
    npm --version
  } | sha256sum | cut -c1-16)
  dir=$OUT/cache/node_modules-$key
  if [[ ! -f $dir/.complete ]]; then
    rm -rf "$dir" "$dir.tmp"
    mkdir -p "$dir.tmp"
    (cd "$root" && cp --parents -t "$dir.tmp" package.json package-lock.json "${manifests[@]}")
    log "npm ci --omit=dev (production dependencies) for lock $key"
    (cd "$dir.tmp" && nice -n 10 npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error) >&2
    nice -n 10 node "$here/prune-node-modules.mjs" "$dir.tmp/node_modules" >&2
    mv "$dir.tmp" "$dir"
    touch "$dir/.complete"
    # One lock file's modules are enough to keep.
    for ws in "$OUT"/cache/node_modules-*; do [[ $ws == "$dir" ]] || rm -rf "$ws"; done
  fi
  echo "$dir"
}

app_stage() {
  local r=$1 modules
  base_rootfs "$r" node 1000 1000
  add_busybox "$r"
  add_ca_bundle "$r"
  install -m 0755 "$(readlink -f "$(command -v node)")" "$r/usr/bin/node"
  add_libs "$r" "$r/usr/bin/node"
  # /app stays root's, read-only to the user, as in the Dockerfile.
  mkdir -p "$r/app"
  (cd "$root" && app_files | xargs -d '\n' cp --parents -t "$r/app")
  modules=$(app_modules)
  # Hard links: the cache's files are never changed in place, and the copy costs no space.
  cp -al "$modules/node_modules" "$r/app/node_modules"
  install -d -o 1000 -g 1000 "$r/app/.data"
}

# Each service is started with a LOG_LEVEL its config schema rejects: it exits naming the
# variable only after every module it imports has loaded (Lua scripts and the upload page are
# read at load time too), and before it connects anywhere.
app_smoke() {
  local r=$1 env=(PATH="$PATH_STD" NODE_ENV=production HOME=/home/node) out svc
  out=$(chroot_as "$r" 1000:1000 "${env[@]}" -- /usr/bin/node --version)
  [[ $out == v20.* ]] || die "node in the image answered '$out'"
  # shellcheck disable=SC2016 # expanded inside the image
  out=$(chroot_as "$r" 1000:1000 "${env[@]}" -- /bin/sh -c \
    'cd /app/node_modules/@evh && for l in *; do [ -f "$l/package.json" ] || echo "$l"; done')
  [[ -z $out ]] || die "workspace links that do not resolve in the image: $out"
  for svc in $(cd "$root/services" && ls); do
    if out=$(chroot_as "$r" 1000:1000 "${env[@]}" LOG_LEVEL=image-smoke -- /bin/sh -c \
      "cd /app && exec node services/$svc/dist/src/main.js" 2>&1); then
      die "services/$svc started although LOG_LEVEL=image-smoke is invalid"
    fi
    grep -q LOG_LEVEL <<<"$out" || die "services/$svc does not load in the image: $(tail -n 5 <<<"$out")"
  done
  log "smoke: node $(chroot_as "$r" 1000:1000 -- /usr/bin/node --version) runs; the four services load in the image"
}

# --- event-horizon-kafka: a jlinked JRE and Kafka's jars, paths as in apache/kafka ----------
# jdeps --print-module-deps over the jars gives the first nine; jdk.crypto.ec (elliptic-curve
# TLS, found through the security providers) and jdk.management (the com.sun.management
# MXBeans behind the JVM's CPU and file-descriptor metrics) are loaded by name at run time,
# where jdeps cannot see them. java.desktop is there for java.beans, which reload4j uses to
# apply log4j.properties.
KAFKA_JRE_MODULES=java.base,java.compiler,java.desktop,java.management,java.naming,java.security.jgss,java.security.sasl,java.sql,jdk.unsupported,jdk.crypto.ec,jdk.management
# java.desktop's native parts for windows, fonts, images and sound: a headless broker never
# loads them, and they alone would pull X11, ALSA, freetype and image libraries into the image.
JRE_GUI_LIBS=(libawt_xawt.so libjawt.so libsplashscreen.so libfontmanager.so libjavajpeg.so liblcms.so libjsound.so)

kafka_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/tests/infra/kafka/pom.xml"; }
kafka_libs() { echo "$EVH_CACHE/kafka/$(kafka_version)/libs"; }
kafka_ref() { echo "docker.io/library/event-horizon-kafka:$(kafka_version)"; }

kafka_check() {
  [[ -x $JDK/bin/jlink && -f $JDK/jmods/java.base.jmod ]] ||
    echo "no JDK with jlink and jmods at $JDK: apt-get install openjdk-17-jdk-headless (or set EVH_JDK)"
  [[ -f $(kafka_libs)/.complete ]] ||
    echo "Kafka $(kafka_version)'s jars are not in $(kafka_libs): run bash tests/infra/kafka.sh install"
  need_busybox
}

kafka_inputs() {
  ls "$(kafka_libs)"/*.jar
  echo "$JDK/release"
  LD_LIBRARY_PATH="$JDK/lib/server" elf_libs "$JDK/bin/java" "$JDK/lib/server/libjvm.so" "$JDK/lib/libzip.so"
  echo "$BUSYBOX"
}

kafka_facts() { echo "modules $KAFKA_JRE_MODULES drop ${JRE_GUI_LIBS[*]}"; }

kafka_config() {
  CONFIG=(--config.user 1000:1000 --config.workingdir /opt/kafka --config.env JAVA_HOME=/opt/java/openjdk
    --config.env "PATH=/opt/java/openjdk/bin:$PATH_STD")
}

kafka_stage() {
  local r=$1 jre=$1/opt/java/openjdk
  base_rootfs "$r" appuser 1000 1000
  add_busybox "$r"
  mkdir -p "$r/opt/java"
  nice -n 10 "$JDK/bin/jlink" --module-path "$JDK/jmods" --add-modules "$KAFKA_JRE_MODULES" \
    --strip-debug --no-header-files --no-man-pages --compress=2 --output "$jre"
  (cd "$jre/lib" && rm -f "${JRE_GUI_LIBS[@]}")
  # The JRE's own libraries find libjvm.so through the launcher at run time; ldd needs telling.
  local elves
  mapfile -t elves < <(find "$jre" -type f \( -name '*.so' -o -path "$jre/bin/*" \))
  LD_LIBRARY_PATH="$jre/lib/server:$jre/lib" add_libs "$r" "${elves[@]}"
  ln -s /opt/java/openjdk/bin/java "$r/usr/bin/java"
  mkdir -p "$r/opt/kafka/libs" "$r/etc/kafka"
  cp "$(kafka_libs)"/*.jar "$r/opt/kafka/libs/"
  install -d -o 1000 -g 1000 "$r/var/lib/kafka" "$r/var/lib/kafka/data"
}

# A real broker from the image's folder: format the storage, start KRaft broker+controller,
# wait for "Kafka Server started". This is what proves the module list is enough.
kafka_smoke() {
  local r=$1 port log pid deadline jvm env=(PATH="/opt/java/openjdk/bin:$PATH_STD" JAVA_HOME=/opt/java/openjdk)
  jvm=(-Xmx256m -XX:-UsePerfData -Djava.awt.headless=true -Dlog4j.configuration=file:/tmp/smoke/log4j.properties)
  port=$(free_port 2)
  mkdir -p "$r/tmp/smoke"
  cat >"$r/tmp/smoke/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$((port + 1))
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$((port + 1))
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=/tmp/smoke/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
EOF
  printf '%s\n' 'log4j.rootLogger=INFO, stdout' 'log4j.appender.stdout=org.apache.log4j.ConsoleAppender' \
    'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout' \
    'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n' >"$r/tmp/smoke/log4j.properties"
  chown -R 1000:1000 "$r/tmp/smoke"
  log=$WORK/kafka-smoke.log
  chroot_as "$r" 1000:1000 "${env[@]}" -- java "${jvm[@]}" -cp '/opt/kafka/libs/*' kafka.tools.StorageTool \
    format -t MkU3OEVBNTcwNTJENDM2Qk -c /tmp/smoke/server.properties >"$log" 2>&1 ||
    die "kafka storage format in the image failed: $(tail -n 5 "$log")"
  chroot_cmd "$r" 1000:1000 "${env[@]}" -- java "${jvm[@]}" -cp '/opt/kafka/libs/*' kafka.Kafka \
    /tmp/smoke/server.properties
  # A group of its own (kill_smoke ends it all: the uid change clears unshare's death signal)
  # and not the build lock's descriptor, which a survivor would hold for ever.
  setsid nice -n 10 "${CMD[@]}" >"$log" 2>&1 9>&- &
  pid=$!
  SMOKE_PID=$pid
  deadline=$((SECONDS + 120))
  until grep -q 'Kafka Server started' "$log"; do
    kill -0 "$pid" 2>/dev/null || die "kafka exited in the image: $(grep -m 3 -E 'ERROR|Exception' "$log")"
    ((SECONDS < deadline)) || die "kafka did not start in the image within 120 s: $(tail -n 3 "$log")"
    sleep 0.5
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  SMOKE_PID=""
  log "smoke: a KRaft broker started from the image ($(chroot_as "$r" 1000:1000 -- /usr/bin/java -version 2>&1 | head -n 1))"
}

# --- event-horizon-redis: Debian's redis-server and redis-cli --------------------------------
redis_version() { redis-server --version | sed 's/.* v=\([^ ]*\).*/\1/'; }
redis_ref() { echo "docker.io/library/event-horizon-redis:$(redis_version)"; }

redis_check() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
    echo "redis-server is not installed: run bash tests/infra/redis.sh install"
  need_busybox
}

redis_bins() { readlink -f "$(command -v redis-server)" "$(command -v redis-cli)"; }

redis_inputs() {
  local bins
  mapfile -t bins < <(redis_bins)
  printf '%s\n' "${bins[@]}"
  elf_libs "${bins[@]}"
  echo "$BUSYBOX"
}

redis_config() {
  CONFIG=(--config.user 1000:1000 --config.workingdir /data --config.env "PATH=$PATH_STD"
    --config.cmd redis-server)
}

redis_stage() {
  local r=$1 server cli
  { read -r server && read -r cli; } < <(redis_bins)
  base_rootfs "$r" redis 1000 1000
  add_busybox "$r"
  install -m 0755 "$server" "$r/usr/bin/redis-server"
  install -m 0755 "$cli" "$r/usr/bin/redis-cli"
  # One binary, three tools: redis picks the mode from the name it is started as.
  ln -s redis-server "$r/usr/bin/redis-check-aof"
  ln -s redis-server "$r/usr/bin/redis-check-rdb"
  add_libs "$r" "$server" "$cli"
  install -d -o 1000 -g 1000 "$r/data"
}

redis_smoke() {
  local r=$1 port pid i answer="" env=(PATH="$PATH_STD")
  port=$(free_port 1)
  chroot_cmd "$r" 1000:1000 "${env[@]}" -- redis-server --port "$port" --bind 127.0.0.1 --dir /tmp \
    --save '' --appendonly no
  setsid "${CMD[@]}" >"$WORK/redis-smoke.log" 2>&1 9>&- &
  pid=$!
  SMOKE_PID=$pid
  for ((i = 0; i < 40; i++)); do
    answer=$(chroot_as "$r" 1000:1000 "${env[@]}" -- redis-cli -p "$port" ping 2>/dev/null) || true
    [[ $answer == PONG ]] && break
    sleep 0.25
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  SMOKE_PID=""
  [[ $answer == PONG ]] || die "redis in the image did not answer PING: $(tail -n 5 "$WORK/redis-smoke.log")"
  log "smoke: redis-server $(redis_version) answered PING from the image"
}

# --- event-horizon-postgres: Debian's PostgreSQL 15 ------------------------------------------
# The server and its tools in Debian's layout (/usr/lib/postgresql/15/bin, which the chart's
# commands name), its extensions (the snowball dictionaries of full-text search among them)
# and share files, the time zones and the C.UTF-8 locale. LLVM's JIT is left out (its libLLVM
# would triple the size; the chart turns jit off).
PG_HOME=/usr/lib/postgresql/15
postgres_version() { dpkg-query -W -f '${Version}' postgresql-15 2>/dev/null | sed 's/-.*//'; }
# Tagged by the major version the chart names (values.yaml postgres.image.tag): Debian's point
# release differs from machine to machine; the image's facts record it.
postgres_ref() { echo "docker.io/library/event-horizon-postgres:15"; }

postgres_check() {
  [[ -x $PG_HOME/bin/postgres ]] || echo "PostgreSQL 15 is not installed: run bash tests/infra/postgres.sh install"
  need_busybox
}

postgres_inputs() {
  echo "$PG_HOME/bin/postgres"
  echo "$BUSYBOX"
}
# Every file of the package is in the image: its version stands for them.
postgres_facts() { dpkg-query -W -f '${Package} ${Version}\n' postgresql-15 postgresql-client-15 tzdata 2>/dev/null; }

postgres_config() {
  CONFIG=(--config.user 1000:1000 --config.workingdir /data
    --config.env "PATH=$PG_HOME/bin:$PATH_STD" --config.cmd postgres)
}

postgres_stage() {
  local r=$1 elves
  base_rootfs "$r" postgres 1000 1000
  add_busybox "$r"
  mkdir -p "$r$PG_HOME" "$r/usr/share/postgresql" "$r/usr/share/zoneinfo" "$r/usr/lib/locale"
  cp -a "$PG_HOME/bin" "$r$PG_HOME/"
  mkdir -p "$r$PG_HOME/lib"
  find "$PG_HOME/lib" -maxdepth 1 -type f ! -name 'llvmjit*' -exec cp -a {} "$r$PG_HOME/lib/" \;
  cp -a /usr/share/postgresql/15 "$r/usr/share/postgresql/"
  cp -a /usr/share/zoneinfo/. "$r/usr/share/zoneinfo/"
  [[ ! -d /usr/lib/locale/C.utf8 ]] || cp -a /usr/lib/locale/C.utf8 "$r/usr/lib/locale/"
  mapfile -t elves < <(find "$r$PG_HOME" -type f \( -perm -u+x -o -name '*.so' \))
  add_libs "$r" "${elves[@]}"
  install -d -o 1000 -g 1000 "$r/data"
}

# initdb, then a search of the English dictionary in single-user mode: the binaries, their
# libraries, the share files and the snowball extension all load.
postgres_smoke() {
  local r=$1 out env=(PATH="$PG_HOME/bin:$PATH_STD")
  rm -rf "$r/tmp/pgsmoke"
  install -d -o 1000 -g 1000 "$r/tmp/pgsmoke"
  chroot_as "$r" 1000:1000 "${env[@]}" -- initdb -D /tmp/pgsmoke/data -U evh --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$WORK/postgres-smoke.log" 2>&1 ||
    die "initdb failed in the image: $(tail -n 5 "$WORK/postgres-smoke.log")"
  out=$(echo "SELECT to_tsvector('english', 'payments failed');" |
    chroot_as "$r" 1000:1000 "${env[@]}" -- postgres --single -D /tmp/pgsmoke/data -c jit=off postgres 2>&1) ||
    die "postgres --single failed in the image: $(tail -n 5 <<<"$out")"
  rm -rf "$r/tmp/pgsmoke"
  [[ $out == *"'fail':2"* && $out == *"'payment':1"* ]] ||
    die "full-text search did not work in the image: $(tail -n 5 <<<"$out")"
  log "smoke: PostgreSQL $(postgres_version) ran initdb and a full-text query in the image"
}

# --- event-horizon-objectstore: versitygw ----------------------------------------------------
objectstore_check() { need_tool versitygw; need_busybox; }
objectstore_ref() { echo "docker.io/library/event-horizon-objectstore:$(tool_tag versitygw)"; }
objectstore_inputs() { echo "$TOOLS_BIN/versitygw"; echo "$BUSYBOX"; }
objectstore_config() {
  CONFIG=(--config.user 1000:1000 --config.env "PATH=$PATH_STD" --config.entrypoint /usr/bin/versitygw)
}
objectstore_stage() {
  base_rootfs "$1" versitygw 1000 1000
  add_busybox "$1"
  static_binary "$1" /usr/bin/versitygw
  install -d -o 1000 -g 1000 "$1/data"
}
objectstore_smoke() {
  log "smoke: $(chroot_as "$1" 1000:1000 -- /usr/bin/versitygw --version | head -n 1)"
}

# --- event-horizon-k6: k6 for load tests run in a pod ----------------------------------------
k6_check() { need_tool k6; need_busybox; }
k6_ref() { echo "docker.io/library/event-horizon-k6:$(tool_tag k6)"; }
k6_inputs() { echo "$TOOLS_BIN/k6"; echo "$BUSYBOX"; echo "$CA_BUNDLE"; }
# No usage report: the cluster has no way out, and k6 would only wait for it to time out.
k6_config() {
  CONFIG=(--config.user 1000:1000 --config.workingdir /home/k6 --config.env "PATH=$PATH_STD"
    --config.env K6_NO_USAGE_REPORT=true --config.entrypoint /usr/bin/k6)
}
k6_stage() {
  base_rootfs "$1" k6 1000 1000
  add_busybox "$1"
  add_ca_bundle "$1"
  static_binary "$1" /usr/bin/k6
}
k6_smoke() {
  local r=$1 out
  printf '%s\n' 'import { check } from "k6";' 'export const options = { iterations: 1 };' \
    'export default function () { check(1, { one: (v) => v === 1 }); }' >"$r/tmp/smoke.js"
  out=$(chroot_as "$r" 1000:1000 PATH="$PATH_STD" K6_NO_USAGE_REPORT=true HOME=/home/k6 -- \
    /usr/bin/k6 run --quiet --no-color /tmp/smoke.js 2>&1) || die "k6 in the image failed: $out"
  log "smoke: $(chroot_as "$r" 1000:1000 -- /usr/bin/k6 version | head -n 1) ran a script"
}

# --- pause: the pod sandbox's process ---------------------------------------------------------
# The name the one-node cluster's containerd is configured with (sandbox_image).
pause_check() { need_tool pause; }
pause_ref() { echo "localhost/pause:3.10"; }
pause_inputs() { echo "$TOOLS_BIN/pause"; }
pause_config() { CONFIG=(--config.user 65535:65535 --config.entrypoint /pause); }
pause_stage() { static_binary "$1" /pause; }
# It waits for a signal forever; that it needs no library is what can go wrong here.
pause_smoke() { [[ -z $(elf_libs "$1/pause") ]] || die "pause is not a static binary"; }

# --- event-horizon-coredns: the cluster's DNS -------------------------------------------------
coredns_check() { need_tool coredns; }
coredns_ref() { local v; v=$(tool_tag coredns); echo "docker.io/library/event-horizon-coredns:${v#v}"; }
coredns_inputs() { echo "$TOOLS_BIN/coredns"; }
coredns_config() { CONFIG=(--config.user 1000:1000 --config.entrypoint /coredns); }
coredns_stage() {
  base_rootfs "$1" coredns 1000 1000
  static_binary "$1" /coredns
}
coredns_smoke() { log "smoke: $(chroot_as "$1" 1000:1000 -- /coredns -version | head -n 1)"; }
