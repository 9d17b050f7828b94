import { createPeriodicTask } from '@evh/lifecycle';
import { projectKeys as k, type Redis } from '@evh/redis';
import { type Credential, credentialSchema } from './project-schemas.js';
import { hashSecret, sameHash } from './secrets.js';

/** A credential with the digest it was stored under. */
type CachedCredential = Credential & { hash: string };

export interface CredentialLookup {
  /** The live credential a secret is, if any; expired and revoked ones are not. */
  find(secret: string): Credential | undefined;
  /** False until the credentials were read once: then nothing can be told apart. */
  readonly loaded: boolean;
  /** Re-reads now if the version moved (the writer's own cache, right after a change). */
  refresh?(): Promise<void>;
}

export interface CredentialCache extends CredentialLookup {
  /** Reads the credentials once (so the first request sees them), then every refreshMs. */
  start(): Promise<void>;
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

export interface CredentialCacheOptions {
  /** A created, rotated or revoked key takes effect within about this long (plus one read). */
  refreshMs: number;
  now?: () => number;
  logger?: { warn(obj: object, msg: string): void };
}

/** Parses the stored table; an entry that does not parse is skipped (and counted). */
export function credentialTable(entries: Record<string, string>): {
  table: Map<string, CachedCredential>;
  invalid: number;
} {
  const table = new Map<string, CachedCredential>();
  let invalid = 0;
  for (const [hash, raw] of Object.entries(entries)) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      invalid++;
      continue;
    }
    const parsed = credentialSchema.safeParse(value);
    if (parsed.success) table.set(hash, { ...parsed.data, hash });
    else invalid++;
  }
  return { table, invalid };
}

/**
 * A local copy of every credential, found by the SHA-256 of the secret given, so a request
 * costs no Redis round trip. Each refresh reads one counter and the table only after it
 * moved. When Redis cannot be read the last table is kept: requests go on being decided,
 * and a revocation made meanwhile applies once Redis answers again.
 */
export function createCredentialCache(redis: Redis, options: CredentialCacheOptions): CredentialCache {
  const now = options.now ?? Date.now;
  let table = new Map<string, CachedCredential>();
  let loaded = false;
  let seenVersion: string | null | undefined;

  async function refresh(): Promise<void> {
    const version = await redis.get(k.version());
    if (loaded && version === seenVersion) return;
    const read = credentialTable(await redis.hgetall(k.credentials()));
    table = read.table;
    seenVersion = version;
    loaded = true;
    if (read.invalid > 0)
      options.logger?.warn({ invalid: read.invalid }, 'stored credentials do not parse; ignored');
  }

  const loop = createPeriodicTask({
    intervalMs: options.refreshMs,
    run: refresh,
    onError: (err) => options.logger?.warn({ err }, 'refreshing credentials failed; keeping the last'),
  });

  return {
    get loaded() {
      return loaded;
    },
    find(secret) {
      const hash = hashSecret(secret);
      const found = table.get(hash);
      // Found by the digest of the guess, never by the secret itself, so the map's own string
      // compare tells a guesser nothing of the secret; the stored digest is then compared in
      // constant time all the same, as every secret comparison here is.
      if (!found || !sameHash(found.hash, hash)) return undefined;
      if (found.expiresAt !== 0 && found.expiresAt <= now()) return undefined;
      const { hash: _, ...credential } = found;
      return credential;
    },
    refresh,
    async start() {
      await refresh();
      loop.start();
    },
    stop: () => loop.stop(),
  };
}
