import { dbEnvShape } from '@evh/db';
import { topicsEnvShape } from '@evh/events';
import { httpLimitsEnvShape } from '@evh/http';
import { kafkaEnvShape } from '@evh/kafka';
import { envInt, serviceEnvShape } from '@evh/lifecycle';
import { authEnvShape } from '@evh/projects';
import { redisEnvShape } from '@evh/redis';
import { z } from 'zod';

export const reporterConfigSchema = z
  .object({
    ...serviceEnvShape(3001),
    ...redisEnvShape,
    ...dbEnvShape,
    ...httpLimitsEnvShape,
    ...authEnvShape,
    // Kafka for the dead-letter replay (produces to EVENTS_TOPIC) and the consumer lag
    // (CONSUMER_GROUP on EVENTS_TOPIC) of the pipeline page.
    ...kafkaEnvShape,
    ...topicsEnvShape,
    /** The ingest's address as a browser and an SDK reach it: the console's upload, every DSN. */
    PUBLIC_INGEST_URL: z.string().url().default('http://127.0.0.1:3000'),
    /** The admin API's token (a Kubernetes Secret in the chart); required while AUTH=on. */
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** How long the keys a rotation replaces keep working. */
    KEY_GRACE_MS: envInt(24 * 60 * 60 * 1000, 0),
  })
  .superRefine((c, ctx) => {
    if (c.AUTH === 'on' && !c.ADMIN_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_TOKEN'],
        message: 'must be set while AUTH=on (AUTH=off only for development)',
      });
    }
  });

export type ReporterConfig = z.output<typeof reporterConfigSchema>;
