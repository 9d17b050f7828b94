import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ConsumerMetrics {
  events: Counter<'outcome'>;
  gapsSkipped: Counter;
  anomalies: Counter<'kind'>;
  batches: Counter;
  redeliveries: Counter;
  consumerRestarts: Counter<'group'>;
  processSeconds: Histogram;
  issuesOpened: Counter<'severity'>;
  jobs: Counter<'outcome'>;
  jobsRunning: Gauge;
  jobChunks: Counter;
  /** Reports the messages fetched and not yet finalized, read at scrape time. */
  observePending(read: () => number): void;
}

/**
 * Series of known label values exist from the start at 0, so the first increase is seen:
 * an alert on increase() or rate() misses a counter whose series appears at 1 (Prometheus
 * has no earlier sample to compare with). The first dead letter must fire the alert.
 */
function initialized<T extends Counter<L>, L extends string>(counter: T, label: L, values: string[]): T {
  for (const value of values) counter.inc({ [label]: value } as Partial<Record<L, string>>, 0);
  return counter;
}

export function createConsumerMetrics(registry: Registry): ConsumerMetrics {
  return {
    events: initialized(
      new Counter({
        name: 'evh_consumer_events_total',
        help: 'Events handled, by outcome (processed, failed, duplicate, buffered, late)',
        labelNames: ['outcome'],
        registers: [registry],
      }),
      'outcome',
      ['processed', 'failed', 'duplicate', 'buffered', 'late'],
    ),
    anomalies: new Counter({
      name: 'evh_logs_anomalies_total',
      help: 'Anomalies found in uploaded log files, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    gapsSkipped: new Counter({
      name: 'evh_consumer_seq_gaps_skipped_total',
      help: 'Seq gaps given up on after ORDER_GAP_TIMEOUT_MS',
      registers: [registry],
    }),
    batches: new Counter({
      name: 'evh_consumer_batches_total',
      help: 'Fetched batches handed to processing',
      registers: [registry],
    }),
    redeliveries: new Counter({
      name: 'evh_consumer_redeliveries_total',
      help: 'Messages read again from Kafka because Redis or Kafka failed while they were processed',
      registers: [registry],
    }),
    consumerRestarts: new Counter({
      name: 'evh_consumer_kafka_restarts_total',
      help: 'Kafka consumers restarted after a crash the client gave up on, by group',
      labelNames: ['group'],
      registers: [registry],
    }),
    processSeconds: new Histogram({
      name: 'evh_consumer_process_seconds',
      help: 'Time to a final state: from taking an event lock (retries included), or of one script call for a run of plain events',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    issuesOpened: initialized(
      new Counter({
        name: 'evh_consumer_crash_issues_opened_total',
        help: 'Crash issues opened (the first crash of a new fingerprint), by severity',
        labelNames: ['severity'],
        registers: [registry],
      }),
      'severity',
      ['error', 'warning', 'info'],
    ),
    jobs: initialized(
      new Counter({
        name: 'evh_jobs_total',
        help: 'Upload jobs handled by the job worker, by outcome (read, completed, failed, skipped, abandoned)',
        labelNames: ['outcome'],
        registers: [registry],
      }),
      'outcome',
      ['read', 'completed', 'failed', 'skipped', 'abandoned'],
    ),
    jobsRunning: new Gauge({
      name: 'evh_jobs_running',
      help: 'Upload jobs this process is reading now',
      registers: [registry],
    }),
    jobChunks: new Counter({
      name: 'evh_job_chunks_total',
      help: "Chunk events the job worker sent to Kafka (each at most JOB_CHUNK_LINES of a file's lines)",
      registers: [registry],
    }),
    observePending(read) {
      new Gauge({
        name: 'evh_consumer_pending_messages',
        help: 'Messages fetched and not yet finalized (bounded per partition by back-pressure)',
        registers: [registry],
        collect() {
          this.set(read());
        },
      });
    },
  };
}
