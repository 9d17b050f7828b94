import { projectIdSchema } from '@evh/events';
import { z } from 'zod';

export const QUOTA_GROUP = 'eventhorizon.io';
export const QUOTA_VERSION = 'v1alpha1';
export const QUOTA_API_VERSION = `${QUOTA_GROUP}/${QUOTA_VERSION}`;
export const QUOTA_KIND = 'ProjectQuota';
export const QUOTA_PLURAL = 'projectquotas';
export const QUOTA_SINGULAR = 'projectquota';

export const quotaModeSchema = z
  .enum(['enforce', 'shadow'])
  .describe('enforce refuses what is over the quota; shadow accepts it and only counts it as throttled');
export type QuotaMode = z.output<typeof quotaModeSchema>;

/**
 * The spec of a ProjectQuota. The CRD's OpenAPI schema is generated from this object, so the
 * API server checks the structure (types, ranges, the project id's format). The refinement
 * below relates two fields, which an OpenAPI schema cannot say: the controller checks it and
 * reports a violation as Ready=False, so a quota stored before a rule existed is reported too.
 */
export const projectQuotaSpecSchema = z
  .object({
    projectId: projectIdSchema.describe(
      'The project the quota applies to (the projectId of crash reports and events)',
    ),
    eventsPerSecond: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .describe('Sustained admission rate of the project, events per second'),
    burst: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .describe('Events admitted at once above the sustained rate (the size of the token bucket)'),
    maxInFlight: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe('At most this many events of the project are processed at once by one consumer'),
    weight: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(1)
      .describe('Share of consumer capacity under contention, relative to the other projects'),
    mode: quotaModeSchema.default('enforce'),
  })
  .superRefine((spec, ctx) => {
    if (spec.burst < spec.eventsPerSecond) {
      ctx.addIssue({
        code: 'custom',
        path: ['burst'],
        message: `must be at least eventsPerSecond (${spec.eventsPerSecond}), or a client sending one second's allowance in one batch is refused`,
      });
    }
  });

export type ProjectQuotaSpec = z.output<typeof projectQuotaSpecSchema>;

export const conditionSchema = z.object({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: z.string().describe('RFC 3339 time of the last change of status'),
  observedGeneration: z.number().int().min(0).optional(),
});
export type Condition = z.output<typeof conditionSchema>;

export const projectQuotaStatusSchema = z.object({
  observedGeneration: z.number().int().min(0).optional().describe('The generation the status describes'),
  conditions: z.array(conditionSchema).optional(),
  acceptedLastMinute: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Events of the project admitted in about the last 60 s (shadow mode: all of them)'),
  throttledLastMinute: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Events over the quota in about the last 60 s (refused, or only counted in shadow mode)'),
});
export type ProjectQuotaStatus = z.output<typeof projectQuotaStatusSchema>;

/** The parts of a ProjectQuota object the controller reads; the spec is validated on its own. */
export interface ProjectQuotaObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    creationTimestamp?: string | Date;
  };
  spec?: unknown;
  status?: ProjectQuotaStatus;
}
