import {
  projectQuotaSpecSchema,
  projectQuotaStatusSchema,
  QUOTA_GROUP,
  QUOTA_KIND,
  QUOTA_PLURAL,
  QUOTA_SINGULAR,
  QUOTA_VERSION,
} from '@evh/quota';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/**
 * zod's OpenAPI 3.0 output made structural for Kubernetes: no `$schema`, and no bounds that
 * only say "a JavaScript safe integer" (zod adds them to every int).
 */
function structural(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(structural);
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$schema') continue;
    if (k === 'maximum' && v === Number.MAX_SAFE_INTEGER) continue;
    if (k === 'minimum' && v === Number.MIN_SAFE_INTEGER) continue;
    out[k] = structural(v);
  }
  return out;
}

const openApi = (schema: z.ZodType) =>
  structural(
    z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'throw' }),
  ) as JsonSchema;

/**
 * The ProjectQuota CRD, generated from the zod schemas the controller validates with. The
 * API server checks the structure; the controller checks what relates two fields (see the
 * spec schema's refinement) and reports it in the Ready condition.
 */
export function projectQuotaCrd() {
  const spec = openApi(projectQuotaSpecSchema);
  const status = openApi(projectQuotaStatusSchema);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${QUOTA_PLURAL}.${QUOTA_GROUP}` },
    spec: {
      group: QUOTA_GROUP,
      scope: 'Namespaced',
      names: {
        kind: QUOTA_KIND,
        listKind: `${QUOTA_KIND}List`,
        plural: QUOTA_PLURAL,
        singular: QUOTA_SINGULAR,
        shortNames: ['pq'],
      },
      versions: [
        {
          name: QUOTA_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Project', type: 'string', jsonPath: '.spec.projectId' },
            {
              name: 'Rate',
              type: 'integer',
              jsonPath: '.spec.eventsPerSecond',
              description: 'events per second',
            },
            { name: 'Burst', type: 'integer', jsonPath: '.spec.burst', priority: 1 },
            { name: 'Weight', type: 'integer', jsonPath: '.spec.weight', priority: 1 },
            { name: 'Mode', type: 'string', jsonPath: '.spec.mode' },
            {
              name: 'Throttled',
              type: 'integer',
              jsonPath: '.status.throttledLastMinute',
              description: 'in about the last minute',
            },
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            {
              name: 'Reason',
              type: 'string',
              jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
              priority: 1,
            },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: `A project's admission rate and share of consumer capacity. The controller writes it to Redis, where the ingest and the consumer read it.`,
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status,
              },
              required: ['spec'],
            },
          },
        },
      ],
    },
  };
}
