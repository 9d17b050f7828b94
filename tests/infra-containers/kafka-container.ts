import { randomBytes } from 'node:crypto';
import { Wait } from 'testcontainers';
import { LoopbackContainer } from './loopback-container.js';

export interface KafkaContainerOptions {
  image: string;
  port: number;
  /** tests/infra/kafka.sh config's two files: the same broker settings as the local one. */
  serverProperties: string;
  log4jProperties: string;
  labels: Record<string, string>;
  startupTimeoutMs: number;
}

/** The JVM settings of tests/infra/kafka.sh's broker. */
const JVM =
  '-Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true -Dlog4j.configuration=file:/etc/kafka/log4j.properties';

/**
 * A KRaft broker+controller from the project's event-horizon-kafka image (a JRE and Kafka's
 * jars in apache/kafka's layout: /opt/kafka/libs, java on PATH, uid 1000), started as the
 * chart starts it: format the storage once, then exec the broker. Ready is Kafka's own line;
 * the caller also waits for an admin request to be answered, as kafka.sh does.
 */
export function kafkaContainer(o: KafkaContainerOptions): LoopbackContainer {
  const script = [
    `jvm="${JVM}"`,
    'if [ ! -f /var/lib/kafka/data/meta.properties ]; then',
    `  java $jvm -cp '/opt/kafka/libs/*' kafka.tools.StorageTool format -t ${kafkaClusterId()} -c /etc/kafka/server.properties --ignore-formatted`,
    'fi',
    "exec java $jvm -cp '/opt/kafka/libs/*' kafka.Kafka /etc/kafka/server.properties",
  ].join('\n');
  return new LoopbackContainer(o.image)
    .withLoopbackPort(o.port)
    .withEntrypoint(['/bin/sh', '-ec'])
    .withCommand([script])
    .withCopyContentToContainer([
      { content: o.serverProperties, target: '/etc/kafka/server.properties', mode: 0o644 },
      { content: o.log4jProperties, target: '/etc/kafka/log4j.properties', mode: 0o644 },
    ])
    .withLabels(o.labels)
    .withWaitStrategy(Wait.forLogMessage('Kafka Server started'))
    .withStartupTimeout(o.startupTimeoutMs);
}

/** A cluster id as `kafka-storage random-uuid` prints it (16 random bytes, base64url), without a JVM start. */
export function kafkaClusterId(): string {
  return randomBytes(16).toString('base64url');
}
