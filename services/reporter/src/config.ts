import { httpLimitsEnvShape } from '@evh/http';
import { serviceEnvShape } from '@evh/lifecycle';
import { redisEnvShape } from '@evh/redis';
import { z } from 'zod';

export const reporterConfigSchema = z.object({
  ...serviceEnvShape(3001),
  ...redisEnvShape,
  ...httpLimitsEnvShape,
  /** The ingest's address as a browser reaches it, for the upload page. */
  PUBLIC_INGEST_URL: z.string().url().default('http://127.0.0.1:3000'),
});

export type ReporterConfig = z.output<typeof reporterConfigSchema>;
