import { envInt } from '@evh/lifecycle';
import { z } from 'zod';

/** The env of authentication, shared by every service that serves HTTP. */
export const authEnvShape = {
  /** `off` only for development: no route then asks for a key. */
  AUTH: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  /** Credentials are re-read this often when they changed; a revoked key stops within it. */
  AUTH_REFRESH_MS: envInt(500, 50),
  /** Failed authentications one address may make a window before it gets 429s. */
  AUTH_FAILURE_LIMIT: envInt(30, 1),
  AUTH_FAILURE_WINDOW_MS: envInt(60_000, 100),
};
