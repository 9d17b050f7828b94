import { envBool } from '@evh/lifecycle';
import { z } from 'zod';
import { createLocalStore } from './local-store.js';
import type { ObjectStore } from './object-store.js';
import { createS3Store } from './s3-store.js';

/** The storage part of a service's env schema: a folder by default, S3 when S3_BUCKET is set. */
export const storageEnvSchema = z.object({
  STORAGE_DIR: z.string().default('.data/uploads'),
  S3_ENDPOINT: z.string().url().optional(),
  S3_BUCKET: z.string().min(3).optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: envBool(true),
});

export type StorageEnv = z.output<typeof storageEnvSchema>;

export function createObjectStore(env: StorageEnv): ObjectStore {
  if (!env.S3_BUCKET) return createLocalStore(env.STORAGE_DIR);
  if (!env.S3_ENDPOINT || !env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY) {
    throw new Error(
      'S3_BUCKET is set: S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are needed too',
    );
  }
  return createS3Store({
    endpoint: env.S3_ENDPOINT,
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
  });
}
