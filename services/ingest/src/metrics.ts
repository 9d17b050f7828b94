import { Counter, Histogram, type Registry } from 'prom-client';
import { createProjectLabel } from './project-label.js';

export interface IngestMetrics {
  events: Counter<'outcome'>;
  produceSeconds: Histogram;
  projectEvents: Counter<'project' | 'outcome'>;
  sentryItems: Counter<'project' | 'kind'>;
  rateLimited: Counter<'scope'>;
  /** The `project` label of a project id: its id for the first few, then `other`. */
  projectLabel(projectId: string): string;
}

export interface IngestMetricsOptions {
  /** Distinct projects labelled by id (METRICS_PROJECT_LABELS); 0 labels every project `all`. */
  maxProjectLabels?: number;
}

export function createIngestMetrics(registry: Registry, options: IngestMetricsOptions = {}): IngestMetrics {
  const rateLimited = new Counter({
    name: 'evh_ingest_rate_limited_total',
    help: 'Items refused with 429, by the scope that refused them (user: the sliding window, project: the quota)',
    labelNames: ['scope'],
    registers: [registry],
  });
  // At 0 from the start, so the first refusal is an increase Prometheus sees.
  for (const scope of ['user', 'project']) rateLimited.inc({ scope }, 0);
  return {
    events: new Counter({
      name: 'evh_ingest_events_total',
      help: 'Events received, by outcome (accepted, rate_limited, invalid, unavailable)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    produceSeconds: new Histogram({
      name: 'evh_ingest_produce_seconds',
      help: 'Time from handing events to the producer until Kafka acknowledged them',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    projectEvents: new Counter({
      name: 'evh_ingest_project_events_total',
      help: 'Events of projects with a quota, by project (capped: METRICS_PROJECT_LABELS) and verdict (accepted, throttled, shadow_throttled)',
      labelNames: ['project', 'outcome'],
      registers: [registry],
    }),
    sentryItems: new Counter({
      name: 'evh_ingest_sentry_items_total',
      help: 'Items of Sentry envelopes received, by project (capped: METRICS_PROJECT_LABELS) and kind (event, transaction, session, …, other)',
      labelNames: ['project', 'kind'],
      registers: [registry],
    }),
    rateLimited,
    projectLabel: createProjectLabel(options.maxProjectLabels ?? 50),
  };
}
