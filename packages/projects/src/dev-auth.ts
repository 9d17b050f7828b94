import { createFailureThrottle } from './auth/failure-throttle.js';
import type { AuthOptions } from './auth/register-auth.js';

/**
 * AUTH=off, spelled out where an app is built without credentials (development, and the
 * tests of routes that are not about auth): every route then takes every request.
 */
export function authOff(): AuthOptions {
  return {
    mode: 'off',
    credentials: { find: () => undefined, loaded: true },
    throttle: createFailureThrottle({ limit: 1, windowMs: 1 }),
  };
}
