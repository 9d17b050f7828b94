import { projectIdSchema } from '@evh/events';
import { z } from 'zod';

export const projectNameSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must be a non-empty string')
  .max(200, 'must be at most 200 characters');

/** `POST /v1/projects`. */
export const createProjectBodySchema = z
  .object({ name: projectNameSchema, projectId: projectIdSchema.optional() })
  .strict();
export type CreateProjectBody = z.output<typeof createProjectBodySchema>;

/** `PATCH /v1/projects/:projectId`. */
export const patchProjectBodySchema = z.object({ name: projectNameSchema }).strict();

/** A credential as every authenticating service caches it (no secret: it is found by its hash). */
export const credentialSchema = z.object({
  projectId: projectIdSchema,
  number: z.number().int().positive(),
  keyId: z.string(),
  kind: z.enum(['ingest', 'read']),
  /** When it stops working (ms); 0 = never. */
  expiresAt: z.number().int().nonnegative(),
});
export type Credential = z.output<typeof credentialSchema>;

/** A project's key as stored (the hashes only) under project:{p}:keys. */
export const storedKeySchema = z.object({
  keyId: z.string(),
  ingestHash: z.string(),
  readHash: z.string(),
  createdAt: z.number().int(),
  expiresAt: z.number().int().nonnegative(),
});
export type StoredKey = z.output<typeof storedKeySchema>;

export interface KeyView {
  keyId: string;
  createdAt: string;
  /** When this key stops working (after a rotation), else null. */
  expiresAt: string | null;
}

export interface ProjectView {
  projectId: string;
  number: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  keys: KeyView[];
}

/** The secrets of a key: shown once, in the answer that made them. */
export interface IssuedKey {
  keyId: string;
  ingestKey: string;
  readToken: string;
}
