import { createPeriodicProbe, type PeriodicProbe, type Shutdown } from '@evh/lifecycle';
import type { Logger } from 'pino';
import { createKafka } from './create-kafka.js';
import { kafkaErrors } from './errors.js';
import type { KafkaAdmin } from './kafka-client.js';
import { adminFrom } from './kafkajs-admin.js';

export interface BrokerProbeOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  /** Default 1000 ms: with the timeout, an outage shows within about 2.5 s. */
  intervalMs?: number;
  /** Default 1500 ms. */
  timeoutMs?: number;
}

export interface BrokerProbe extends PeriodicProbe<number> {
  /**
   * The probe's own admin client, for other bounded reads (consumer lag): its requests fail
   * after timeoutMs without retries, unlike the service's clients.
   */
  readonly admin: KafkaAdmin;
  /** Stops checking and disconnects the admin client; idempotent. */
  close(): Promise<void>;
}

/**
 * Whether the cluster answers now: a metadata request (describeCluster) every interval, on
 * a client of its own. The service's producers and consumers retry for many seconds and say
 * nothing while they do, so their state cannot tell readiness the truth; this can, and a
 * readiness handler reads `up` without waiting on Kafka. The value is the broker count.
 */
export function createBrokerProbe(options: BrokerProbeOptions): BrokerProbe {
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 1500;
  const logger = options.logger.child({ component: 'broker-probe' });
  const kafka = createKafka({
    clientId: `${options.clientId}-probe`,
    brokers: options.brokers,
    // kafkajs logs every failed connection at error level; the probe says it once per change.
    logger: logger.child({}, { level: 'silent' }),
    config: {
      connectionTimeout: Math.min(1000, timeoutMs),
      requestTimeout: timeoutMs,
      enforceRequestTimeout: true,
      retry: { retries: 0 },
    },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  let connected = false;
  let closed: Promise<void> | undefined;

  const probe = createPeriodicProbe(
    async () => {
      if (!connected) {
        await admin.connect();
        connected = true;
      }
      const { brokers } = await admin.describeCluster();
      if (brokers.length === 0) throw kafkaErrors.KAFKA_UNAVAILABLE('the cluster lists no brokers');
      return brokers.length;
    },
    {
      intervalMs,
      timeoutMs,
      onChange(up, err) {
        if (up) logger.info('kafka answers again');
        else logger.warn({ err }, 'kafka does not answer; not ready');
      },
    },
  );

  return {
    get up() {
      return probe.up;
    },
    get value() {
      return probe.value;
    },
    get lastSuccessAt() {
      return probe.lastSuccessAt;
    },
    admin: adminFrom(admin),
    start: probe.start,
    check: probe.check,
    stop: probe.stop,
    close() {
      closed ??= (async () => {
        probe.stop();
        await admin.disconnect();
      })();
      return closed;
    },
  };
}

/**
 * The broker probe as main.ts wires it: from the service's env (KAFKA_BROKERS and the probe's
 * settings), started (the first check done), its close registered with the shutdown.
 */
export async function startBrokerProbe(
  clientId: string,
  env: { KAFKA_BROKERS: string[]; KAFKA_PROBE_INTERVAL_MS: number; KAFKA_PROBE_TIMEOUT_MS: number },
  { logger, shutdown }: { logger: Logger; shutdown: Shutdown },
): Promise<BrokerProbe> {
  const probe = createBrokerProbe({
    clientId,
    brokers: env.KAFKA_BROKERS,
    logger,
    intervalMs: env.KAFKA_PROBE_INTERVAL_MS,
    timeoutMs: env.KAFKA_PROBE_TIMEOUT_MS,
  });
  await probe.start();
  shutdown.register('kafka-probe', () => probe.close());
  return probe;
}
