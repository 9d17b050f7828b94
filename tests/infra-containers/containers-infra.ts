import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafka } from '@evh/kafka/kafkajs';
import { createLogger } from '@evh/lifecycle';
import type { ContainerRuntimeClient, StartedTestContainer } from 'testcontainers';
import { ensureImage } from './engine.js';
import type { ImageSource } from './image-source.js';
import { kafkaContainer } from './kafka-container.js';
import type { LoopbackContainer } from './loopback-container.js';
import { objectStoreContainer } from './objectstore-container.js';
import { redisContainer } from './redis-container.js';

/** The label every container of one run carries (its value: the run's folder), for `reap`. */
export const INFRA_LABEL = 'org.eventhorizon.test-infra';

export interface ContainersInfraOptions {
  dir: string;
  images: Record<ImageSource['key'], ImageSource>;
  ports: { kafka: number; redis: number; s3: number };
  kafkaConfig: { serverProperties: string; log4jProperties: string };
  redisArgs: string[];
  /** EVH_INFRA_NETWORK_MODE: undefined leaves the engine's default. */
  networkMode?: string;
  s3: { accessKey: string; secretKey: string };
  startupTimeoutMs: number;
  log: (line: string) => void;
}

export interface ContainersInfra {
  /** What tests/infra/s3.sh prints (run.sh sets KAFKA_BROKERS and REDIS_URL from the ports). */
  env: Record<string, string>;
  /** Stops every container, the last started first; idempotent, each step runs whatever the others did. */
  close(): Promise<void>;
}

/**
 * Kafka, Redis and the S3 store as containers through testcontainers, on the ports and with
 * the settings of the local processes. The three start at once; if one fails, those that
 * started are stopped before the error is thrown.
 */
export async function startContainersInfra(
  client: ContainerRuntimeClient,
  o: ContainersInfraOptions,
): Promise<ContainersInfra> {
  for (const source of Object.values(o.images)) o.log(await ensureImage(client, source));
  const labels = { [INFRA_LABEL]: o.dir };
  const timeout = o.startupTimeoutMs;
  const plan: [string, LoopbackContainer, (c: StartedTestContainer) => Promise<void>][] = [
    [
      'redis',
      redisContainer({
        image: o.images.redis.ref,
        port: o.ports.redis,
        serverArgs: o.redisArgs,
        labels,
        startupTimeoutMs: timeout,
      }),
      () => until(timeout, 'redis PING', () => redisPing(o.ports.redis)),
    ],
    [
      'objectstore',
      objectStoreContainer({
        image: o.images.objectstore.ref,
        port: o.ports.s3,
        ...o.s3,
        labels,
        startupTimeoutMs: timeout,
      }),
      async () => {},
    ],
    [
      'kafka',
      kafkaContainer({
        image: o.images.kafka.ref,
        port: o.ports.kafka,
        ...o.kafkaConfig,
        labels,
        startupTimeoutMs: timeout,
      }),
      () => until(timeout, 'kafka admin requests', () => kafkaAnswers(o.ports.kafka)),
    ],
  ];
  if (o.networkMode) for (const [, container] of plan) container.withNetworkMode(o.networkMode);
  const started: [string, StartedTestContainer][] = [];
  const results = await Promise.allSettled(
    plan.map(async ([name, container, ready]) => {
      const t0 = performance.now();
      const c = await container.start();
      started.push([name, c]);
      await ready(c);
      o.log(
        `${name} ready in ${Math.round(performance.now() - t0)} ms (container ${c.getId().slice(0, 12)})`,
      );
    }),
  );
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= stopAll(started, o.log);
    return closing;
  };
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  const env = {
    S3_TEST_ENDPOINT: `http://127.0.0.1:${o.ports.s3}`,
    S3_TEST_ACCESS_KEY: o.s3.accessKey,
    S3_TEST_SECRET_KEY: o.s3.secretKey,
  };
  return { env, close };
}

async function stopAll(
  started: [string, StartedTestContainer][],
  log: (line: string) => void,
): Promise<void> {
  for (const [name, c] of [...started].reverse()) {
    try {
      // Kafka and Redis get the local processes' grace (SIGTERM, then SIGKILL after 10 s).
      await c.stop({ timeout: 10_000 });
      log(`${name} stopped and removed`);
    } catch (err) {
      log(`${name} did not stop: ${(err as Error).message}`);
    }
  }
}

async function until(timeoutMs: number, what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (performance.now() > deadline) throw new Error(`${what}: no answer within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** One PING over the published port: the host side of the forwarding works, not only the container. */
function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** As tests/infra/kafka-ready.mjs: the broker describes the cluster and lists topics. */
async function kafkaAnswers(port: number): Promise<boolean> {
  const kafka = createKafka({
    clientId: 'evh-infra-ready',
    brokers: [`127.0.0.1:${port}`],
    logger: createLogger('infra-containers', 'silent'),
    config: { retry: { retries: 0 }, connectionTimeout: 2000 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    return cluster.brokers.length > 0;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
