import { envInt } from '@evh/lifecycle';
import { z } from 'zod';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS } from './create-redis.js';

/** The Redis part of a service's env schema. */
export const redisEnvShape = {
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Prefixes every key of one installation (or one test). */
  REDIS_KEY_PREFIX: z.string().default(''),
  /** A command without a reply after this long fails as REDIS_UNAVAILABLE (Redis hung). */
  REDIS_COMMAND_TIMEOUT_MS: envInt(DEFAULT_REDIS_COMMAND_TIMEOUT_MS, 50),
};
