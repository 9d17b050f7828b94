import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65534).default(fallback);
const optionalRef = z
  .string()
  .trim()
  .transform((v) => v || undefined)
  .optional();

/**
 * The environment of tests/infra/containers.sh, parsed once. The ports and S3 credentials are
 * the ones tests/run.sh gives the local processes (same names, same defaults), so a test
 * cannot tell which way its Kafka, Redis and S3 store were started.
 */
export const infraEnvSchema = z.object({
  EVH_INFRA: z.enum(['local', 'containers', 'auto']).default('auto'),
  /** Where this run's container state lives: the broker's config, the env file, the label value. */
  EVH_INFRA_DIR: z.string().min(1).optional(),
  EVH_CACHE: z
    .string()
    .min(1)
    .default(join(homedir(), '.cache', 'event-horizon')),
  TEST_KAFKA_PORT: port(19092),
  TEST_REDIS_PORT: port(16379),
  TEST_S3_PORT: port(17070),
  S3_TEST_ACCESS_KEY: z.string().min(1).default('evhtestaccess'),
  S3_TEST_SECRET_KEY: z.string().min(1).default('evhtestsecret123'),
  /** Another image instead of the project's (pulled when the engine lacks it): README. */
  EVH_IMAGE_KAFKA: optionalRef,
  EVH_IMAGE_REDIS: optionalRef,
  EVH_IMAGE_OBJECTSTORE: optionalRef,
  /**
   * The containers' network mode, when the engine's default will not do: Podman's Docker API
   * puts a container on its CNI bridge whatever containers.conf says, which changes the host
   * (a bridge, iptables chains, ip_forward); tests/infra/containers.sh phase asks for slirp4netns.
   */
  EVH_INFRA_NETWORK_MODE: optionalRef,
  /** The containers go when this process does (tests/run.sh's pid): a Ryuk of our own. */
  EVH_INFRA_OWNER_PID: z.coerce.number().int().positive().optional(),
  EVH_INFRA_START_TIMEOUT_MS: z.coerce.number().int().positive().default(240_000),
});

export type InfraEnv = Readonly<z.infer<typeof infraEnvSchema>>;

/** Parses the environment, naming the variable that is wrong. */
export function parseInfraEnv(env: NodeJS.ProcessEnv): InfraEnv {
  const parsed = infraEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join('.') ?? 'environment'}: ${issue?.message ?? 'invalid'}`);
  }
  return Object.freeze(parsed.data);
}
