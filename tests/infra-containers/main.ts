// The test infrastructure as containers (tests/infra/containers.sh runs this; ADR 0016):
//   node main.js choose   prints `local` or `containers` for EVH_INFRA (the reason on stderr);
//                         exits 1 when EVH_INFRA=containers cannot be had, saying why
//   node main.js up       starts Kafka, Redis and the S3 store in EVH_INFRA_DIR's name, writes
//                         EVH_INFRA_DIR/containers.env once they answer, and stops them on
//                         SIGTERM, SIGINT, SIGHUP or when EVH_INFRA_OWNER_PID is gone
//   node main.js reap     removes every container labelled with EVH_INFRA_DIR (a run cut short)
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INFRA_LABEL, startContainersInfra } from './containers-infra.js';
import { checkImage, findEngine } from './engine.js';
import { buildHint, type ImageSource, imageSource } from './image-source.js';
import { chooseInfra } from './infra-choice.js';
import { type InfraEnv, parseInfraEnv } from './infra-config.js';

const KEYS = ['kafka', 'redis', 'objectstore'] as const;
const log = (line: string) => process.stderr.write(`[containers] ${line}\n`);

function sources(env: InfraEnv): Partial<Record<ImageSource['key'], ImageSource>> {
  const override = {
    kafka: env.EVH_IMAGE_KAFKA,
    redis: env.EVH_IMAGE_REDIS,
    objectstore: env.EVH_IMAGE_OBJECTSTORE,
  };
  return Object.fromEntries(KEYS.map((k) => [k, imageSource(k, env.EVH_CACHE, override[k])]));
}

async function choose(env: InfraEnv): Promise<number> {
  if (env.EVH_INFRA === 'local') {
    console.log('local');
    return 0;
  }
  const { check, client } = await findEngine();
  const found = sources(env);
  const images = check.ok ? await Promise.all(KEYS.map((k) => checkImage(client, k, found[k]))) : [];
  const choice = chooseInfra(env.EVH_INFRA, check, images);
  if (!choice.ok) {
    log(`EVH_INFRA=containers cannot be had: ${choice.reason}`);
    return 1;
  }
  log(choice.reason);
  console.log(choice.infra);
  return 0;
}

function required(dir: string | undefined): string {
  if (!dir) throw new Error('EVH_INFRA_DIR: required (the run folder tests/infra/containers.sh gives)');
  return dir;
}

async function up(env: InfraEnv): Promise<number> {
  const dir = required(env.EVH_INFRA_DIR);
  const { check, client } = await findEngine();
  if (!client) throw new Error(`no container engine answers: ${check.detail}`);
  log(check.detail);
  const found = sources(env);
  const images = Object.fromEntries(
    KEYS.map((k) => {
      const s = found[k];
      if (!s) throw new Error(`${k}: ${buildHint(k)}`);
      return [k, s];
    }),
  ) as Record<ImageSource['key'], ImageSource>;
  const args = readFileSync(join(dir, 'redis.args'), 'utf8').replace(/\n$/, '').split('\n');
  const infra = await startContainersInfra(client, {
    dir,
    images,
    ports: { kafka: env.TEST_KAFKA_PORT, redis: env.TEST_REDIS_PORT, s3: env.TEST_S3_PORT },
    kafkaConfig: {
      serverProperties: readFileSync(join(dir, 'kafka', 'server.properties'), 'utf8'),
      log4jProperties: readFileSync(join(dir, 'kafka', 'log4j.properties'), 'utf8'),
    },
    redisArgs: args,
    networkMode: env.EVH_INFRA_NETWORK_MODE,
    s3: { accessKey: env.S3_TEST_ACCESS_KEY, secretKey: env.S3_TEST_SECRET_KEY },
    startupTimeoutMs: env.EVH_INFRA_START_TIMEOUT_MS,
    log,
  });
  const stopped = new Promise<string>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
      process.once(signal, () => resolve(signal));
    const owner = env.EVH_INFRA_OWNER_PID;
    if (owner !== undefined) {
      setInterval(() => {
        if (!alive(owner)) resolve(`its owner, pid ${owner}, is gone`);
      }, 1000).unref();
    }
  });
  const file = join(dir, 'containers.env');
  writeFileSync(
    `${file}.tmp`,
    `${Object.entries(infra.env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
  renameSync(`${file}.tmp`, file);
  log(
    `Kafka 127.0.0.1:${env.TEST_KAFKA_PORT}, Redis 127.0.0.1:${env.TEST_REDIS_PORT}, S3 127.0.0.1:${env.TEST_S3_PORT}`,
  );
  // Something must keep the event loop alive while the containers serve the tests.
  const keepAlive = setInterval(() => {}, 60_000);
  log(`stopping: ${await stopped}`);
  await infra.close();
  clearInterval(keepAlive);
  return 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function reap(env: InfraEnv): Promise<number> {
  const dir = required(env.EVH_INFRA_DIR);
  const { client } = await findEngine(5000);
  if (!client) return 0;
  const left = (await client.container.list()).filter((c) => c.Labels?.[INFRA_LABEL] === dir);
  for (const info of left) {
    const c = client.container.getById(info.Id);
    await client.container.stop(c, { timeout: 2 }).catch(() => {});
    await client.container.remove(c, { removeVolumes: true }).catch(() => {});
    log(`removed ${info.Image} (${info.Id.slice(0, 12)}), left by a run cut short`);
  }
  return 0;
}

const commands: Record<string, (env: InfraEnv) => Promise<number>> = { choose, up, reap };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  log('usage: main.js choose|up|reap');
  process.exit(2);
}
// testcontainers takes the engine's gateway for the host inside a container (a /.dockerenv,
// which some VMs have); the ports here are published on 127.0.0.1 and the tests use that.
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
try {
  process.exitCode = await command(parseInfraEnv(process.env));
} catch (err) {
  log(`error: ${(err as Error).message}`);
  process.exitCode = 1;
}
