import { open } from 'node:fs/promises';

const BLOCK = 512;

/**
 * The image id a docker-archive tar loads as (sha256 of its config, named by manifest.json),
 * read by walking the tar's headers: a 300 MB image is a few seeks, not a read. The archives
 * scripts/image/mkimage.sh writes (skopeo) have short names, so plain ustar headers suffice;
 * anything else is an error, not a guess.
 */
export async function archiveImageId(tarPath: string): Promise<string> {
  const file = await open(tarPath, 'r');
  try {
    const header = Buffer.alloc(BLOCK);
    let offset = 0;
    for (;;) {
      const { bytesRead } = await file.read(header, 0, BLOCK, offset);
      if (bytesRead < BLOCK || header.every((b) => b === 0)) break;
      const name = header.toString('utf8', 0, 100).replace(/\0.*$/s, '');
      const size = Number.parseInt(header.toString('utf8', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
      offset += BLOCK;
      if (name === 'manifest.json' || name === './manifest.json') {
        const body = Buffer.alloc(size);
        await file.read(body, 0, size, offset);
        return configIdOf(body.toString('utf8'), tarPath);
      }
      offset += Math.ceil(size / BLOCK) * BLOCK;
    }
  } finally {
    await file.close();
  }
  throw new Error(`${tarPath} has no manifest.json: not a docker-archive`);
}

/** `[{"Config":"<hex>.json",…}]` → `sha256:<hex>`. */
export function configIdOf(manifestJson: string, from = 'manifest.json'): string {
  const manifest = JSON.parse(manifestJson) as { Config?: string }[];
  const config = manifest[0]?.Config ?? '';
  const hex = /^(?:blobs\/sha256\/)?([0-9a-f]{64})(?:\.json)?$/.exec(config)?.[1];
  if (hex === undefined) throw new Error(`${from}: no image config named in ${manifestJson.slice(0, 200)}`);
  return `sha256:${hex}`;
}
