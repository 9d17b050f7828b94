import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One of the images the test infrastructure runs, and where it comes from. */
export interface ImageSource {
  /** The short name of scripts/image/build.sh: kafka, redis, objectstore. */
  key: 'kafka' | 'redis' | 'objectstore';
  ref: string;
  /** The project's docker-archive to load when the engine does not hold this very build. */
  tar?: string;
  /** Named by EVH_IMAGE_*: the engine pulls it if it lacks it. */
  pull: boolean;
}

const imageNames = {
  kafka: 'event-horizon-kafka',
  redis: 'event-horizon-redis',
  objectstore: 'event-horizon-objectstore',
};

/**
 * The project's image as scripts/image/build.sh left it in the cache (NAME.tar and NAME.stamp,
 * whose ref= line is its full name), or the image an EVH_IMAGE_* variable names instead.
 * Undefined when neither is there: the caller says how to build it.
 */
export function imageSource(
  key: ImageSource['key'],
  cache: string,
  override?: string,
): ImageSource | undefined {
  if (override) return { key, ref: override, pull: true };
  const base = join(cache, 'images', imageNames[key]);
  if (!existsSync(`${base}.tar`) || !existsSync(`${base}.stamp`)) return undefined;
  const ref = /^ref=(.+)$/m.exec(readFileSync(`${base}.stamp`, 'utf8'))?.[1]?.trim();
  return ref ? { key, ref, tar: `${base}.tar`, pull: false } : undefined;
}

export function buildHint(key: ImageSource['key']): string {
  return (
    `not built: run bash scripts/image/build.sh ${key} (Linux, root), ` +
    `or name an image with EVH_IMAGE_${key.toUpperCase()} (README, "make test with containers")`
  );
}
