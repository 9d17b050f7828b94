import { createReadStream } from 'node:fs';
import { type ContainerRuntimeClient, getContainerRuntimeClient, ImageName } from 'testcontainers';
import { archiveImageId } from './archive-image-id.js';
import { buildHint, type ImageSource } from './image-source.js';
import type { EngineCheck, ImageCheck } from './infra-choice.js';

/**
 * The Docker-API engine testcontainers finds (DOCKER_HOST, ~/.testcontainers.properties, the
 * default sockets), or why there is none. Bounded: an engine that accepts and never answers
 * counts as none.
 */
export async function findEngine(
  timeoutMs = 15_000,
): Promise<{ check: EngineCheck; client?: ContainerRuntimeClient }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const client = await Promise.race([getContainerRuntimeClient(), timeout]);
    const rt = client.info.containerRuntime;
    const detail = `a Docker-API engine (server ${rt.serverVersion}, ${rt.operatingSystem}) at ${process.env.DOCKER_HOST ?? rt.remoteSocketPath}`;
    return { check: { ok: true, detail }, client };
  } catch (err) {
    return { check: { ok: false, detail: (err as Error).message.split('\n')[0] ?? 'unknown' } };
  } finally {
    clearTimeout(timer);
  }
}

/** Whether an image can be had, without changing anything. */
export async function checkImage(
  client: ContainerRuntimeClient | undefined,
  key: ImageSource['key'],
  source: ImageSource | undefined,
): Promise<ImageCheck> {
  if (source === undefined) return { name: key, ok: false, detail: buildHint(key) };
  if (source.pull) return { name: key, ok: true, detail: `${source.ref} (named, pulled if missing)` };
  const held = client ? await heldImageId(client, source.ref) : undefined;
  const built = source.tar ? await archiveImageId(source.tar) : undefined;
  const how = held !== undefined && held === built ? 'in the engine' : 'loaded from the project tar';
  return { name: key, ok: true, detail: `${source.ref} ${how}` };
}

/**
 * Makes the engine hold the image: a project image is loaded from its tar unless the engine
 * already holds this very build (same image id), so a rebuilt image is never run stale and an
 * unchanged one is not loaded twice. Nothing of the project's is pulled.
 */
export async function ensureImage(client: ContainerRuntimeClient, source: ImageSource): Promise<string> {
  if (source.tar === undefined) return `${source.ref}: left to the engine (pulled if missing)`;
  const built = await archiveImageId(source.tar);
  if ((await heldImageId(client, source.ref)) === built) return `${source.ref}: in the engine`;
  const started = performance.now();
  const docker = client.container.dockerode;
  const stream = await docker.loadImage(createReadStream(source.tar), { quiet: true });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
  });
  const held = await heldImageId(client, source.ref);
  if (held !== built) {
    throw new Error(
      `${source.tar} was loaded, but the engine's ${source.ref} is ${held ?? 'missing'}, not ${built}`,
    );
  }
  return `${source.ref}: loaded from ${source.tar} in ${Math.round(performance.now() - started)} ms`;
}

async function heldImageId(client: ContainerRuntimeClient, ref: string): Promise<string | undefined> {
  const name = ImageName.fromString(ref);
  if (!(await client.image.exists(name))) return undefined;
  const id = (await client.image.inspect(name)).Id;
  return id.startsWith('sha256:') ? id : `sha256:${id}`;
}
