import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CredentialLookup } from '../credential-cache.js';
import { authErrors } from '../errors.js';
import { sameSecret } from '../secrets.js';
import { AUTH_POLICIES, type AuthPolicy, type AuthRoute, type Principal } from './auth-policy.js';
import { decideAccess, type ProjectParams } from './decide-access.js';
import type { FailureThrottle } from './failure-throttle.js';
import { readCredential } from './read-credential.js';

export interface AuthOptions {
  /** `off` only for development: every route is open, projects come from the request. */
  mode: 'on' | 'off';
  credentials: CredentialLookup;
  /** The admin token; without one no request is an admin's. */
  adminToken?: string;
  throttle: FailureThrottle;
  /** Whether `events` routes need an ingest key (EVENTS_REQUIRE_KEY). */
  eventsRequireKey?: boolean;
  /**
   * Policies of routes that plugins register (GraphQL, the docs, the probes), by URL
   * prefix, since their route options are not ours to write.
   */
  pluginRoutes?: Record<string, AuthPolicy>;
}

/** Routes every service has, from packages that know nothing of auth. */
const serviceRoutes: Record<string, AuthPolicy> = {
  '/healthz': 'open',
  '/readyz': 'open',
  '/metrics': 'open',
  '/openapi.json': 'open',
  '/docs': 'open',
};

function pluginPolicy(url: string, table: Record<string, AuthPolicy>): AuthPolicy | undefined {
  for (const [prefix, policy] of Object.entries(table)) {
    if (url === prefix || url.startsWith(`${prefix}/`)) return policy;
  }
  return undefined;
}

function authenticate(secret: string, options: AuthOptions): Principal | undefined {
  if (options.adminToken && sameSecret(secret, options.adminToken)) return { kind: 'admin' };
  const credential = options.credentials.find(secret);
  return credential ? { kind: 'project', credential } : undefined;
}

/**
 * Authentication for every route of the app: each route must declare its policy (or be a
 * known plugin route), and each request is authenticated before its body is read. Register
 * it first, before any route: routes registered earlier are not seen, and routes are the
 * table the security tests walk (app.authRoutes).
 */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  const plugins = { ...serviceRoutes, ...options.pluginRoutes };
  const routes: AuthRoute[] = [];
  app.decorate('authRoutes', routes);
  // Null until the onRequest hook sets it (Fastify keeps the request's shape stable that way).
  app.decorateRequest('principal', null as unknown as { getter: () => Principal });

  app.addHook('onRoute', (route) => {
    const declared = route.config?.auth;
    const policy = declared ?? pluginPolicy(route.url, plugins);
    if (!policy || !AUTH_POLICIES.includes(policy)) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no auth policy (config.auth)`);
    }
    route.config = { ...route.config, auth: policy };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method: String(method), url: route.url, policy });
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    // A request that matched no route has no policy: it is answered 404, knowing nothing.
    const policy = request.routeOptions.config?.auth ?? 'open';
    if (options.mode === 'off') {
      request.principal = { kind: 'unchecked' };
      return;
    }
    if (policy === 'open' || (policy === 'events' && !options.eventsRequireKey)) {
      request.principal = { kind: 'anonymous' };
      return;
    }
    const address = request.ip;
    const wait = options.throttle.blockedFor(address);
    if (wait > 0) {
      throw authErrors.AUTH_THROTTLED('too many failed attempts from this address; try again later', {
        details: { retryAfterMs: wait },
      });
    }
    if (!options.credentials.loaded) {
      throw authErrors.AUTH_UNAVAILABLE('the credentials could not be read yet; try again shortly');
    }
    const secret = readCredential(request);
    if (!secret) {
      options.throttle.fail(address);
      throw authErrors.AUTH_REQUIRED(
        'send a key: Authorization: Bearer <key>, X-EVH-Key: <key>, or Sentry auth (sentry_key)',
      );
    }
    const principal = authenticate(secret, options);
    if (!principal) {
      options.throttle.fail(address);
      throw authErrors.AUTH_INVALID('the credential is unknown, revoked or past its grace period');
    }
    decideAccess(policy, principal, (request.params ?? {}) as ProjectParams);
    request.principal = principal;
  });
}
