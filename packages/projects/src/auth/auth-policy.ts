import type { Credential } from '../project-schemas.js';

/**
 * What a route needs, declared on every route (`config: { auth }`); a route without one is
 * refused when it is registered, so a new route cannot be left open by forgetting.
 * - `open`: nothing (probes, docs, the reporter's console, the seed-004 events by default).
 * - `events`: open, unless EVENTS_REQUIRE_KEY=true; then as `ingest`.
 * - `ingest`: an ingest key; a project in the path must be the key's.
 * - `read`: a read token or the admin token; a `:projectId` in the path must be the token's.
 *   Routes whose project is known only from the resource (jobs) check it with assertCanRead.
 * - `admin`: the admin token.
 */
export type AuthPolicy = 'open' | 'events' | 'ingest' | 'read' | 'admin';

export const AUTH_POLICIES: readonly AuthPolicy[] = ['open', 'events', 'ingest', 'read', 'admin'];

/** Who made a request, once authenticated. */
export type Principal =
  | { kind: 'admin' }
  /** AUTH=off: everything is allowed, projects come from the request as before. */
  | { kind: 'unchecked' }
  /** An open route: nobody in particular. */
  | { kind: 'anonymous' }
  | { kind: 'project'; credential: Credential };

/** A route as the auth saw it registered: the route table the security tests are made from. */
export interface AuthRoute {
  method: string;
  url: string;
  policy: AuthPolicy;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthPolicy;
  }
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyInstance {
    /** Every route registered after registerAuth, with its policy. */
    authRoutes: AuthRoute[];
  }
}
