import { Counter, Histogram, type Registry } from 'prom-client';

export interface IngestMetrics {
  events: Counter<'outcome'>;
  produceSeconds: Histogram;
  projectEvents: Counter<'project' | 'outcome'>;
  sentryItems: Counter<'project' | 'kind'>;
}

export function createIngestMetrics(registry: Registry): IngestMetrics {
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
      help: 'Events of projects with a quota, by verdict (accepted, throttled, shadow_throttled)',
      labelNames: ['project', 'outcome'],
      registers: [registry],
    }),
    sentryItems: new Counter({
      name: 'evh_ingest_sentry_items_total',
      help: 'Items of Sentry envelopes received, by project and kind (event, transaction, session, …, other)',
      labelNames: ['project', 'kind'],
      registers: [registry],
    }),
  };
}
