import { Wait } from 'testcontainers';
import { LoopbackContainer } from './loopback-container.js';

export interface ObjectStoreContainerOptions {
  image: string;
  port: number;
  accessKey: string;
  secretKey: string;
  labels: Record<string, string>;
  startupTimeoutMs: number;
}

/**
 * versitygw (S3 on a folder) from the project's event-horizon-objectstore image, whose
 * entrypoint is the binary: as tests/infra/s3.sh runs it, with the credentials in its
 * environment. Ready when it answers HTTP at all (an anonymous request is refused, which is an answer).
 */
export function objectStoreContainer(o: ObjectStoreContainerOptions): LoopbackContainer {
  return new LoopbackContainer(o.image)
    .withLoopbackPort(o.port)
    .withEnvironment({ ROOT_ACCESS_KEY_ID: o.accessKey, ROOT_SECRET_ACCESS_KEY: o.secretKey })
    .withCommand(['--port', `:${o.port}`, 'posix', '/data'])
    .withLabels(o.labels)
    .withWaitStrategy(Wait.forHttp('/', o.port).forStatusCodeMatching(() => true))
    .withStartupTimeout(o.startupTimeoutMs);
}
