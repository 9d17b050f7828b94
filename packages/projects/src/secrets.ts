import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * 160 random bits a secret, in hex: Sentry's SDKs take a DSN's key only when it is made of
 * word characters, so no base64 (`-`, `+`, `/`) here.
 */
const SECRET_BYTES = 20;

/** An ingest key (`evhi_…`) or read token (`evhr_…`); the prefix says which, the rest is random. */
export function newSecret(kind: 'ingest' | 'read'): string {
  return `${kind === 'ingest' ? 'evhi' : 'evhr'}_${randomBytes(SECRET_BYTES).toString('hex')}`;
}

/** A key's public name, shown in listings and used to revoke it; it says nothing of the secret. */
export function newKeyId(): string {
  return `key_${randomBytes(6).toString('hex')}`;
}

/** What is stored of a secret: its SHA-256, hex. Secrets are random, so no salt or slow hash is needed. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two secrets in time that depends on neither: their digests have one length. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Compares a digest found by lookup with the one computed, in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
