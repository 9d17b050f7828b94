import type { FastifyRequest } from 'fastify';
import { authErrors } from '../errors.js';

/**
 * The project a write goes to: the key's. A project named in the body must be the same (403
 * otherwise); with AUTH=off or on an open route, the body's own (or undefined).
 */
export function writeProject(request: FastifyRequest, named: unknown): string | undefined {
  const p = request.principal;
  if (p?.kind === 'project') {
    const own = p.credential.projectId;
    if (named !== undefined && named !== own) {
      throw authErrors.AUTH_FORBIDDEN(`this key is of another project than ${JSON.stringify(named)}`);
    }
    return own;
  }
  return typeof named === 'string' ? named : undefined;
}

/**
 * Whether the request may read a resource of this project, for routes whose project is
 * known only once the resource is read (jobs): the admin token reads all, a read token its
 * own project's, and a resource of no project is the admin's.
 */
export function canRead(request: FastifyRequest, projectId: string | null): boolean {
  const p = request.principal;
  if (!p || p.kind === 'unchecked' || p.kind === 'admin') return true;
  return p.kind === 'project' && p.credential.kind === 'read' && p.credential.projectId === projectId;
}

export function assertCanRead(request: FastifyRequest, projectId: string | null): void {
  if (!canRead(request, projectId)) {
    throw authErrors.AUTH_FORBIDDEN(
      projectId === null
        ? 'only the admin token reads what belongs to no project'
        : 'this token is of another project',
    );
  }
}
