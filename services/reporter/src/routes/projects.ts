import { projectIdSchema } from '@evh/events';
import { parseInput, routeDoc } from '@evh/http';
import {
  authErrors,
  createProjectBodySchema,
  type ProjectStore,
  patchProjectBodySchema,
} from '@evh/projects';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

const project = z.object({ projectId: projectIdSchema });
const keyParams = project.extend({
  keyId: z.string().regex(/^key_[0-9a-f]{12}$/, 'must be a key id (key_…)'),
});
const tags = ['projects'];

export interface ProjectRoutesDeps {
  projects: ProjectStore;
  /** The ingest's address as clients reach it: the host of every DSN. */
  publicIngestUrl: string;
  /**
   * Called after every change of keys: the reporter's own cache re-reads at once, so a key
   * just shown works on the reporter from the next request (other replicas and the ingest
   * follow within their refresh period).
   */
  changed?: () => Promise<void>;
}

/** `http://<key>@<host>/<number>`: Sentry's SDKs take only digits where the project goes. */
export function dsnOf(publicIngestUrl: string, ingestKey: string, number: number): string {
  const url = new URL(publicIngestUrl);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${ingestKey}@${url.host}${path}/${number}`;
}

/** The admin API of projects and their keys. Keys appear only in the answers that made them. */
export function registerProjectRoutes(app: FastifyInstance, deps: ProjectRoutesDeps): void {
  const { projects } = deps;
  const found = async <T>(projectId: string, value: Promise<T | undefined>): Promise<T> => {
    const v = await value;
    if (v === undefined) throw authErrors.PROJECT_NOT_FOUND(`no project ${projectId}`);
    return v;
  };

  app.post(
    '/v1/projects',
    {
      config: { auth: 'admin' },
      ...routeDoc({
        summary: 'Create a project: 201 with its number, ingest key, read token and DSN (shown only here)',
        tags,
        body: createProjectBodySchema,
        responses: { 201: 'created', 409: 'a project of that projectId exists' },
      }),
    },
    async (req, reply) => {
      const body = parseInput(createProjectBodySchema, req.body);
      const p = await projects.create(body);
      await deps.changed?.();
      return reply.code(201).send({
        projectId: p.projectId,
        number: p.number,
        name: p.name,
        keyId: p.keyId,
        ingestKey: p.ingestKey,
        readToken: p.readToken,
        dsn: dsnOf(deps.publicIngestUrl, p.ingestKey, p.number),
        createdAt: p.createdAt,
      });
    },
  );

  app.get(
    '/v1/projects',
    { config: { auth: 'admin' }, ...routeDoc({ summary: 'Every project (no secrets)', tags }) },
    async () => ({ projects: await projects.list() }),
  );

  app.get(
    '/v1/projects/:projectId',
    {
      config: { auth: 'read' },
      ...routeDoc({ summary: 'A project and its keys (no secrets)', tags, params: project }),
    },
    async (req) => {
      const { projectId } = parseInput(project, req.params);
      return found(projectId, projects.get(projectId));
    },
  );

  app.patch(
    '/v1/projects/:projectId',
    {
      config: { auth: 'read' },
      ...routeDoc({ summary: 'Rename a project', tags, params: project, body: patchProjectBodySchema }),
    },
    async (req) => {
      const { projectId } = parseInput(project, req.params);
      const { name } = parseInput(patchProjectBodySchema, req.body);
      return found(projectId, projects.rename(projectId, name));
    },
  );

  app.post(
    '/v1/projects/:projectId/keys',
    {
      config: { auth: 'admin' },
      ...routeDoc({
        summary: 'Rotate: a new ingest key and read token; the older ones work until the grace period ends',
        tags,
        params: project,
        responses: { 201: 'issued' },
      }),
    },
    async (req, reply) => {
      const { projectId } = parseInput(project, req.params);
      const issued = await found(projectId, projects.rotate(projectId));
      await deps.changed?.();
      return reply.code(201).send({
        projectId,
        keyId: issued.keyId,
        ingestKey: issued.ingestKey,
        readToken: issued.readToken,
        dsn: dsnOf(deps.publicIngestUrl, issued.ingestKey, issued.number),
        previousKeysExpireAt: issued.previousKeysExpireAt,
      });
    },
  );

  app.delete(
    '/v1/projects/:projectId/keys/:keyId',
    {
      config: { auth: 'admin' },
      ...routeDoc({
        summary: 'Revoke a key at once (refused everywhere within 2 s)',
        tags,
        params: keyParams,
        responses: { 204: 'revoked' },
      }),
    },
    async (req, reply) => {
      const { projectId, keyId } = parseInput(keyParams, req.params);
      if (!(await projects.revoke(projectId, keyId))) {
        throw authErrors.KEY_NOT_FOUND(`project ${projectId} has no key ${keyId}`);
      }
      await deps.changed?.();
      return reply.code(204).send();
    },
  );
}
