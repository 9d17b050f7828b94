/**
 * Where a crash's time went between the ingest accepting it and the consumer's final state,
 * from the stamps its records keep: receivedAt (the crash record), loggedAt, readAt,
 * startedAt and processedAt (the pipeline's event record).
 */
export interface Stamps {
  receivedAt: number;
  loggedAt: number;
  readAt: number;
  startedAt: number;
  processedAt: number;
}

export const STAGES = ['produce', 'kafka', 'queue', 'work'] as const;
export type Stage = (typeof STAGES)[number];

/** What each stage stands for, for the report. */
export const STAGE_NAMES: Record<Stage, string> = {
  produce: 'ingest: accepted → produce request built (the linger, while a batch is in flight)',
  kafka: 'Kafka: request built → fetched by the consumer',
  queue: 'consumer: fetched → started (user lane, fair scheduler)',
  work: 'consumer: started → final state (Redis, 20 ms work)',
};

export type StageTimes = Record<Stage, number>;

export function stagesOf(s: Stamps): StageTimes {
  return {
    produce: s.loggedAt - s.receivedAt,
    kafka: s.readAt - s.loggedAt,
    queue: s.startedAt - s.readAt,
    work: s.processedAt - s.startedAt,
  };
}

export interface Band {
  /** Events the band holds. */
  n: number;
  /** Their mean time, accepted → final state (ms). */
  total: number;
  /** Their mean time in each stage (ms). */
  stages: StageTimes;
}

function band(rows: Stamps[]): Band {
  const stages: StageTimes = { produce: 0, kafka: 0, queue: 0, work: 0 };
  let total = 0;
  for (const row of rows) {
    const s = stagesOf(row);
    for (const stage of STAGES) stages[stage] += s[stage];
    total += row.processedAt - row.receivedAt;
  }
  for (const stage of STAGES) stages[stage] /= rows.length;
  return { n: rows.length, total: total / rows.length, stages };
}

/**
 * The slowest `share` of the events (at least one) beside the middle fifth (p40–p60): what
 * the tail spends more time on than a typical event is what it waits behind.
 */
export function tailAndTypical(rows: Stamps[], share = 0.01): { tail: Band; typical: Band } {
  const sorted = [...rows].sort((a, b) => a.processedAt - a.receivedAt - (b.processedAt - b.receivedAt));
  const tailCount = Math.max(1, Math.ceil(sorted.length * share));
  const from = Math.floor(sorted.length * 0.4);
  const to = Math.max(from + 1, Math.ceil(sorted.length * 0.6));
  return { tail: band(sorted.slice(-tailCount)), typical: band(sorted.slice(from, to)) };
}
