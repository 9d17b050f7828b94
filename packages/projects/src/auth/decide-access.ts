import { authErrors } from '../errors.js';
import type { AuthPolicy, Principal } from './auth-policy.js';

/** The path parameters that name a project: `:projectId`, or Sentry's `:project` (number or id). */
export interface ProjectParams {
  projectId?: string;
  project?: string;
}

/**
 * Whether an authenticated principal may use a route of this policy with these path
 * parameters; throws the 403 otherwise. Pure, so the whole table is unit-tested.
 */
export function decideAccess(policy: AuthPolicy, principal: Principal, params: ProjectParams): void {
  if (principal.kind === 'unchecked' || policy === 'open') return;
  if (principal.kind === 'anonymous') throw authErrors.AUTH_REQUIRED('this route needs a credential');
  if (policy === 'admin') {
    if (principal.kind !== 'admin') throw authErrors.AUTH_FORBIDDEN('this route needs the admin token');
    return;
  }
  if (policy === 'read') {
    if (principal.kind === 'admin') return;
    const { credential } = principal;
    if (credential.kind !== 'read') {
      throw authErrors.AUTH_FORBIDDEN("an ingest key cannot read: use the project's read token");
    }
    if (params.projectId !== undefined && params.projectId !== credential.projectId) {
      throw authErrors.AUTH_FORBIDDEN(`this token is not of project ${params.projectId}`);
    }
    return;
  }
  // ingest, and events when they need a key.
  if (principal.kind === 'admin') {
    throw authErrors.AUTH_FORBIDDEN("the admin token cannot write: use the project's ingest key");
  }
  const { credential } = principal;
  if (credential.kind !== 'ingest') {
    throw authErrors.AUTH_FORBIDDEN("a read token cannot write: use the project's ingest key");
  }
  const named = params.projectId ?? params.project;
  if (named !== undefined && named !== credential.projectId && named !== String(credential.number)) {
    throw authErrors.AUTH_FORBIDDEN(`this key is not of project ${named}`);
  }
}
