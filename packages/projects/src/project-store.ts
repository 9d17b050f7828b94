import { randomBytes } from 'node:crypto';
import { projectKeys as k, projectRecord, type Redis, readRecord } from '@evh/redis';
import { authErrors } from './errors.js';
import type { IssuedKey, KeyView, ProjectView, StoredKey } from './project-schemas.js';
import { storedKeySchema } from './project-schemas.js';
import {
  createProjectScript,
  renameProjectScript,
  revokeKeyScript,
  rotateKeysScript,
} from './project-scripts.js';
import { hashSecret, newKeyId, newSecret } from './secrets.js';

export interface ProjectStoreOptions {
  /** How long the keys a rotation replaces keep working. */
  graceMs: number;
  now?: () => number;
}

export interface CreatedProject extends ProjectView, IssuedKey {}

export interface ProjectStore {
  create(input: { name: string; projectId?: string }): Promise<CreatedProject>;
  list(): Promise<ProjectView[]>;
  get(projectId: string): Promise<ProjectView | undefined>;
  rename(projectId: string, name: string): Promise<ProjectView | undefined>;
  /** A new key; the project's older keys end after the grace period. Undefined: no such project. */
  rotate(
    projectId: string,
  ): Promise<(IssuedKey & { number: number; previousKeysExpireAt: string }) | undefined>;
  revoke(projectId: string, keyId: string): Promise<boolean>;
}

const iso = (ms: number) => new Date(ms).toISOString();

function keyView(key: StoredKey): KeyView {
  return {
    keyId: key.keyId,
    createdAt: iso(key.createdAt),
    expiresAt: key.expiresAt ? iso(key.expiresAt) : null,
  };
}

/** A new key's secrets, and what is stored of them. */
function issueKey(now: number): { issued: IssuedKey; stored: StoredKey } {
  const issued = { keyId: newKeyId(), ingestKey: newSecret('ingest'), readToken: newSecret('read') };
  const stored = {
    keyId: issued.keyId,
    ingestHash: hashSecret(issued.ingestKey),
    readHash: hashSecret(issued.readToken),
    createdAt: now,
    expiresAt: 0,
  };
  return { issued, stored };
}

/** Projects and their keys in Redis; secrets leave it only as the answer of create and rotate. */
export function createProjectStore(redis: Redis, options: ProjectStoreOptions): ProjectStore {
  const now = options.now ?? Date.now;

  async function get(projectId: string): Promise<ProjectView | undefined> {
    const [meta, keys] = await Promise.all([
      readRecord(redis, projectRecord, k.project(projectId)),
      redis.hgetall(k.keys(projectId)),
    ]);
    if (!meta) return undefined;
    const t = now();
    const views = Object.values(keys)
      .map((raw) => storedKeySchema.parse(JSON.parse(raw)))
      // A key past its grace period no longer works; it is dropped at the next rotation.
      .filter((key) => key.expiresAt === 0 || key.expiresAt > t)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(keyView);
    return {
      projectId: meta.projectId,
      number: meta.number,
      name: meta.name,
      createdAt: iso(meta.createdAt),
      updatedAt: iso(meta.updatedAt),
      keys: views,
    };
  }

  return {
    get,
    async create(input) {
      // An assigned id is random, not the number: a given id may be all digits already.
      const projectId = input.projectId ?? `prj-${randomBytes(6).toString('hex')}`;
      const t = now();
      const { issued, stored } = issueKey(t);
      const number = await createProjectScript.run(
        redis,
        {
          seq: k.seq(),
          byNumber: k.byNumber(),
          index: k.index(),
          meta: k.project(projectId),
          keys: k.keys(projectId),
          credentials: k.credentials(),
          version: k.version(),
        },
        {
          projectId,
          name: input.name,
          now: t,
          keyId: issued.keyId,
          keyJson: JSON.stringify(stored),
          ingestHash: stored.ingestHash,
          readHash: stored.readHash,
        },
      );
      if (number === 'exists') throw authErrors.PROJECT_EXISTS(`project ${projectId} exists`);
      return {
        projectId,
        number,
        name: input.name,
        createdAt: iso(t),
        updatedAt: iso(t),
        keys: [keyView(stored)],
        ...issued,
      };
    },
    async list() {
      const ids = await redis.zrange(k.index(), 0, -1);
      const views = await Promise.all(ids.map(get));
      return views.filter((v): v is ProjectView => v !== undefined);
    },
    async rename(projectId, name) {
      const done = await renameProjectScript.run(redis, { meta: k.project(projectId) }, { name, now: now() });
      return done ? get(projectId) : undefined;
    },
    async rotate(projectId) {
      const t = now();
      const graceEnd = t + options.graceMs;
      const { issued, stored } = issueKey(t);
      const number = await rotateKeysScript.run(
        redis,
        {
          meta: k.project(projectId),
          keys: k.keys(projectId),
          credentials: k.credentials(),
          version: k.version(),
        },
        {
          keyId: issued.keyId,
          keyJson: JSON.stringify(stored),
          ingestHash: stored.ingestHash,
          readHash: stored.readHash,
          now: t,
          graceEnd,
        },
      );
      if (number === undefined) return undefined;
      return { ...issued, number, previousKeysExpireAt: iso(graceEnd) };
    },
    revoke: (projectId, keyId) =>
      revokeKeyScript.run(
        redis,
        { keys: k.keys(projectId), credentials: k.credentials(), version: k.version() },
        { keyId },
      ),
  };
}
