#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, combined broker+controller) from Maven Central jars.
#   kafka.sh install              resolve the classpath into $EVH_CACHE/kafka/libs (idempotent)
#   kafka.sh start RUN PORT       format (first time) and start a broker: RUN/kafka.pid,
#                                 RUN/kafka.log, state in RUN/kafka-data (controller on PORT+1)
#   kafka.sh stop RUN             stop the broker started with RUN
#   kafka.sh config DIR PORT LOGDIR BIND   write its server.properties and log4j.properties
#                                 into DIR (what the containers of tests/infra/containers.sh use)
# Ready means our own broker: its pid is alive and is the one listening on PORT (ss -ltnp),
# the log says "Kafka Server started" and an admin client answers; an open port alone is not
# enough (it accepts connections well before the broker serves requests, and could be another
# process's). A taken PORT or PORT+1 fails at once, naming the process that holds it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")
LIBS="$EVH_CACHE/kafka/$KAFKA_VERSION/libs"

install() {
  if [[ -f "$LIBS/.complete" ]]; then return 0; fi
  command -v java >/dev/null || die "java is required (Java 17 runs the broker)"
  command -v mvn >/dev/null || die "mvn is required to fetch the broker's jars from Maven Central"
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central into $LIBS"
  rm -rf "$LIBS"
  mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$LIBS" -DincludeScope=runtime \
    -Dmaven.repo.local="$EVH_CACHE/m2"
  ls "$LIBS"/kafka_2.13-*.jar >/dev/null || die "kafka jar missing after mvn"
  touch "$LIBS/.complete"
}

# write_config DIR PORT LOGDIR BIND: the broker's server.properties and log4j.properties in DIR.
# One source for both ways the tests run Kafka: here (BIND 127.0.0.1) and in a container
# (tests/infra/containers.sh: BIND 0.0.0.0 inside it, the host side bound to 127.0.0.1).
write_config() {
  local dir=$1 port=$2 logdir=$3 bind=$4
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$((port + 1))
listeners=PLAINTEXT://$bind:$port,CONTROLLER://127.0.0.1:$((port + 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$logdir
num.partitions=12
offsets.topic.replication.factor=1
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# A consumer group forms as soon as its first member joins: tests and restarts do not wait 3 s.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=72
# As the topics the services create (MAX_MESSAGE_BYTES): a 5 MB request fits in one record batch.
message.max.bytes=16777216
replica.fetch.max.bytes=16777216
PROPS
  cat >"$dir/log4j.properties" <<'L4J'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=WARN
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log=WARN
log4j.logger.kafka.coordinator=WARN
log4j.logger.kafka.controller=WARN
L4J
}

start() {
  local run=$1 port=$2 ctl_port=$(($2 + 1))
  local dir="$run/kafka-data"
  install
  mkdir -p "$dir"
  if pid_alive "$run/kafka.pid"; then
    local pid
    pid=$(cat "$run/kafka.pid")
    pid_listens "$pid" "$port" || die "kafka pid $pid (from $run/kafka.pid) runs but does not listen on port $port: port $port is held by $(port_holder "$port")"
    log "kafka already running (pid $pid)"
    return 0
  fi
  rm -f "$run/kafka.pid"
  require_free_port "$port" "kafka in $run"
  require_free_port "$ctl_port" "kafka's controller in $run"
  write_config "$dir" "$port" "$dir/log" 127.0.0.1
  local java_opts=(-Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$dir/log4j.properties")
  if [[ ! -f "$dir/log/meta.properties" ]]; then
    java "${java_opts[@]}" -cp "$LIBS/*" kafka.tools.StorageTool format \
      -t "$(java "${java_opts[@]}" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid)" \
      -c "$dir/server.properties" --ignore-formatted >"$dir/format.log" 2>&1 \
      || { cat "$dir/format.log" >&2; die "kafka storage format failed"; }
  fi
  : >"$run/kafka.log"
  nohup java "${java_opts[@]}" -cp "$LIBS/*" kafka.Kafka "$dir/server.properties" \
    >>"$run/kafka.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$run/kafka.pid"
  if ! wait_ready 90 "Kafka Server started" "$pid" grep -q "Kafka Server started" "$run/kafka.log"; then
    tail -40 "$run/kafka.log" >&2
    die "kafka did not start"
  fi
  wait_ready 10 "kafka pid $pid listening on $port" "$pid" pid_listens "$pid" "$port" \
    || die "kafka started but pid $pid does not listen on port $port (held by $(port_holder "$port"))"
  # The log line comes before the broker has registered with the controller; an admin
  # request that lists topics proves it serves metadata.
  wait_ready 60 "kafka admin client" "$pid" node "$here/kafka-ready.mjs" "127.0.0.1:$port" \
    || die "kafka started but the admin client cannot describe the cluster"
  pid_listens "$pid" "$port" || die "kafka pid $pid exited or no longer listens on port $port"
  log "kafka $KAFKA_VERSION ready on 127.0.0.1:$port (pid $pid)"
}

stop() { stop_pid "$1/kafka.pid" 20; }

cmd=${1:-}; shift || true
case "$cmd" in
  install) install ;;
  start) start "$@" ;;
  stop) stop "$@" ;;
  config) mkdir -p "$1" && write_config "$@" ;;
  *) die "usage: kafka.sh install|start RUN PORT|stop RUN|config DIR PORT LOGDIR BIND" ;;
esac
