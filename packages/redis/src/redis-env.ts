import { z } from 'zod';

/** The Redis part of a service's env schema. */
export const redisEnvShape = {
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Prefixes every key of one installation (or one test). */
  REDIS_KEY_PREFIX: z.string().default(''),
};
